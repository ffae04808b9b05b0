/// One entry of an index expression `t[…]`, one per axis from the first.
public enum TensorIndex: Sendable, Equatable {
  /// One position; the axis disappears. Negative counts from the end.
  case at(Int)
  /// `start:end:step` as in Python; nil bounds mean the whole axis in the step's direction.
  case range(start: Int?, end: Int?, step: Int?)
  /// A list of positions, in any order and possibly repeated; the axis keeps one entry per
  /// position, as numpy's integer-array index. Negative counts from the end.
  case positions([Int])

  /// The whole axis, `:`.
  public static let all = TensorIndex.range(start: nil, end: nil, step: nil)
}

extension Tensor {
  /// The same values with a new shape; one size may be −1 and is then inferred.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    var target = newShape
    let unknown = target.indices.filter { target[$0] == -1 }
    guard unknown.count <= 1, !target.contains(where: { $0 < -1 }) else {
      throw TensorError(
        .argument,
        "cannot reshape to \(Shape.describe(newShape)): sizes must be ≥ 0, with at most one −1")
    }
    if let u = unknown.first {
      target[u] = 1
      let known = try Shape.count(target)
      guard known > 0, count % known == 0 else {
        throw TensorError(
          .shape,
          "cannot reshape \(Shape.describe(shape)) (\(count) values) to "
            + "\(Shape.describe(newShape)): \(count) is not a multiple of \(known)")
      }
      target[u] = count / known
    }
    guard try Shape.count(target) == count else {
      throw TensorError(
        .shape,
        "cannot reshape \(Shape.describe(shape)) (\(count) values) to "
          + "\(Shape.describe(newShape)) (\(try Shape.count(target)) values)")
    }
    let y = Tensor(unchecked: target, scalars)
    y.isMask = isMask
    guard requiresGrad else { return y }
    let inputShape = shape
    return y.recorded(from: [self]) { g in [Tensor(unchecked: inputShape, g.scalars)] }
  }

  /// All values as a vector.
  public func flattened() -> Tensor {
    // A vector of `count` values always fits.
    (try? reshaped([count])) ?? self
  }

  /// The axes reversed, as numpy's `.T`: a matrix's transpose; a vector unchanged.
  public func transposed() -> Tensor {
    // Reversing the axes is always a valid permutation.
    (try? permuted(Array((0..<rank).reversed()))) ?? self
  }

  /// The axes rearranged: axis `i` of the result is axis `axes[i]` of this tensor.
  public func permuted(_ axes: [Int]) throws -> Tensor {
    let normalized = try axes.map { try Shape.axis($0, rank: rank) }
    guard normalized.count == rank, Set(normalized).count == rank else {
      throw TensorError(
        .argument,
        "permutation \(Shape.describe(axes)) must name each of the \(rank) axes once")
    }
    if normalized == Array(0..<rank) { return try reshaped(shape) }
    let outShape = normalized.map { shape[$0] }
    let inStrides = Shape.strides(shape)
    let gather = Tensor.offsets(shape: outShape, strides: normalized.map { inStrides[$0] })
    let y = Tensor(unchecked: outShape, gather.map { scalars[$0] })
    guard requiresGrad else { return y }
    let inputShape = shape
    return y.recorded(from: [self]) { g in
      [Tensor(unchecked: inputShape, Tensor.scatter(g.scalars, gather, count: g.count))]
    }
  }

  /// Selects by position along each axis from the first; axes not named are kept whole.
  public subscript(_ items: [TensorIndex]) -> Tensor {
    get throws {
      let (outShape, gather) = try Tensor.selection(items, in: shape)
      let y = Tensor(unchecked: outShape, gather.map { scalars[$0] })
      y.isMask = isMask
      guard requiresGrad else { return y }
      let inputShape = shape
      let inputCount = count
      return y.recorded(from: [self]) { g in
        [Tensor(unchecked: inputShape, Tensor.scatter(g.scalars, gather, count: inputCount))]
      }
    }
  }

  /// The shape of what `items` select from a tensor of `shape`, and the flat offset of each
  /// selected element in row-major order of the selection.
  static func selection(_ items: [TensorIndex], in shape: [Int]) throws
    -> (shape: [Int], offsets: [Int])
  {
    let rank = shape.count
    guard items.count <= rank else {
      throw TensorError(
        .index,
        "too many indices: \(items.count) for a tensor of shape \(Shape.describe(shape))")
    }
    let strides = Shape.strides(shape)
    let empty = shape.contains(0)
    var outShape: [Int] = []
    var selections: [(positions: [Int], stride: Int)] = []
    for axis in 0..<rank {
      let size = shape[axis]
      let item = axis < items.count ? items[axis] : .all
      func checked(_ i: Int) throws -> Int {
        let p = i < 0 ? i + size : i
        guard p >= 0, p < size else {
          throw TensorError(
            .index,
            "index \(i) is out of range for axis \(axis) of size \(size) "
              + (size == 0 ? "(the axis is empty)" : "(valid: \(-size)…\(size - 1))"))
        }
        return p
      }
      switch item {
      case .at(let i):
        selections.append(([try checked(i)], strides[axis]))
      case .range(let start, let end, let step) where empty:
        // Nothing is selected from an empty tensor: count the positions, don't list them
        // (an axis of it may be very long).
        outShape.append(try Tensor.rangeCount(start, end, step, size: size))
        selections.append(([], strides[axis]))
      case .range(let start, let end, let step):
        let positions = try Tensor.rangePositions(start, end, step, size: size)
        outShape.append(positions.count)
        selections.append((positions, strides[axis]))
      case .positions(let list):
        let positions = try list.map(checked)
        outShape.append(positions.count)
        selections.append((positions, strides[axis]))
      }
    }
    let n = try Shape.count(outShape)
    try Tensor.checkMemory(elements: n)
    // Nothing selected costs nothing, however long the other axes' position lists are.
    return (outShape, n == 0 ? [] : Tensor.offsets(selections))
  }

  /// How many positions `rangePositions` gives, without listing them.
  static func rangeCount(_ start: Int?, _ end: Int?, _ step: Int?, size: Int) throws -> Int {
    let (from, to, step) = try resolvedRange(start, end, step, size: size)
    let span = step > 0 ? to - from : from - to
    let magnitude = step.magnitude > UInt(Int.max) ? Int.max : Int(step.magnitude)
    return span <= 0 ? 0 : (span - 1) / magnitude + 1
  }

  /// `t[i]`: one entry along the first axis.
  public func index(_ i: Int) throws -> Tensor { try self[[.at(i)]] }

  /// Python's slice positions for an axis of `size`, clamping bounds as Python does.
  public static func rangePositions(_ start: Int?, _ end: Int?, _ step: Int?, size: Int) throws
    -> [Int]
  {
    let (from, to, step) = try resolvedRange(start, end, step, size: size)
    return Array(stride(from: from, to: to, by: step))
  }

  /// A slice's first position and the bound it stops before, clamped to an axis of `size`
  /// as Python clamps them, and its step (1 when not given).
  private static func resolvedRange(_ start: Int?, _ end: Int?, _ step: Int?, size: Int) throws
    -> (from: Int, to: Int, step: Int)
  {
    let step = step ?? 1
    guard step != 0 else { throw TensorError(.argument, "slice step cannot be zero") }
    func clamp(_ v: Int, _ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(v, low), high) }
    func resolve(_ v: Int?, _ forward: Int, _ backward: Int) -> Int {
      guard let v else { return step > 0 ? forward : backward }
      let p = v < 0 ? v + size : v
      return step > 0 ? clamp(p, 0, size) : clamp(p, -1, size - 1)
    }
    return (resolve(start, 0, size - 1), resolve(end, size, -1), step)
  }

  /// Flat offsets of every element of a strided view, in row-major order of the view.
  static func offsets(shape: [Int], strides: [Int]) -> [Int] {
    // An empty view has no offsets, however long its other axes.
    if shape.contains(0) { return [] }
    return offsets(zip(shape, strides).map { (Array(0..<$0), $1) })
  }

  static func offsets(_ selections: [(positions: [Int], stride: Int)]) -> [Int] {
    if selections.contains(where: \.positions.isEmpty) { return [] }
    var result = [0]
    for (positions, stride) in selections {
      var next: [Int] = []
      next.reserveCapacity(result.count * positions.count)
      for base in result {
        for p in positions { next.append(base + p * stride) }
      }
      result = next
    }
    return result
  }

  /// Adds each gradient value back at the offset it was gathered from.
  static func scatter(_ values: [Double], _ offsets: [Int], count: Int) -> [Double] {
    var out = [Double](repeating: 0, count: count)
    for (v, o) in zip(values, offsets) { out[o] += v }
    return out
  }

  /// Joins tensors along an existing axis; all other sizes must agree.
  public static func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    guard let first = tensors.first else {
      throw TensorError(.argument, "concat needs at least one tensor")
    }
    guard first.rank > 0 else {
      throw TensorError(.shape, "cannot concat scalars; use stack to make a vector of them")
    }
    let a = try Shape.axis(axis, rank: first.rank)
    for (i, t) in tensors.enumerated() {
      var expected = first.shape
      if t.rank == first.rank { expected[a] = t.shape[a] }
      guard t.shape == expected else {
        throw TensorError(
          .shape,
          "cannot concat \(Shape.describe(first.shape)) with \(Shape.describe(t.shape)) "
            + "(tensor \(i)) along axis \(axis): other sizes must match")
      }
    }
    var outShape = first.shape
    outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
    let total = try checkedCount(outShape)
    let outer = first.shape[..<a].reduce(1, *)
    let blocks = tensors.map { $0.shape[a...].reduce(1, *) }
    let rowLength = blocks.reduce(0, +)
    var out = [Double]()
    out.reserveCapacity(total)
    // Nothing to copy from empty tensors, however many rows of nothing they have.
    for o in 0..<(total == 0 ? 0 : outer) {
      for (t, block) in zip(tensors, blocks) {
        out.append(contentsOf: t.scalars[(o * block)..<((o + 1) * block)])
      }
    }
    let y = Tensor(unchecked: outShape, out)
    guard tensors.contains(where: \.requiresGrad) else { return y }
    return y.recorded(from: tensors) { g in
      var start = 0
      return zip(tensors, blocks).map { t, block in
        defer { start += block }
        guard t.requiresGrad else { return nil }
        var dx = [Double]()
        dx.reserveCapacity(t.count)
        for o in 0..<(t.count == 0 ? 0 : outer) {
          dx.append(
            contentsOf: g.scalars[(o * rowLength + start)..<(o * rowLength + start + block)])
        }
        return Tensor(unchecked: t.shape, dx)
      }
    }
  }

  /// Joins tensors of one shape along a new axis.
  public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
    guard let first = tensors.first else {
      throw TensorError(.argument, "stack needs at least one tensor")
    }
    for (i, t) in tensors.enumerated() where t.shape != first.shape {
      throw TensorError(
        .shape,
        "cannot stack \(Shape.describe(first.shape)) with \(Shape.describe(t.shape)) "
          + "(tensor \(i)): all shapes must be equal")
    }
    let a = try Shape.axis(axis, rank: first.rank + 1)
    var expanded = first.shape
    expanded.insert(1, at: a)
    return try concat(tensors.map { try $0.reshaped(expanded) }, axis: a)
  }
}
