/// Shape arithmetic shared by every operation: element counts, strides, broadcasting and
/// axis normalisation. A shape is a plain `[Int]`, outermost axis first (row-major).
public enum Shape {
  /// Renders a shape as people write it: `[2, 3]`, and `[]` for a scalar.
  public static func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
  }

  /// The most axes a tensor may have. Deep learning needs a handful; a bound keeps a shape
  /// from being a list as long as the program that wrote it, which every operation walks.
  public static let maxRank = 16

  /// The number of elements of `shape`, refusing negative sizes, products that overflow,
  /// more than `maxRank` axes, and an axis longer than the memory cap allows even when
  /// another axis is 0: an empty tensor holds nothing, but work sized by its axes would.
  public static func count(_ shape: [Int]) throws -> Int {
    guard shape.count <= maxRank else {
      throw TensorError(
        .argument,
        "a tensor may have at most \(maxRank) axes, not \(shape.count)")
    }
    var n = 1
    for d in shape {
      guard d >= 0 else {
        throw TensorError(.argument, "shape \(describe(shape)) has a negative size")
      }
      let (product, overflow) = n.multipliedReportingOverflow(by: d)
      guard !overflow else {
        throw TensorError(.memory, "shape \(describe(shape)) has too many elements")
      }
      n = product
    }
    if n == 0 {
      let longest = Tensor.memoryCap / MemoryLayout<Double>.size
      if let axis = shape.firstIndex(where: { $0 > longest }) {
        throw TensorError(
          .memory,
          "shape \(describe(shape)) has \(shape[axis]) on axis \(axis): no axis may be longer "
            + "than the memory cap allows (\(longest) values), even in an empty tensor")
      }
    }
    return n
  }

  /// Row-major strides: the distance in elements between neighbours along each axis.
  public static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[i] = s
      s &*= shape[i]
    }
    return strides
  }

  /// The shape two operands broadcast to, by numpy's rule: align trailing axes; sizes must be
  /// equal or one of them 1.
  public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    if a == b { return a }
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if da == db || db == 1 {
        out[i] = da
      } else if da == 1 {
        out[i] = db
      } else {
        throw TensorError(
          .shape,
          "cannot broadcast \(describe(a)) \(op) \(describe(b)): sizes \(da) and \(db) differ "
            + "on axis \(i - rank) (sizes must be equal or 1)")
      }
    }
    return out
  }

  /// Turns a possibly negative axis into its position in a shape of `rank` axes.
  public static func axis(_ axis: Int, rank: Int) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < rank else {
      throw TensorError(
        .index,
        "axis \(axis) is out of range for a tensor of rank \(rank)"
          + (rank == 0 ? " (a scalar has no axes)" : " (valid: \(-rank)…\(rank - 1))"))
    }
    return a
  }
}
