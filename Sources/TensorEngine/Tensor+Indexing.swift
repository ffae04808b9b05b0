/// Selecting by a mask, and writing into a selection: `x[y == 0]`, `x[[0, 2]]`, `w[0, 1] = v`.
///
/// A mask is a tensor of truth values whose shape is that of the leading axes (numpy's
/// boolean index): it picks the entries of those axes where it is nonzero, in row-major
/// order, and keeps the remaining axes whole. A mask of shape `[n, 1]` — a data set's labels
/// compared with a class — also selects rows of an `[n, d]` tensor.
extension Tensor {
  /// The elements `items` select, after `mask` (when given) has selected along the leading
  /// axes. Differentiable: the gradient is scattered back, added up where a position was
  /// taken twice.
  public func selecting(mask: Tensor?, _ items: [TensorIndex]) throws -> Tensor {
    guard let mask else { return try self[items] }
    let (flat, positions) = try maskPositions(mask)
    return try reshaped(flat)[[.positions(positions)] + items]
  }

  /// A copy with the selected elements replaced by `value`, broadcast to the selection's
  /// shape. Differentiable in both: the gradient of the result flows to the elements kept
  /// and to `value` (from each position it was written to last).
  public func replacing(mask: Tensor?, _ items: [TensorIndex], with value: Tensor) throws
    -> Tensor
  {
    let (selectionShape, offsets, written) = try writes(mask: mask, items, value)
    var out = scalars
    for (o, v) in zip(offsets, written) { out[o] = v }
    let y = Tensor(unchecked: shape, out)
    guard requiresGrad || value.requiresGrad else { return y }
    let base = self
    return y.recorded(from: [self, value]) { g in
      // A position written twice keeps the later value; only that one gets the gradient.
      var last: [Int: Int] = [:]
      for (k, o) in offsets.enumerated() { last[o] = k }
      var gBase = g.scalars
      for o in offsets { gBase[o] = 0 }
      var gValue = [Double](repeating: 0, count: offsets.count)
      for (k, o) in offsets.enumerated() where last[o] == k { gValue[k] = g.scalars[o] }
      return [
        base.requiresGrad ? Tensor(unchecked: base.shape, gBase) : nil,
        value.requiresGrad
          ? try Tensor(unchecked: selectionShape, gValue).sumToShape(value.shape) : nil,
      ]
    }
  }

  /// Writes `value`, broadcast to the selection's shape, into the selected elements of this
  /// tensor's own storage: how a parameter is changed by hand, keeping its identity (so
  /// the layer holding it sees the change). Only values are written; the graph `value`
  /// came from is not kept.
  public func assign(mask: Tensor?, _ items: [TensorIndex], _ value: Tensor) throws {
    let (_, offsets, written) = try writes(mask: mask, items, value)
    for (o, v) in zip(offsets, written) { scalars[o] = v }
    changedInPlace()
  }

  /// The selection's shape, the flat offsets it covers and the value to write at each.
  private func writes(mask: Tensor?, _ items: [TensorIndex], _ value: Tensor) throws -> (
    shape: [Int], offsets: [Int], values: [Double]
  ) {
    let (selected, offsets) = try locate(mask: mask, items)
    guard (try? Shape.broadcast(value.shape, selected, op: "=")) == selected else {
      throw TensorError(
        .shape,
        "cannot assign a value of shape \(Shape.describe(value.shape)) to a selection of shape "
          + "\(Shape.describe(selected)): the value must have that shape or broadcast to it")
    }
    return (selected, offsets, value.expanded(to: selected))
  }

  /// The selection's shape and flat offsets into this tensor's storage.
  private func locate(mask: Tensor?, _ items: [TensorIndex]) throws -> (
    shape: [Int], offsets: [Int]
  ) {
    guard let mask else { return try Tensor.selection(items, in: shape) }
    // Reshaping keeps the row-major order, so offsets into the flattened view are offsets
    // into this tensor.
    let (flat, positions) = try maskPositions(mask)
    return try Tensor.selection([.positions(positions)] + items, in: flat)
  }

  /// The shape with the mask's axes flattened into one, and the positions along it where the
  /// mask is nonzero.
  private func maskPositions(_ mask: Tensor) throws -> (flat: [Int], positions: [Int]) {
    let leading = try maskAxes(mask)
    let flat = [mask.count] + shape[leading...]
    let positions = mask.scalars.indices.filter { mask.scalars[$0] != 0 }
    return (flat, positions)
  }

  /// How many leading axes `mask` covers.
  private func maskAxes(_ mask: Tensor) throws -> Int {
    guard mask.rank > 0 else {
      throw TensorError(
        .index, "a single true or false cannot index a tensor; use a mask like x[x > 0]")
    }
    if mask.rank <= rank, Array(shape[..<mask.rank]) == mask.shape { return mask.rank }
    // Labels `[n, 1]` compared with a class select rows of `[n, d]` samples.
    var trimmed = mask.shape
    while trimmed.count > 1, trimmed.last == 1 { trimmed.removeLast() }
    if trimmed.count < mask.rank, trimmed.count <= rank, Array(shape[..<trimmed.count]) == trimmed {
      return trimmed.count
    }
    let fits = (1...Swift.max(1, rank)).filter { $0 <= rank }.map {
      Shape.describe(Array(shape[..<$0]))
    }
    throw TensorError(
      .shape,
      "a mask of shape \(Shape.describe(mask.shape)) does not fit a tensor of shape "
        + "\(Shape.describe(shape)): a mask has the shape of the leading axes ("
        + (fits.isEmpty ? "none: a number cannot be masked" : fits.joined(separator: " or "))
        + ")")
  }
}
