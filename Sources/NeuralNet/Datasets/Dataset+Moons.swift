import Foundation
import TensorEngine

extension Dataset {
  /// Two interleaving half circles, as scikit-learn's `make_moons`: class 0 on the upper half
  /// of the unit circle, class 1 on a lower half circle shifted right by 1 and down by ½, at m
  /// evenly spaced angles θ from 0 to π (both included), with Gaussian noise on both
  /// coordinates:
  ///
  /// ```
  /// class 0:  x = (cos θ, sin θ)            + noise · N(0, I)
  /// class 1:  x = (1 − cos θ, ½ − sin θ)    + noise · N(0, I)
  /// ```
  ///
  /// `n` is the total number of samples; class 0 takes the odd one. Samples are in class order.
  /// Two normals are drawn per sample even when `noise` is 0, so the stream does not depend on
  /// it.
  public static func moons(_ n: Int, noise: Double = 0.1, using generator: inout RandomGenerator)
    throws -> Dataset
  {
    try checkCount(n, classes: 2, features: 2, for: "moons")
    try checkNoise(noise, for: "moons")
    var x = [Double]()
    var labels = [Int]()
    x.reserveCapacity(2 * n)
    labels.reserveCapacity(n)
    for (c, m) in classSizes(n, classes: 2).enumerated() {
      for angle in evenlySpaced(0, Double.pi, m) {
        // A large set takes seconds: stop when the user asks to.
        if labels.count % Cancellation.chunk == 0 { try Cancellation.check() }
        let point = c == 0 ? (cos(angle), sin(angle)) : (1 - cos(angle), 0.5 - sin(angle))
        x.append(point.0 + noise * generator.normal())
        x.append(point.1 + noise * generator.normal())
        labels.append(c)
      }
    }
    return try make("moons", x: x, features: 2, labels: labels, classes: 2)
  }

  /// As above, drawing from the session's generator.
  public static func moons(_ n: Int, noise: Double = 0.1) throws -> Dataset {
    try RandomGenerator.withShared { try moons(n, noise: noise, using: &$0) }
  }
}
