import Foundation
import TensorEngine

extension Dataset {
  /// Noisy samples of one period of a sine, for nonlinear regression (and for seeing under-
  /// and overfitting): x uniform in [−π, π) and
  ///
  /// ```
  /// y = sin x + noise · N(0, 1)
  /// ```
  ///
  /// x [n, 1], y [n, 1], no classes. Each sample draws its x, then its normal.
  public static func sine(_ n: Int, noise: Double = 0.1, using generator: inout RandomGenerator)
    throws -> Dataset
  {
    try checkCount(n, classes: 1, features: 1, for: "sine")
    try checkNoise(noise, for: "sine")
    return try regression(
      "sine", n, input: { $0.uniform(-Double.pi, Double.pi) },
      target: { x, e in sin(x) + noise * e }, using: &generator)
  }

  /// As above, drawing from the session's generator.
  public static func sine(_ n: Int, noise: Double = 0.1) throws -> Dataset {
    try RandomGenerator.withShared { try sine(n, noise: noise, using: &$0) }
  }
}
