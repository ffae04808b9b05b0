/// The ways to make a tensor from nothing, as numpy names them. Random ones draw from the
/// session's seeded generator unless a generator is passed.
extension Tensor {
  /// A tensor of `shape` filled with `value`.
  public static func full(_ shape: [Int], _ value: Double) throws -> Tensor {
    let n = try checkedCount(shape)
    return Tensor(unchecked: shape, [Double](repeating: value, count: n))
  }

  public static func zeros(_ shape: [Int]) throws -> Tensor { try full(shape, 0) }
  public static func ones(_ shape: [Int]) throws -> Tensor { try full(shape, 1) }

  /// The n×n identity matrix.
  public static func eye(_ n: Int) throws -> Tensor {
    let t = try zeros([n, n])
    for i in 0..<n { t.scalars[i * n + i] = 1 }
    return t
  }

  /// Uniform values in [0, 1).
  public static func rand(_ shape: [Int], using generator: inout RandomGenerator) throws
    -> Tensor
  {
    let n = try checkedCount(shape)
    return Tensor(unchecked: shape, try generate(n) { generator.uniform() })
  }

  public static func rand(_ shape: [Int]) throws -> Tensor {
    try RandomGenerator.withShared { try rand(shape, using: &$0) }
  }

  /// Standard normal values (mean 0, standard deviation 1).
  public static func randn(_ shape: [Int], using generator: inout RandomGenerator) throws
    -> Tensor
  {
    let n = try checkedCount(shape)
    return Tensor(unchecked: shape, try generate(n) { generator.normal() })
  }

  public static func randn(_ shape: [Int]) throws -> Tensor {
    try RandomGenerator.withShared { try randn(shape, using: &$0) }
  }

  /// `count` evenly spaced values from `start` to `end`, both included.
  public static func linspace(_ start: Double, _ end: Double, count: Int) throws -> Tensor {
    guard count >= 0 else {
      throw TensorError(.argument, "linspace needs a count ≥ 0, not \(count)")
    }
    try checkMemory(elements: count)
    if count == 1 { return Tensor([start]) }
    let step = (end - start) / Double(count - 1)
    var i = -1
    return Tensor(
      try generate(count) {
        i += 1
        return i == count - 1 ? end : start + Double(i) * step
      })
  }

  /// Values from `start` up to but not including `end`, `step` apart, as numpy's `arange`.
  public static func arange(_ start: Double, _ end: Double, step: Double = 1) throws -> Tensor {
    guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
      throw TensorError(
        .argument, "arange needs finite bounds and a nonzero step, not \(start), \(end), \(step)")
    }
    let n = Swift.max(0, ((end - start) / step).rounded(.up))
    guard n <= Double(Int.max / 8) else {
      throw TensorError(.memory, "arange(\(start), \(end), step: \(step)) has too many values")
    }
    try checkMemory(elements: Int(n))
    var i = -1.0
    return Tensor(
      try generate(Int(n)) {
        i += 1
        return start + i * step
      })
  }
}
