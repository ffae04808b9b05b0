import Foundation
import TensorEngine

extension Dataset {
  /// Two concentric circles, as scikit-learn's `make_circles`: class 0 on the unit circle,
  /// class 1 on a circle of radius `factor`, each at m evenly spaced angles, with Gaussian
  /// noise on both coordinates:
  ///
  /// ```
  /// x = r (cos θᵢ, sin θᵢ) + noise · N(0, I),   θᵢ = 2π i / m,  i = 0…m−1,  r = 1 or factor
  /// ```
  ///
  /// `n` is the total number of samples; class 0 takes the odd one. Samples are in class order.
  /// Two normals are drawn per sample even when `noise` is 0, so the stream does not depend on
  /// it.
  public static func circles(
    _ n: Int, noise: Double = 0.05, factor: Double = 0.5, using generator: inout RandomGenerator
  ) throws -> Dataset {
    try checkCount(n, classes: 2, features: 2, for: "circles")
    try checkNoise(noise, for: "circles")
    // factor 1 would put both classes on the same circle.
    guard factor >= 0, factor < 1 else {
      throw TensorError(.argument, "circles needs a factor in [0, 1), not \(factor)")
    }
    var x = [Double]()
    var labels = [Int]()
    x.reserveCapacity(2 * n)
    labels.reserveCapacity(n)
    for (c, m) in classSizes(n, classes: 2).enumerated() {
      let radius = c == 0 ? 1 : factor
      for i in 0..<m {
        // A large set takes seconds: stop when the user asks to.
        if labels.count % Cancellation.chunk == 0 { try Cancellation.check() }
        let angle = 2 * Double.pi * Double(i) / Double(m)
        x.append(radius * cos(angle) + noise * generator.normal())
        x.append(radius * sin(angle) + noise * generator.normal())
        labels.append(c)
      }
    }
    return try make("circles", x: x, features: 2, labels: labels, classes: 2)
  }

  /// As above, drawing from the session's generator.
  public static func circles(_ n: Int, noise: Double = 0.05, factor: Double = 0.5) throws
    -> Dataset
  {
    try RandomGenerator.withShared { try circles(n, noise: noise, factor: factor, using: &$0) }
  }
}
