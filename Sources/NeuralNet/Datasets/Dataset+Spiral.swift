import Foundation
import TensorEngine

extension Dataset {
  /// Interleaved spiral arms, one per class, as in Stanford's CS231n notes: for class c with m
  /// samples, i = 0…m−1,
  ///
  /// ```
  /// r = i / (m − 1)                              (0 … 1)
  /// t = 4c + 4 i / (m − 1) + noise · N(0, 1)     (radians)
  /// x = (r sin t, r cos t)
  /// ```
  ///
  /// The noise is on the angle, so points near the centre move little. `n` is the total number
  /// of samples, spread as evenly as possible over the classes (the first ones take one more),
  /// in class order.
  public static func spiral(
    _ n: Int, classes: Int = 3, noise: Double = 0.2, using generator: inout RandomGenerator
  ) throws -> Dataset {
    try checkCount(n, classes: classes, features: 2, for: "spiral")
    try checkNoise(noise, for: "spiral")
    var x = [Double]()
    var labels = [Int]()
    x.reserveCapacity(2 * n)
    labels.reserveCapacity(n)
    for (c, m) in classSizes(n, classes: classes).enumerated() {
      let radii = evenlySpaced(0, 1, m)
      let angles = evenlySpaced(4 * Double(c), 4 * Double(c + 1), m)
      for (r, angle) in zip(radii, angles) {
        // A large set takes seconds: stop when the user asks to.
        if labels.count % Cancellation.chunk == 0 { try Cancellation.check() }
        let t = angle + noise * generator.normal()
        x.append(r * sin(t))
        x.append(r * cos(t))
        labels.append(c)
      }
    }
    return try make("spiral", x: x, features: 2, labels: labels, classes: classes)
  }

  /// As above, drawing from the session's generator.
  public static func spiral(_ n: Int, classes: Int = 3, noise: Double = 0.2) throws -> Dataset {
    try RandomGenerator.withShared { try spiral(n, classes: classes, noise: noise, using: &$0) }
  }
}
