/// Sorting along one axis, as numpy's `sort` and `argsort` and PyTorch's `topk`.
///
/// Ties keep their original order (a stable sort), so results never depend on the sorting
/// algorithm. NaN counts as larger than every number, as in numpy: it goes last in an
/// ascending sort and first in a descending one or in `topk`.
extension Tensor {
  /// The values along `axis` in ascending order (descending with `descending`). The gradient
  /// goes back to the position each value came from.
  public func sorted(axis: Int = -1, descending: Bool = false) throws -> Tensor {
    let order = try sortOrder(axis: axis, descending: descending, name: "sort")
    return gathered(order, keep: order.n)
  }

  /// The positions along `axis` that would sort it, as float64 values. Not differentiable.
  public func argsort(axis: Int = -1, descending: Bool = false) throws -> Tensor {
    let order = try sortOrder(axis: axis, descending: descending, name: "argsort")
    return order.positions(keep: order.n)
  }

  /// The `k` largest values along `axis` (the smallest when `largest` is false), best first,
  /// and their positions, as PyTorch's `topk`. The values are differentiable.
  public func topk(_ k: Int, axis: Int = -1, largest: Bool = true) throws -> (
    values: Tensor, indices: Tensor
  ) {
    let order = try sortOrder(axis: axis, descending: largest, name: "topk")
    guard k >= 0, k <= order.n else {
      throw TensorError(
        .argument,
        "topk needs k from 0 to \(order.n) (the size of axis \(axis) of "
          + "\(Shape.describe(shape))), not \(k)")
    }
    return (gathered(order, keep: k), order.positions(keep: k))
  }

  /// For each line along the axis (`outer` × `inner` of them), the positions of its `n`
  /// values in sorted order.
  private struct SortOrder {
    let axis: Int
    let outer: Int
    let n: Int
    let inner: Int
    let shape: [Int]
    /// `ranks[(o · n + r) · inner + i]` is the position holding the r-th value of line (o, i).
    let ranks: [Int]

    func resultShape(keep: Int) -> [Int] {
      var s = shape
      s[axis] = keep
      return s
    }

    /// Flat offsets, in the input, of the first `keep` sorted values of every line.
    func offsets(keep: Int) -> [Int] {
      sortedFirst(keep) { o, i, position in (o * n + position) * inner + i }
    }

    /// The positions along the axis of the first `keep` sorted values of every line.
    func positions(keep: Int) -> Tensor {
      Tensor(unchecked: resultShape(keep: keep), sortedFirst(keep) { _, _, p in Double(p) })
    }

    /// `f(o, i, position)` for the first `keep` sorted values of every line (o, i), in the
    /// row-major order of the result.
    private func sortedFirst<T>(_ keep: Int, _ f: (Int, Int, Int) -> T) -> [T] {
      guard outer * keep * inner > 0 else { return [] }
      var result: [T] = []
      result.reserveCapacity(outer * keep * inner)
      for o in 0..<outer {
        for r in 0..<keep {
          for i in 0..<inner { result.append(f(o, i, ranks[(o * n + r) * inner + i])) }
        }
      }
      return result
    }
  }

  private func sortOrder(axis: Int, descending: Bool, name: String) throws -> SortOrder {
    guard rank > 0 else {
      throw TensorError(.shape, "\(name) needs a tensor with an axis, not a single number")
    }
    let a = try Shape.axis(axis, rank: rank)
    let outer = shape[..<a].reduce(1, *)
    let n = shape[a]
    let inner = shape[(a + 1)...].reduce(1, *)
    var ranks = [Int](repeating: 0, count: count)
    // NaN is the largest value; among equals the earlier position comes first.
    func before(_ u: Double, _ p: Int, _ v: Double, _ q: Int) -> Bool {
      if u.isNaN || v.isNaN {
        if u.isNaN && v.isNaN { return p < q }
        return descending ? u.isNaN : v.isNaN
      }
      if u != v { return descending ? u > v : u < v }
      return p < q
    }
    // An empty tensor has no lines to sort, however long its other axes are.
    guard count > 0 else {
      return SortOrder(axis: a, outer: outer, n: n, inner: inner, shape: shape, ranks: [])
    }
    var line = [Int](repeating: 0, count: n)
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * n * inner + i
        for k in 0..<n { line[k] = k }
        line.sort { p, q in
          before(scalars[base + p * inner], p, scalars[base + q * inner], q)
        }
        for r in 0..<n { ranks[(o * n + r) * inner + i] = line[r] }
      }
    }
    return SortOrder(axis: a, outer: outer, n: n, inner: inner, shape: shape, ranks: ranks)
  }

  /// The first `keep` sorted values of every line, with the gradient scattered back.
  private func gathered(_ order: SortOrder, keep: Int) -> Tensor {
    let offsets = order.offsets(keep: keep)
    let y = Tensor(unchecked: order.resultShape(keep: keep), offsets.map { scalars[$0] })
    guard requiresGrad else { return y }
    let inputShape = shape
    let inputCount = count
    return y.recorded(from: [self]) { g in
      [Tensor(unchecked: inputShape, Tensor.scatter(g.scalars, offsets, count: inputCount))]
    }
  }
}
