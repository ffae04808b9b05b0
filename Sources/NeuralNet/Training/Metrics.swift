import TensorEngine

extension Layer {
  /// The class of each sample of `x` (`[n] + sampleShape`): for one output, whether it reaches
  /// the final activation's decision threshold (0.5 after sigmoid or step, 0 after tanh or
  /// sign); for several outputs, the index of the largest.
  public func predictClasses(_ x: Tensor) throws -> [Int] {
    try predictClasses(fromOutput: self(x))
  }

  /// The classes of outputs this model already gave, by the same rule as `predictClasses`.
  public func predictClasses(fromOutput output: Tensor) throws -> [Int] {
    try Self.classes(of: output, activation: outputActivation)
  }

  /// The fraction of `data`'s samples whose predicted class is their label.
  public func accuracy(on data: Dataset) throws -> Double {
    guard data.classes != nil else {
      throw TensorError(
        .argument,
        "accuracy needs a classification data set; \(data.name) is regression (use evaluate)")
    }
    guard data.count > 0 else { throw TensorError(.argument, "accuracy of an empty data set") }
    let predicted = try predictClasses(data.x)
    return Self.fractionCorrect(predicted, data.y)
  }

  /// The loss on `data` and, for classification, the accuracy.
  public func evaluate(on data: Dataset, loss: Loss) throws -> (loss: Double, accuracy: Double?) {
    let target = try Training.target(
      for: data, outputs: outputShape(for: data.sampleShape), loss: loss)
    let step = try lossAndOutput(data.x, target, loss: loss)
    let accuracy =
      data.classes == nil
      ? nil : Self.fractionCorrect(try classesOf(step.output, logits: step.fromLogits), data.y)
    return (try step.value.item(), accuracy)
  }

  /// The loss of the model on `x` against `target`, with the output it was computed from:
  /// the logits when the loss is more stable computed from them (cross-entropy after a
  /// softmax, BCE after a sigmoid), else the model's output. The forward pass runs in the
  /// mode of `context`: evaluation unless training asks otherwise.
  func lossAndOutput(
    _ x: Tensor, _ target: Tensor, loss: Loss, context: ForwardContext = .evaluation
  ) throws
    -> (value: Tensor, output: Tensor, fromLogits: Bool)
  {
    let activation = outputActivation
    if loss.wantsLogits(after: activation) {
      let z = try logits(x, context: context)
      return (try loss.fromLogits(z, target, activation: activation), z, true)
    }
    let output = try forward(x, context: context)
    return (try loss(output, target), output, false)
  }

  /// Classes from an output of `lossAndOutput`.
  func classesOf(_ output: Tensor, logits: Bool) throws -> [Int] {
    try Self.classes(of: output, activation: logits ? nil : outputActivation, fromLogits: logits)
  }

  /// Classes from outputs (or logits, whose threshold for one output is 0).
  static func classes(of output: Tensor, activation: Activation?, fromLogits: Bool = false)
    throws -> [Int]
  {
    // One sample's outputs of any shape are its scores, in row-major order.
    let y =
      output.rank == 1
      ? try output.reshaped([-1, 1])
      : output.rank > 2 ? try output.reshaped([output.shape[0], -1]) : output
    guard y.rank == 2 else {
      throw TensorError(
        .shape, "expected outputs [n, classes], not \(Shape.describe(output.shape))")
    }
    let width = y.shape[1]
    let n = y.shape[0]
    guard width >= 1 else { throw TensorError(.shape, "the model has no outputs to classify") }
    let threshold = Training.decisionThreshold(activation, fromLogits: fromLogits)
    return y.scalars.withUnsafeBufferPointer { p in
      (0..<n).map { i in
        Training.predictedClass(p.baseAddress! + i * width, width: width, threshold: threshold)
      }
    }
  }

  static func fractionCorrect(_ predicted: [Int], _ labels: Tensor) -> Double {
    guard !predicted.isEmpty else { return 0 }
    let correct = zip(predicted, labels.scalars).filter { Double($0) == $1 }.count
    return Double(correct) / Double(predicted.count)
  }
}

extension Training {
  /// The value at or above which a single output is class 1: 0 for logits, else the final
  /// activation's threshold (0.5 when there is none).
  static func decisionThreshold(_ activation: Activation?, fromLogits: Bool) -> Double {
    fromLogits ? 0 : (activation?.decisionThreshold ?? 0.5)
  }

  /// The class of one row of `width` outputs: for one output, whether it reaches
  /// `threshold`; for several, the index of the largest (the first of equals).
  static func predictedClass(_ row: UnsafePointer<Double>, width: Int, threshold: Double) -> Int {
    if width == 1 { return row[0] >= threshold ? 1 : 0 }
    var best = 0
    for j in 1..<width where row[j] > row[best] { best = j }
    return best
  }
}
