import TensorEngine

extension Dataset {
  /// Shuffles the samples with `generator` and cuts them into a training set of
  /// round(fraction · n) samples (halves rounded away from zero) and a test set of the rest,
  /// named `NAME (train)` and `NAME (test)`.
  ///
  /// `fraction` must lie strictly between 0 and 1, and both parts must get at least one
  /// sample: an empty test set would make every later score meaningless.
  public func split(_ fraction: Double, using generator: inout RandomGenerator) throws
    -> (train: Dataset, test: Dataset)
  {
    guard fraction > 0, fraction < 1 else {
      throw TensorError(
        .argument,
        "split needs the training fraction between 0 and 1 (e.g. 0.8), not \(fraction)")
    }
    let trainCount = Int((fraction * Double(count)).rounded())
    guard trainCount >= 1, trainCount < count else {
      throw TensorError(
        .argument,
        "split(\(fraction)) of \(count) sample\(count == 1 ? "" : "s") gives \(trainCount) for "
          + "training and \(count - trainCount) for testing; each part needs at least 1")
    }
    var order = Array(0..<count)
    generator.shuffle(&order)
    var train = try subset(Array(order[..<trainCount]))
    var test = try subset(Array(order[trainCount...]))
    train.name = "\(name) (train)"
    test.name = "\(name) (test)"
    return (train, test)
  }

  /// As above, shuffling with the session's generator.
  public func split(_ fraction: Double) throws -> (train: Dataset, test: Dataset) {
    try RandomGenerator.withShared { try split(fraction, using: &$0) }
  }
}
