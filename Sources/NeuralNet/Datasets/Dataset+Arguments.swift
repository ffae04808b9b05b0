import TensorEngine

/// Checks and helpers that every generated data set shares, so that each generator refuses a
/// bad argument with the same kind of message instead of trapping or allocating without bound.
extension Dataset {
  /// The most samples a generator makes: far more than any lesson needs, and made in
  /// seconds, so that a mistyped size is refused at once rather than running for minutes.
  public static let maxGeneratedSamples = 10_000_000

  /// Refuses a sample count that cannot give every class at least one sample, one above
  /// `maxGeneratedSamples`, or a data set larger than the memory cap or than the session's
  /// memory limit leaves room for (checked before anything is allocated).
  static func checkCount(_ n: Int, classes: Int, features: Int, for name: String) throws {
    guard classes >= 1 else {
      throw TensorError(.argument, "\(name) needs at least 1 class, not \(classes)")
    }
    guard n >= classes else {
      let what = classes == 1 ? "" : " (one sample per class)"
      throw TensorError(.argument, "\(name) needs n ≥ \(classes)\(what), not \(n)")
    }
    guard n <= maxGeneratedSamples else {
      throw TensorError(
        .memory,
        "\(name) makes at most \(maxGeneratedSamples) samples (10 million), not \(n): more "
          + "would take minutes to make and could not be plotted")
    }
    let (elements, overflow) = n.multipliedReportingOverflow(by: features)
    try Tensor.checkMemory(elements: overflow ? Int.max : elements)
    // Everything the generator holds at once: the inputs, the labels as it draws them, and
    // the targets made from them.
    let total = (elements + 2 * n) * MemoryLayout<Double>.size
    try MemoryBudget.check(bytes: total, for: "\(name)(\(n))")
  }

  /// Refuses a noise level that is negative, infinite or NaN.
  static func checkNoise(_ noise: Double, for name: String) throws {
    guard noise >= 0, noise.isFinite else {
      throw TensorError(.argument, "\(name) needs noise ≥ 0, not \(noise)")
    }
  }

  /// Refuses an infinite or NaN parameter, which would make every sample meaningless.
  static func checkFinite(_ value: Double, _ label: String, for name: String) throws {
    guard value.isFinite else {
      throw TensorError(.argument, "\(name) needs a finite \(label), not \(value)")
    }
  }

  /// How many of `n` samples each class gets: as even as possible, the first `n mod classes`
  /// classes taking one more (as scikit-learn's `make_blobs` spreads them).
  static func classSizes(_ n: Int, classes: Int) -> [Int] {
    (0..<classes).map { c in n / classes + (c < n % classes ? 1 : 0) }
  }

  /// `count` evenly spaced values from `start` to `end`, both included; one value is `start`.
  /// Used for positions along a curve, where numpy's `linspace` is what the reference
  /// generators use.
  static func evenlySpaced(_ start: Double, _ end: Double, _ count: Int) -> [Double] {
    guard count > 1 else { return count == 1 ? [start] : [] }
    let step = (end - start) / Double(count - 1)
    return (0..<count).map { i in i == count - 1 ? end : start + Double(i) * step }
  }

  /// A classification data set from row-major inputs with `features` columns and one label
  /// per row.
  static func make(
    _ name: String, x: [Double], features: Int, labels: [Int], classes: Int?
  ) throws -> Dataset {
    try Dataset(
      name: name, x: Tensor(shape: [labels.count, features], scalars: x),
      y: Tensor(shape: [labels.count, 1], scalars: labels.map(Double.init)), classes: classes)
  }
}
