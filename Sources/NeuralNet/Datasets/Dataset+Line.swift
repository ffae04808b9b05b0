import TensorEngine

extension Dataset {
  /// Noisy samples of a straight line, for linear regression: x uniform in [−1, 1) and
  ///
  /// ```
  /// y = slope · x + intercept + noise · N(0, 1)
  /// ```
  ///
  /// x [n, 1], y [n, 1], no classes. Each sample draws its x, then its normal, even when
  /// `noise` is 0, so the same seed gives the same x at every noise level.
  public static func line(
    _ n: Int, slope: Double = 2, intercept: Double = 1, noise: Double = 0.1,
    using generator: inout RandomGenerator
  ) throws -> Dataset {
    try checkCount(n, classes: 1, features: 1, for: "line")
    try checkNoise(noise, for: "line")
    try checkFinite(slope, "slope", for: "line")
    try checkFinite(intercept, "intercept", for: "line")
    return try regression(
      "line", n, input: { $0.uniform(-1, 1) },
      target: { x, e in slope * x + intercept + noise * e }, using: &generator)
  }

  /// As above, drawing from the session's generator.
  public static func line(
    _ n: Int, slope: Double = 2, intercept: Double = 1, noise: Double = 0.1
  ) throws -> Dataset {
    try RandomGenerator.withShared {
      try line(n, slope: slope, intercept: intercept, noise: noise, using: &$0)
    }
  }

  /// `n` samples of one input: for each, `input` draws x, then y = `target(x, e)` with e a
  /// standard normal drawn after it.
  static func regression(
    _ name: String, _ n: Int, input: (inout RandomGenerator) -> Double,
    target: (Double, Double) -> Double, using generator: inout RandomGenerator
  ) throws -> Dataset {
    var x = [Double]()
    var y = [Double]()
    x.reserveCapacity(n)
    y.reserveCapacity(n)
    for _ in 0..<n {
      // A large set takes seconds: stop when the user asks to.
      if y.count % Cancellation.chunk == 0 { try Cancellation.check() }
      let value = input(&generator)
      x.append(value)
      y.append(target(value, generator.normal()))
    }
    return try Dataset(
      name: name, x: Tensor(shape: [n, 1], scalars: x), y: Tensor(shape: [n, 1], scalars: y))
  }
}
