/// Choosing elementwise between two tensors by a condition, as numpy's `where`.
extension Tensor {
  /// `a` where `condition` is nonzero, `b` elsewhere; all three broadcast to one shape.
  ///
  /// ```
  /// y_i = c_i ≠ 0 ? a_i : b_i        ∂y/∂a = [c ≠ 0]    ∂y/∂b = [c = 0]
  /// ```
  /// The condition gets no gradient. NaN counts as true, as in numpy.
  public static func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    let shape = try Shape.broadcast(
      Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
    let n = try checkedCount(shape)
    let c = condition.expanded(to: shape)
    let pickA = c.map { $0 != 0 }
    let av = a.expanded(to: shape)
    let bv = b.expanded(to: shape)
    let y = Tensor(unchecked: shape, (0..<n).map { pickA[$0] ? av[$0] : bv[$0] })
    guard a.requiresGrad || b.requiresGrad else { return y }
    return y.recorded(from: [condition, a, b]) { g in
      let ga = (0..<n).map { pickA[$0] ? g.scalars[$0] : 0 }
      let gb = (0..<n).map { pickA[$0] ? 0 : g.scalars[$0] }
      return [
        nil,
        a.requiresGrad ? try Tensor(unchecked: shape, ga).sumToShape(a.shape) : nil,
        b.requiresGrad ? try Tensor(unchecked: shape, gb).sumToShape(b.shape) : nil,
      ]
    }
  }

  /// The values of this tensor broadcast to `target` (which it must broadcast to).
  func expanded(to target: [Int]) -> [Double] {
    if shape == target { return scalars }
    if target.contains(0) { return [] }
    if count == 1 {
      return [Double](repeating: scalars[0], count: target.reduce(1, *))
    }
    let offsets = Tensor.offsets(
      shape: target, strides: Tensor.broadcastStrides(shape, to: target))
    return offsets.map { scalars[$0] }
  }
}
