import TensorEngine

extension Dataset {
  /// Gaussian blobs, as scikit-learn's `make_blobs`: `centers` centres drawn uniformly from
  /// the square `centerBox × centerBox`, then for each sample of class c
  ///
  /// ```
  /// x = centre_c + noise · N(0, I)
  /// ```
  ///
  /// `n` is the total number of samples, spread as evenly as possible over the classes (the
  /// first ones take one more), in class order. Draws the centres first (x then y of each),
  /// then two normals per sample.
  public static func blobs(
    _ n: Int, centers: Int = 3, noise: Double = 1.0, centerBox: ClosedRange<Double> = -10...10,
    using generator: inout RandomGenerator
  ) throws -> Dataset {
    try checkCount(n, classes: centers, features: 2, for: "blobs")
    try checkNoise(noise, for: "blobs")
    try checkFinite(centerBox.lowerBound, "centre box", for: "blobs")
    try checkFinite(centerBox.upperBound, "centre box", for: "blobs")
    let box = (centerBox.lowerBound, centerBox.upperBound)
    let means = (0..<centers).map { _ in
      (generator.uniform(box.0, box.1), generator.uniform(box.0, box.1))
    }
    var x = [Double]()
    var labels = [Int]()
    x.reserveCapacity(2 * n)
    labels.reserveCapacity(n)
    for (c, size) in classSizes(n, classes: centers).enumerated() {
      let mean = means[c]
      for _ in 0..<size {
        // A large set takes seconds: stop when the user asks to.
        if labels.count % Cancellation.chunk == 0 { try Cancellation.check() }
        x.append(mean.0 + noise * generator.normal())
        x.append(mean.1 + noise * generator.normal())
        labels.append(c)
      }
    }
    return try make("blobs", x: x, features: 2, labels: labels, classes: centers)
  }

  /// As above, drawing from the session's generator.
  public static func blobs(
    _ n: Int, centers: Int = 3, noise: Double = 1.0, centerBox: ClosedRange<Double> = -10...10
  ) throws -> Dataset {
    try RandomGenerator.withShared {
      try blobs(n, centers: centers, noise: noise, centerBox: centerBox, using: &$0)
    }
  }
}
