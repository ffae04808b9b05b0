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

  /// Shuffles the samples with `generator` and cuts them into a set of `perClass` samples of
  /// each class that occurs (in shuffled order, so that classes mix in every minibatch) and
  /// a set of the rest, named `NAME (train)` and `NAME (test)`: a few labelled examples of
  /// each class, as transfer learning and few-shot experiments take them.
  public func split(perClass: Int, using generator: inout RandomGenerator) throws
    -> (train: Dataset, test: Dataset)
  {
    guard classes != nil else {
      throw TensorError(
        .argument,
        "split(per_class:) needs a data set with classes; \(name) has regression targets")
    }
    guard perClass >= 1 else {
      throw TensorError(.argument, "split needs per_class of at least 1, not \(perClass)")
    }
    let labels = y.scalars
    var available: [Double: Int] = [:]
    for label in labels { available[label, default: 0] += 1 }
    if let (label, count) = available.sorted(by: { $0.key < $1.key }).first(where: {
      $0.value < perClass
    }) {
      throw TensorError(
        .argument,
        "split(per_class: \(perClass)) needs \(perClass) samples of each class, but \(name) has "
          + "only \(count) of class \(Int(label))")
    }
    var order = Array(0..<count)
    generator.shuffle(&order)
    var taken: [Double: Int] = [:]
    var picked: [Int] = []
    var rest: [Int] = []
    for i in order {
      let label = labels[i]
      if taken[label, default: 0] < perClass {
        taken[label, default: 0] += 1
        picked.append(i)
      } else {
        rest.append(i)
      }
    }
    var train = try subset(picked)
    var test = try subset(rest)
    train.name = "\(name) (train)"
    test.name = "\(name) (test)"
    return (train, test)
  }

  /// As above, shuffling with the session's generator.
  public func split(perClass: Int) throws -> (train: Dataset, test: Dataset) {
    try RandomGenerator.withShared { try split(perClass: perClass, using: &$0) }
  }
}
