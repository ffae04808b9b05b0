import TensorEngine

/// Samples for training or evaluation: inputs `x` of shape `[n] + sampleShape` and targets
/// `y` of shape `[n] + targetShape`, one sample along the first axis.
///
/// A sample may have any shape: a row of features `[f]`, an image `[c, h, w]`, a sequence
/// `[t, f]`. For classification `classes` is the number of classes and `y` holds class
/// indices in one column, `[n, 1]` (`0 … classes−1`); for regression `classes` is nil and `y`
/// holds the values, `[n, k]` or any `[n] + targetShape` (an autoencoder's targets are its
/// inputs).
public struct Dataset {
  /// A short name for printing: `xor`, `moons`, or the file a CSV came from.
  public var name: String
  public let x: Tensor
  public let y: Tensor
  public let classes: Int?
  /// The characters of a text data set (`Dataset.text`), in class order: class k is the
  /// k-th character. Nil for other data.
  public var vocabulary: [Character]? = nil

  public init(name: String, x: Tensor, y: Tensor, classes: Int? = nil) throws {
    guard x.rank >= 2, y.rank >= 2 else {
      throw TensorError(
        .shape,
        "a data set needs x [n, features] (or [n] + a sample shape) and y [n, outputs], not "
          + "\(Shape.describe(x.shape)) and \(Shape.describe(y.shape))")
    }
    guard x.shape[0] == y.shape[0] else {
      throw TensorError(
        .shape,
        "x has \(x.shape[0]) samples but y has \(y.shape[0]): they must have one row each")
    }
    if let classes {
      guard classes >= 1, y.rank == 2, y.shape[1] == 1,
        y.scalars.allSatisfy({ $0 >= 0 && $0 < Double(classes) && $0 == $0.rounded() })
      else {
        throw TensorError(
          .argument, "class labels must be whole numbers 0…\(classes - 1) in one column")
      }
    }
    self.name = name
    self.x = x.detached
    self.y = y.detached
    self.classes = classes
  }

  /// The number of samples.
  public var count: Int { x.shape[0] }
  /// The shape of one sample: `[features]` for rows, `[c, h, w]` for images.
  public var sampleShape: [Int] { Array(x.shape.dropFirst()) }
  /// The shape of one sample's targets: `[1]` for class labels, `[k]` for k values.
  public var targetShape: [Int] { Array(y.shape.dropFirst()) }
  /// The number of input values per sample, the product of `sampleShape`: the features of a
  /// row, the pixels of an image.
  public var features: Int { sampleShape.reduce(1, *) }
  /// The number of features when each sample is a row (`[features]`); nil for samples of
  /// another shape (images, sequences), which a plot over the inputs cannot draw.
  public var rowWidth: Int? { sampleShape.count == 1 ? sampleShape[0] : nil }
  /// What the samples are, for messages: `3 inputs`, or `samples of shape [1, 8, 8]`.
  public var inputsDescription: String {
    guard let width = rowWidth else { return "samples of shape \(Shape.describe(sampleShape))" }
    return "\(width) input\(width == 1 ? "" : "s")"
  }

  /// The samples at `indices`, in that order.
  public func subset(_ indices: [Int]) throws -> Dataset {
    for i in indices where i < 0 || i >= count {
      throw TensorError(.index, "sample \(i) is out of range for \(count) samples")
    }
    var subset = try Dataset(
      name: name, x: Dataset.rows(x, indices), y: Dataset.rows(y, indices), classes: classes)
    subset.vocabulary = vocabulary
    return subset
  }

  /// Samples `start..<end` with Python's slice rules (negative counts from the end).
  public func slice(_ start: Int?, _ end: Int?) throws -> Dataset {
    var part = try Dataset(
      name: name, x: x[[.range(start: start, end: end, step: nil)]],
      y: y[[.range(start: start, end: end, step: nil)]], classes: classes)
    part.vocabulary = vocabulary
    return part
  }

  /// The targets as one-hot rows `[n, classes]`, for losses that compare whole rows.
  public func oneHotTargets() throws -> Tensor {
    guard let classes else {
      throw TensorError(.argument, "\(name) is a regression data set; it has no classes")
    }
    var out = [Double](repeating: 0, count: count * classes)
    for (i, label) in y.scalars.enumerated() { out[i * classes + Int(label)] = 1 }
    return try Tensor(shape: [count, classes], scalars: out)
  }

  /// The samples of `t` (`[n] + shape`) at `indices`, in that order: `[indices.count] + shape`.
  static func rows(_ t: Tensor, _ indices: [Int]) throws -> Tensor {
    let shape = Array(t.shape.dropFirst())
    let width = shape.reduce(1, *)
    var out = [Double]()
    out.reserveCapacity(indices.count * width)
    t.scalars.withUnsafeBufferPointer { p in
      for i in indices { out.append(contentsOf: p[(i * width)..<((i + 1) * width)]) }
    }
    return try Tensor(shape: [indices.count] + shape, scalars: out)
  }
}

extension Dataset: CustomStringConvertible {
  /// `dataset xor · 4 samples · x [4, 2] · y [4, 1]`, as LANGUAGE.md prints it.
  public var description: String {
    var text =
      "dataset \(name) · \(count) samples · x \(Shape.describe(x.shape)) · y \(Shape.describe(y.shape))"
    if let classes, classes > 2 { text += " · \(classes) classes" }
    return text
  }
}
