import TensorEngine

/// Rosenblatt's perceptron: one unit with a step activation,
///
/// ```
/// y = step(w · x + b)
/// ```
/// trained not by gradients but by the perceptron rule, sample by sample:
///
/// ```
/// w ← w + η (t − y) x        b ← b + η (t − y)
/// ```
/// The rule converges on linearly separable data (AND, OR, NAND) and never on XOR.
public final class Perceptron: Layer {
  /// The unit itself: a `dense(inputs, 1, step)` whose weights start at zero.
  public let unit: Dense

  /// A perceptron with weights and bias starting at zero, as in the lecture.
  public init(inputs: Int) throws {
    guard inputs >= 1 else {
      throw TensorError(.argument, "perceptron needs at least 1 input, not \(inputs)")
    }
    unit = try Dense(
      inputs, 1, activation: .step, weight: Tensor.zeros([1, inputs]), bias: Tensor.zeros([1]))
  }

  public var inputs: Int { unit.inputs }
  /// The weights, a `[1, inputs]` parameter.
  public var weight: Tensor { unit.weight }
  /// The bias, a `[1]` parameter.
  public var bias: Tensor { unit.bias }

  public func callAsFunction(_ x: Tensor) throws -> Tensor { try unit(x) }
  public func preactivation(_ x: Tensor) throws -> Tensor { try unit.preactivation(x) }
  public var outputActivation: Activation? { .step }
  public var parameters: [Tensor] { unit.parameters }
  public var namedParameters: [(name: String, tensor: Tensor)] { unit.namedParameters }
  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    let copy = try Perceptron(inputs: inputs)
    try copy.weight.assign(weight)
    try copy.bias.assign(bias)
    copy.weight.isFrozen = weight.isFrozen
    copy.bias.isFrozen = bias.isFrozen
    copies[ObjectIdentifier(self)] = copy
    return copy
  }
  public var inputWidth: Int? { inputs }
  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    try unit.outputShape(for: inputShape)
  }
  public func multiplyAdds(for inputShape: [Int]) throws -> Int {
    try unit.multiplyAdds(for: inputShape)
  }
  public var description: String { "perceptron \(inputs)→1 step" }

  public static let specKind = "perceptron"

  /// `{"kind": "perceptron", "config": {"inputs": 2}}`.
  public var spec: LayerSpec {
    LayerSpec(kind: Self.specKind, config: ["inputs": .number(Double(inputs))])
  }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    let inputs = try spec.integer("inputs", in: 1...Int(Int32.max))
    try MemoryBudget.check(bytes: inputs &* 8, for: "perceptron(\(inputs))")
    return try Perceptron(inputs: inputs)
  }

  /// What a run of the perceptron rule ended with.
  public struct Result: Sendable, Equatable, CustomStringConvertible {
    /// The epoch (from 1) with no misclassified sample, or nil when none was reached.
    public let convergedAt: Int?
    /// Epochs run.
    public let epochs: Int
    /// Samples still misclassified by the final weights.
    public let misclassified: Int
    /// Samples in the data set.
    public let samples: Int
    /// Misclassified samples in each epoch, counted while the weights were being updated.
    public let errorsPerEpoch: [Int]

    public var converged: Bool { convergedAt != nil }

    public var description: String {
      if let epoch = convergedAt {
        return "converged in epoch \(epoch) · 0 errors"
      }
      return
        "did not converge in \(epochs) epochs · \(misclassified) of \(samples) samples still wrong"
    }
  }

  /// Trains by the perceptron rule, presenting the samples in order, until an epoch makes
  /// no mistake or `maxEpochs` have run.
  public func train(
    on data: Dataset, learningRate: Double = 1, maxEpochs: Int = 100,
    shouldCancel: () -> Bool = { false }
  ) throws -> Result {
    guard data.sampleShape == [inputs] else {
      let has = data.rowWidth.map { "\($0) features" } ?? data.inputsDescription
      throw TensorError(.shape, "\(description) has \(inputs) inputs but \(data.name) has \(has)")
    }
    guard data.targetShape == [1], data.y.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else {
      throw TensorError(.argument, "the perceptron rule needs targets 0 and 1 in one column")
    }
    guard learningRate > 0, learningRate.isFinite else {
      throw TensorError(.argument, "the learning rate must be > 0, not \(learningRate)")
    }
    try Training.checkEpochs(maxEpochs, atLeast: 1)
    guard !weight.isFrozen && !bias.isFrozen else {
      throw TensorError(.argument, "\(description) is frozen; unfreeze(…) it to train it")
    }
    let x = data.x.scalars
    let t = data.y.scalars
    var errorsPerEpoch: [Int] = []
    var convergedAt: Int?
    epochs: for epoch in 1...maxEpochs {
      var errors = 0
      for i in 0..<data.count {
        if shouldCancel() { break epochs }
        let sample = x[(i * inputs)..<((i + 1) * inputs)]
        var z = bias.scalars[0]
        for (w, v) in zip(weight.scalars, sample) { z += w * v }
        let y: Double = z >= 0 ? 1 : 0
        let delta = learningRate * (t[i] - y)
        guard delta != 0 else { continue }
        errors += 1
        weight.updateScalars { w in
          for (j, v) in sample.enumerated() { w[j] += delta * v }
        }
        bias.updateScalars { $0[0] += delta }
      }
      errorsPerEpoch.append(errors)
      if errors == 0 {
        convergedAt = epoch
        break
      }
    }
    let predicted = try predictClasses(data.x)
    let wrong = zip(predicted, t).filter { Double($0) != $1 }.count
    return Result(
      convergedAt: wrong == 0 ? convergedAt : nil, epochs: errorsPerEpoch.count,
      misclassified: wrong, samples: data.count, errorsPerEpoch: errorsPerEpoch)
  }
}

/// A layer trained by a rule of its own, sample by sample, rather than by gradient descent on
/// a loss: `fit` hands such a layer its data and reports the rule's result.
public protocol RuleTrained: Layer {
  func train(
    on data: Dataset, learningRate: Double, maxEpochs: Int, shouldCancel: () -> Bool
  ) throws -> Perceptron.Result
}

extension Perceptron: RuleTrained {}
