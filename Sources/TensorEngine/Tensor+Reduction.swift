/// Reductions over all elements or along one axis. An axis reduction sees the tensor as
/// `[outer, n, inner]`, with `n` the size of the reduced axis.
extension Tensor {
  private struct Layout {
    let outer: Int
    let n: Int
    let inner: Int
    let resultShape: [Int]
  }

  private func layout(_ axis: Int?, keepDims: Bool) throws -> Layout {
    guard let axis else {
      return Layout(
        outer: 1, n: count, inner: 1,
        resultShape: keepDims ? [Int](repeating: 1, count: rank) : [])
    }
    let a = try Shape.axis(axis, rank: rank)
    var resultShape = shape
    if keepDims { resultShape[a] = 1 } else { resultShape.remove(at: a) }
    // Reducing the empty axis of [n, 0, m] gives n·m values, which the cap must allow.
    _ = try Tensor.checkedCount(resultShape)
    return Layout(
      outer: shape[..<a].reduce(1, *), n: shape[a], inner: shape[(a + 1)...].reduce(1, *),
      resultShape: resultShape)
  }

  /// The sum of all elements, or along `axis` (negative counts from the end).
  public func sum(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
    let l = try layout(axis, keepDims: keepDims)
    var out = [Double](repeating: 0, count: l.outer * l.inner)
    // With no elements there is nothing to add, however long the other axes.
    if count > 0 {
      scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
          for o in 0..<l.outer {
            for k in 0..<l.n {
              let base = (o * l.n + k) * l.inner
              for i in 0..<l.inner { y[o * l.inner + i] += x[base + i] }
            }
          }
        }
      }
    }
    let y = Tensor(unchecked: l.resultShape, out)
    guard requiresGrad else { return y }
    let inputShape = shape
    return y.recorded(from: [self]) { g in
      [Tensor(unchecked: inputShape, Tensor.spread(g, l.outer, l.n, l.inner, scale: 1))]
    }
  }

  /// The arithmetic mean of all elements, or along `axis`.
  public func mean(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
    let l = try layout(axis, keepDims: keepDims)
    guard l.n > 0 else {
      throw TensorError(.argument, "mean of an empty tensor (shape \(Shape.describe(shape)))")
    }
    let total = try detached.sum(axis: axis, keepDims: keepDims)
    let scale = 1 / Double(l.n)
    let y = Tensor(unchecked: total.shape, total.scalars.map { $0 * scale })
    guard requiresGrad else { return y }
    let inputShape = shape
    return y.recorded(from: [self]) { g in
      [Tensor(unchecked: inputShape, Tensor.spread(g, l.outer, l.n, l.inner, scale: scale))]
    }
  }

  /// The largest element, or the largest along `axis`. The gradient goes to the first
  /// position holding it.
  public func max(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
    try extremum(axis: axis, keepDims: keepDims, name: "max") { $0 > $1 }
  }

  /// The smallest element, or the smallest along `axis`.
  public func min(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
    try extremum(axis: axis, keepDims: keepDims, name: "min") { $0 < $1 }
  }

  /// The index of the first largest element (of the flattened tensor, or along `axis`), as
  /// float64 values. Not differentiable.
  public func argmax(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
    let (l, positions) = try extremumPositions(axis: axis, keepDims: keepDims, name: "argmax") {
      $0 > $1
    }
    return Tensor(unchecked: l.resultShape, positions.map { Double($0) })
  }

  private func extremum(
    axis: Int?, keepDims: Bool, name: String, _ better: (Double, Double) -> Bool
  ) throws -> Tensor {
    let (l, positions) = try extremumPositions(axis: axis, keepDims: keepDims, name: name, better)
    let y = Tensor(
      unchecked: l.resultShape,
      positions.indices.map { j in
        scalars[((j / l.inner) * l.n + positions[j]) * l.inner + j % l.inner]
      })
    guard requiresGrad else { return y }
    let inputShape = shape
    let inputCount = count
    return y.recorded(from: [self]) { g in
      var dx = [Double](repeating: 0, count: inputCount)
      for j in positions.indices {
        dx[((j / l.inner) * l.n + positions[j]) * l.inner + j % l.inner] += g.scalars[j]
      }
      return [Tensor(unchecked: inputShape, dx)]
    }
  }

  /// For each output position, the index along the reduced axis of the best element. NaN
  /// wins over any number, as in numpy, so that a diverged run is visible.
  private func extremumPositions(
    axis: Int?, keepDims: Bool, name: String, _ better: (Double, Double) -> Bool
  ) throws -> (Layout, [Int]) {
    let l = try layout(axis, keepDims: keepDims)
    guard l.n > 0 else {
      throw TensorError(
        .argument,
        "\(name) of an empty \(axis == nil ? "tensor" : "axis") (shape \(Shape.describe(shape)))")
    }
    var positions = [Int](repeating: 0, count: l.outer * l.inner)
    scalars.withUnsafeBufferPointer { x in
      for o in 0..<l.outer {
        for i in 0..<l.inner {
          var best = x[o * l.n * l.inner + i]
          var at = 0
          if !best.isNaN {
            for k in 1..<Swift.max(l.n, 1) {
              let v = x[(o * l.n + k) * l.inner + i]
              if v.isNaN || better(v, best) {
                best = v
                at = k
                if v.isNaN { break }
              }
            }
          }
          positions[o * l.inner + i] = at
        }
      }
    }
    return (l, positions)
  }

  /// Copies each reduced value `g` back over the `n` positions it came from, times `scale`.
  private static func spread(_ g: Tensor, _ outer: Int, _ n: Int, _ inner: Int, scale: Double)
    -> [Double]
  {
    let total = outer * n * inner
    return [Double](unsafeUninitializedCapacity: total) { dx, initialized in
      guard total > 0 else { return }
      g.scalars.withUnsafeBufferPointer { gb in
        for o in 0..<outer {
          for k in 0..<n {
            let base = (o * n + k) * inner
            for i in 0..<inner { dx[base + i] = gb[o * inner + i] * scale }
          }
        }
      }
      initialized = total
    }
  }
}
