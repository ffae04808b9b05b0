import TensorEngine

extension Dataset {
  /// A data set from tensors, as the language's `dataset(x, y, classes:)` makes it: sample i
  /// is `x[i]` with targets `y[i]`.
  ///
  /// `x` is `[n] + sampleShape`; a vector `[n]` is n samples of one feature (`[n, 1]`).
  /// Without `classes` the targets are values to regress, `[n] + targetShape` (a vector is
  /// `[n, 1]`), so `dataset(x, x)` is an autoencoder's data. With `classes` they are class
  /// labels, one whole number 0…classes−1 per sample, `[n]` or `[n, 1]`, kept as `[n, 1]`.
  public static func fromTensors(
    x: Tensor, y: Tensor, classes: Int? = nil, name: String = "data"
  ) throws -> Dataset {
    guard x.rank >= 1 else {
      throw TensorError(
        .shape,
        "x needs one sample per row ([n, features], or [n, …] for samples of any shape), "
          + "not a single number")
    }
    guard x.shape[0] > 0 else {
      throw TensorError(.argument, "x has no samples: a data set needs at least one")
    }
    guard x.count > 0 else {
      throw TensorError(
        .shape,
        "the samples of x \(Shape.describe(x.shape)) hold no values: each needs at least one")
    }
    let n = x.shape[0]
    guard y.rank >= 1 else {
      throw TensorError(
        .shape, "y needs one target per sample ([\(n)] or [\(n), k]), not a single number")
    }
    guard y.shape[0] == n else {
      throw TensorError(
        .shape,
        "x has \(n) sample\(n == 1 ? "" : "s") but y has \(y.shape[0]) "
          + "(y is \(Shape.describe(y.shape))): give one target per sample")
    }
    let inputs = x.rank == 1 ? try x.reshaped([n, 1]) : x
    let targets = y.rank == 1 ? try y.reshaped([n, 1]) : y
    if let classes {
      guard classes >= 1 else {
        throw TensorError(.argument, "classes: needs at least 1 class, not \(classes)")
      }
      guard targets.shape == [n, 1] else {
        throw TensorError(
          .shape,
          "with classes:, y holds one class label per sample ([\(n)] or [\(n), 1]), not "
            + "\(Shape.describe(y.shape)); leave classes: out for targets of several values")
      }
      for (i, label) in targets.scalars.enumerated()
      where !(label >= 0 && label < Double(classes) && label == label.rounded()) {
        throw TensorError(
          .argument,
          "label \(TensorFormatter(digits: 6).format(label)) of sample \(i) is not a class 0…\(classes - 1): "
            + "with classes: \(classes), y holds whole numbers from 0 to \(classes - 1)")
      }
    }
    return try Dataset(name: name, x: inputs, y: targets, classes: classes)
  }
}
