import TensorEngine

/// How often each true class was predicted as each class: `counts[t * classes + p]` samples
/// of class t were classified as p (rows true, columns predicted, as scikit-learn's
/// `confusion_matrix`). The diagonal holds the correct ones.
public struct ConfusionMatrix: Sendable, Equatable {
  public let classes: Int
  /// Row-major, `classes × classes`.
  public let counts: [Int]

  /// The matrix of `labels` (true classes) against `predicted`, both 0…classes−1.
  public init(classes: Int, labels: [Int], predicted: [Int]) throws {
    guard classes >= 1, labels.count == predicted.count else {
      throw TensorError(
        .argument,
        "a confusion matrix needs as many labels as predictions, not \(labels.count) and "
          + "\(predicted.count)")
    }
    let (cells, overflow) = classes.multipliedReportingOverflow(by: classes)
    guard !overflow else {
      throw TensorError(.memory, "a confusion matrix of \(classes) classes is too large")
    }
    try Tensor.checkMemory(elements: cells)
    var counts = [Int](repeating: 0, count: cells)
    for (t, p) in zip(labels, predicted) {
      guard (0..<classes).contains(t), (0..<classes).contains(p) else {
        throw TensorError(.argument, "class \(max(t, p)) is outside 0…\(classes - 1)")
      }
      counts[t * classes + p] += 1
    }
    self.classes = classes
    self.counts = counts
  }

  /// The samples of class `actual` predicted as `predicted`.
  public func count(actual: Int, predicted: Int) -> Int { counts[actual * classes + predicted] }

  /// The samples counted.
  public var total: Int { counts.reduce(0, +) }
  /// The samples on the diagonal.
  public var correct: Int { (0..<classes).reduce(0) { $0 + count(actual: $1, predicted: $1) } }
  /// correct / total (0 for no samples).
  public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

  /// The counts as a `[classes, classes]` tensor.
  public var tensor: Tensor {
    // The shape matches the count of values by construction.
    (try? Tensor(shape: [classes, classes], scalars: counts.map(Double.init))) ?? Tensor(0)
  }
}

extension ConfusionMatrix: CustomStringConvertible {
  /// A header line, then the table with the true class down the side and the predicted one
  /// along the top.
  public var description: String {
    let width = max(String(classes - 1).count, String(counts.max() ?? 0).count) + 1
    func cell(_ text: String) -> String { String(repeating: " ", count: width - text.count) + text }
    let side = max(4, String(classes - 1).count + 1)
    func lead(_ text: String) -> String { text + String(repeating: " ", count: side - text.count) }
    var lines = [
      "confusion · \(classes) classes · \(total) samples · \(correct) correct · rows true, "
        + "columns predicted",
      lead("") + (0..<classes).map { cell(String($0)) }.joined(),
    ]
    for t in 0..<classes {
      lines.append(
        lead(String(t))
          + (0..<classes).map { cell(String(count(actual: t, predicted: $0))) }.joined())
    }
    return lines.joined(separator: "\n")
  }
}

extension Layer {
  /// The confusion matrix of the model's classes on `data` against its labels, over
  /// max(`data.classes`, largest prediction + 1) classes.
  public func confusion(on data: Dataset) throws -> ConfusionMatrix {
    guard let classes = data.classes else {
      throw TensorError(
        .argument,
        "a confusion matrix needs a classification data set; \(data.name) is regression")
    }
    let predicted = try predictClasses(data.x)
    let labels = data.y.scalars.map { Int($0) }
    return try ConfusionMatrix(
      classes: Swift.max(classes, (predicted.max() ?? 0) + 1), labels: labels,
      predicted: predicted)
  }

  /// The fraction of `data`'s samples whose label is among the model's `k` highest outputs
  /// (top-k accuracy). Outputs are ranked as a stable sort from high to low ranks them, so
  /// of equal outputs the lower class comes first and `top: 1` is `accuracy(on:)`.
  public func accuracy(on data: Dataset, top k: Int) throws -> Double {
    guard k >= 1 else { throw TensorError(.argument, "top: \(k) counts nothing; give 1 or more") }
    if k == 1 { return try accuracy(on: data) }
    guard data.classes != nil else {
      throw TensorError(
        .argument,
        "accuracy needs a classification data set; \(data.name) is regression (use evaluate)")
    }
    guard data.count > 0 else { throw TensorError(.argument, "accuracy of an empty data set") }
    let output = try self(data.x)
    let n = data.count
    let width = output.count / Swift.max(1, n)
    guard width * n == output.count, width > 1 else {
      throw TensorError(
        .argument,
        "top: \(k) ranks one output per class, but the model gives \(width) per sample")
    }
    guard k <= width else {
      throw TensorError(
        .argument, "top: \(k) is more than the model's \(width) outputs (classes); give 1…\(width)")
    }
    let labels = data.y.scalars
    var correct = 0
    output.scalars.withUnsafeBufferPointer { p in
      for i in 0..<n {
        let label = Int(labels[i])
        guard label < width else { continue }
        let row = p.baseAddress! + i * width
        let score = row[label]
        guard !score.isNaN else { continue }
        var above = 0
        for j in 0..<width where row[j] > score || (j < label && row[j] == score) { above += 1 }
        if above < k { correct += 1 }
      }
    }
    return Double(correct) / Double(n)
  }
}
