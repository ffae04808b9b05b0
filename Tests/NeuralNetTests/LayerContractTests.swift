import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// A test-only dropout: while training it zeroes each value with probability p, drawing from
/// the pass's random stream, and scales the rest by 1 / (1 − p); in evaluation it is the
/// identity. It records the modes it ran in and the masks it drew.
final class ContractMask: Layer {
  let p: Double
  var modes: [ForwardContext.Mode] = []
  var masks: [[Double]] = []

  init(_ p: Double) { self.p = p }

  func callAsFunction(_ x: Tensor) throws -> Tensor {
    modes.append(.evaluation)
    return x
  }

  func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    guard context.isTraining else { return try self(x) }
    modes.append(.training)
    let mask = context.withRandom { g in
      (0..<x.count).map { _ in g.uniform() < p ? 0 : 1 / (1 - p) }
    }
    masks.append(mask)
    return try x * Tensor(shape: x.shape, scalars: mask)
  }

  var isDeterministicInTraining: Bool { false }
  var parameters: [Tensor] { [] }
  func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
  func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }
  func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer { self }
  var spec: LayerSpec { LayerSpec(kind: "test.mask", config: ["p": .number(p)]) }
  var description: String { "mask(\(p))" }
}

/// A test-only residual block, `x + block(x)`: a layer made of another, which `>>` must keep
/// whole.
final class ContractResidual: Layer {
  let block: any Layer

  init(_ block: any Layer) { self.block = block }

  func callAsFunction(_ x: Tensor) throws -> Tensor { try x + block(x) }
  func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    try x + block.forward(x, context: context)
  }
  var children: [(name: String, layer: any Layer)] { [("block", block)] }
  var parameters: [Tensor] { block.parameters }
  func outputShape(for inputShape: [Int]) throws -> [Int] {
    let out = try block.outputShape(for: inputShape)
    guard out == inputShape else { throw TensorError(.shape, "a residual block keeps shapes") }
    return out
  }
  func multiplyAdds(for inputShape: [Int]) throws -> Int { try block.multiplyAdds(for: inputShape) }
  func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    let copy = ContractResidual(try block.copy(sharing: &copies))
    copies[ObjectIdentifier(self)] = copy
    return copy
  }
  static let kind = "test.residual"
  var spec: LayerSpec { LayerSpec(kind: Self.kind, children: [block.spec]) }
  var description: String { "residual(\(block))" }
}

@Suite struct LayerContractTests {
  func xorData() throws -> Dataset { try truthTable("xor") { $0 ^ $1 } }

  /// dense 2→4 tanh >> mask(0.5) >> dense 4→1 sigmoid with weights from seed 1.
  func maskedModel() throws -> (Sequential, ContractMask) {
    var g = RandomGenerator(seed: 1)
    let mask = ContractMask(0.5)
    let net = Sequential([
      try Dense(2, 4, activation: .tanh, using: &g), mask,
      try Dense(4, 1, activation: .sigmoid, using: &g),
    ])
    return (net, mask)
  }

  func fit(_ net: any Layer, epochs: Int = 3, validation: Dataset? = nil) throws {
    var shuffle = RandomGenerator(seed: 3)
    _ = try Training.fit(
      net, on: xorData(), loss: .bce, optimizer: try SGD(learningRate: 0.5),
      options: TrainingOptions(epochs: epochs, validation: validation), using: &shuffle)
  }

  // MARK: Forward context

  @Test func fitTrainsInTrainingModeAndEverythingElseEvaluates() throws {
    let (net, mask) = try maskedModel()
    let data = try xorData()
    try RandomGenerator.using(RandomStream(seed: 5)) {
      try fit(net, epochs: 3, validation: data)
    }
    // Each epoch: one training step on the whole set, then the validation pass.
    #expect(mask.modes == Array(repeating: [.training, .evaluation], count: 3).flatMap { $0 })
    mask.modes = []
    _ = try net(data.x)
    _ = try net.accuracy(on: data)
    _ = try net.evaluate(on: data, loss: .bce)
    _ = try net.predictClasses(data.x)
    #expect(mask.modes == [.evaluation, .evaluation, .evaluation, .evaluation])
    #expect(mask.masks.count == 3)
    // Some values were dropped and some kept: the mask really drew.
    let all = mask.masks.flatMap { $0 }
    #expect(all.contains(0) && all.contains(2))
  }

  @Test func aLayerThatTrainsDifferentlyIsNotCompiled() throws {
    let (net, mask) = try maskedModel()
    let data = try xorData()
    let target = try Training.target(for: data, outputs: [1], loss: .bce)
    #expect(
      CompiledNetwork.compile(
        net, data: data, target: target, loss: .bce, optimizer: try SGD(learningRate: 0.5),
        batch: 4
      ).path == .graph(reason: "layer \(mask) behaves differently while training"))
    #expect(!net.isDeterministicInTraining)
    // Without the mask the same model compiles, so the refusal is the mask's doing.
    let plain = Sequential([net.layers[0], net.layers[2]])
    #expect(plain.isDeterministicInTraining)
    #expect(
      CompiledNetwork.compile(
        plain, data: data, target: target, loss: .bce, optimizer: try SGD(learningRate: 0.5),
        batch: 4
      ).path == .compiled)
  }

  @Test func theSameSeedDrawsTheSameMasksFromTheSessionStream() throws {
    func run(seed: UInt64) throws -> (masks: [[Double]], weights: [[UInt64]]) {
      let (net, mask) = try maskedModel()
      try RandomGenerator.using(RandomStream(seed: seed)) { try fit(net) }
      return (mask.masks, net.parameters.map { $0.scalars.map(\.bitPattern) })
    }
    let a = try run(seed: 5)
    let b = try run(seed: 5)
    let c = try run(seed: 6)
    #expect(a.masks == b.masks)
    #expect(a.weights == b.weights)
    #expect(a.masks != c.masks)
    // The stream is seeded once, when the first mask is drawn, from the session's stream:
    // worked out here from the generator alone.
    var session = RandomGenerator(seed: 5)
    var stream = RandomGenerator(seed: session.next())
    let expected = (0..<(a.masks.count * 16)).map { _ in stream.uniform() < 0.5 ? 0.0 : 2.0 }
    #expect(a.masks.flatMap { $0 } == expected)
  }

  @Test func aModelThatDrawsNothingLeavesTheSessionStreamAlone() throws {
    var g = RandomGenerator(seed: 1)
    let net = Sequential([
      try Dense(2, 4, activation: .tanh, using: &g),
      try Dense(4, 1, activation: .sigmoid, using: &g),
    ])
    let stream = RandomStream(seed: 5)
    for compiled in [false, true] {
      var shuffle = RandomGenerator(seed: 3)
      try RandomGenerator.using(stream) {
        _ = try Training.fit(
          net, on: xorData(), loss: .bce, optimizer: try SGD(learningRate: 0.5),
          options: TrainingOptions(epochs: 2, compiled: compiled), using: &shuffle)
      }
    }
    var fresh = RandomGenerator(seed: 5)
    #expect(stream.generator.next() == fresh.next())
  }

  // MARK: Children

  func residualModel() throws -> (Sequential, ContractResidual) {
    var g = RandomGenerator(seed: 2)
    let block = try Dense(2, 4, activation: .relu, using: &g) >> Dense(4, 2, using: &g)
    let residual = ContractResidual(block)
    return (try Dense(2, 2, using: &g) >> residual, residual)
  }

  @Test func onlyPlainModelsFlatten() throws {
    var g = RandomGenerator(seed: 2)
    let a = try Dense(2, 3, using: &g)
    let b = ActivationLayer(.relu)
    let c = try Dense(3, 1, using: &g)
    #expect(((a >> b) >> c).layers.count == 3)
    #expect((a >> (b >> c)).layers.count == 3)
    #expect(Sequential([a >> b, c]).layers.count == 3)
    let (net, residual) = try residualModel()
    #expect(net.layers.count == 2)
    #expect(net.layers[1] === residual)
    #expect((net >> c).layers.count == 3)
    #expect(net.children.map(\.name) == ["0", "1"])
    #expect(residual.children.map(\.name) == ["block"])
  }

  @Test func aContainerKeepsItsBlockInNamesDescriptionAndCopies() throws {
    let (net, residual) = try residualModel()
    #expect(
      net.namedParameters.map(\.name) == [
        "0.w", "0.b", "1.block.0.w", "1.block.0.b", "1.block.1.w", "1.block.1.b",
      ])
    #expect(net.namedParameters[2].tensor === (residual.block.layers[0].parameters[0]))
    #expect(
      net.description
        == "model · dense 2→2 >> residual(model · dense 2→4 relu >> dense 4→2 · 22 parameters)"
        + " · 28 parameters")
    // x + block(x), by hand for one sample.
    let x = try Tensor([[0.5, -1]])
    let h = try net.layers[0](x)
    let expected = try h + residual.block(h)
    #expect(try net(x).scalars == expected.scalars)

    let copy = try net.copy()
    #expect(copy.layers.count == 2)
    #expect(copy.namedParameters.map(\.name) == net.namedParameters.map(\.name))
    #expect(
      zip(copy.namedParameters, net.namedParameters).allSatisfy {
        $0.tensor !== $1.tensor && $0.tensor.scalars == $1.tensor.scalars
      })
    #expect(copy.layers[1].children.first?.name == "block")
    #expect(try copy(x).scalars == net(x).scalars)
  }

  @Test func aContainerPassesTheTrainingContextToItsBlock() throws {
    var g = RandomGenerator(seed: 2)
    let mask = ContractMask(0.5)
    let net = Sequential([
      try Dense(2, 4, activation: .tanh, using: &g), ContractResidual(mask),
      try Dense(4, 1, activation: .sigmoid, using: &g),
    ])
    #expect(!net.isDeterministicInTraining)
    try RandomGenerator.using(RandomStream(seed: 5)) { try fit(net, epochs: 2) }
    #expect(mask.modes == [.training, .training])
  }

  // MARK: Spec

  @Test func specsAreTheKindAndConfigurationAsJSON() throws {
    var g = RandomGenerator(seed: 2)
    let dense = try Dense(2, 4, activation: .tanh, using: &g)
    #expect(
      dense.spec.json
        == #"{"children":[],"config":{"activation":"tanh","inputs":2,"outputs":4},"kind":"dense"}"#
    )
    #expect(
      ActivationLayer(.leakyRelu(slope: 0.2)).spec.json
        == #"{"children":[],"config":{"activation":"leaky_relu","slope":0.2},"kind":"activation"}"#
    )
    #expect(
      try Perceptron(inputs: 3).spec.json
        == #"{"children":[],"config":{"inputs":3},"kind":"perceptron"}"#)
    let model = dense >> ActivationLayer(.relu)
    #expect(
      model.spec.json
        == #"{"children":[{"children":[],"config":{"activation":"tanh","inputs":2,"outputs":4},"#
        + #""kind":"dense"},{"children":[],"config":{"activation":"relu"},"kind":"activation"}],"#
        + #""config":{},"kind":"sequential"}"#)
  }

  @Test func aSpecRebuildsTheSameShapeWithFreshParameters() throws {
    var g = RandomGenerator(seed: 2)
    let model = Sequential([
      Flatten(), try Dense(2, 4, activation: .leakyRelu(slope: 0.2), using: &g),
      ActivationLayer(.softmax), try Dense(4, 3, activation: .sigmoid, using: &g),
      try Perceptron(inputs: 3),
    ])
    let rebuilt = try RandomGenerator.using(RandomStream(seed: 9)) {
      try LayerSpec.decode(model.spec.json).build()
    }
    #expect(rebuilt.spec == model.spec)
    #expect(rebuilt.description == model.description)
    #expect(rebuilt.namedParameters.map(\.name) == model.namedParameters.map(\.name))
    #expect(rebuilt.parameters.map(\.shape) == model.parameters.map(\.shape))
    #expect(zip(rebuilt.parameters, model.parameters).allSatisfy { $0 !== $1 })
    #expect(rebuilt.parameters[0].scalars != model.parameters[0].scalars)
  }

  @Test func aRegisteredKindRebuildsWithItsChildren() throws {
    LayerSpec.register(ContractResidual.kind) { spec in
      try spec.expectChildren(1)
      return ContractResidual(try spec.children[0].build())
    }
    let (net, _) = try residualModel()
    let rebuilt = try LayerSpec.decode(net.spec.json).build()
    #expect(rebuilt.namedParameters.map(\.name) == net.namedParameters.map(\.name))
    #expect(rebuilt.description == net.description)
    #expect(ContractMask(0.5).spec.isBuildable == false)
  }

  @Test func aLayerWithoutASpecOfItsOwnIsNotBuildable() throws {
    final class Bare: Layer {
      func callAsFunction(_ x: Tensor) throws -> Tensor { x }
      var parameters: [Tensor] { [] }
      func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
      func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }
      func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer { self }
      var description: String { "bare" }
    }
    let spec = Sequential([Bare()]).spec
    #expect(!spec.isBuildable)
    #expect(throws: LayerSpec.SpecError.self) { try spec.build() }
  }

  /// Malformed specs, each refused with its reason, none crashing.
  @Test(arguments: [
    ("", "not valid"),
    ("[]", "not valid"),
    ("{}", "lacks \"kind\""),
    (#"{"kind": 3}"#, "wrong type"),
    (#"{"kind": "conv9"}"#, "unknown layer kind \"conv9\""),
    (#"{"kind": "dense"}"#, "needs a number \"inputs\""),
    (
      #"{"kind": "dense", "config": {"inputs": -1, "outputs": 2, "activation": "relu"}}"#,
      "whole number"
    ),
    (
      #"{"kind": "dense", "config": {"inputs": 2.5, "outputs": 2, "activation": "relu"}}"#,
      "whole number"
    ),
    (
      #"{"kind": "dense", "config": {"inputs": 1e300, "outputs": 2, "activation": "relu"}}"#,
      "whole number"
    ),
    (
      #"{"kind": "dense", "config": {"inputs": "2", "outputs": 2, "activation": "relu"}}"#,
      "needs a number"
    ),
    (
      #"{"kind": "dense", "config": {"inputs": 2, "outputs": 2, "activation": "nope"}}"#,
      "unknown activation \"nope\""
    ),
    (#"{"kind": "dense", "config": {"inputs": 2, "outputs": 2}}"#, "needs a string"),
    (
      #"{"kind": "dense", "config": {"inputs": 2, "outputs": 2, "activation": "relu"}, "children": [{"kind": "sequential"}]}"#,
      "has 0 children, not 1"
    ),
    (
      #"{"kind": "activation", "config": {"activation": "leaky_relu", "slope": "x"}}"#,
      "finite number"
    ),
    (
      #"{"kind": "sequential", "children": [{"kind": "perceptron", "config": {"inputs": 0}}]}"#,
      "whole number"
    ),
    (#"{"kind": "sequential", "children": {"kind": "dense"}}"#, "wrong type"),
    (
      String(repeating: #"{"kind": "sequential", "children": ["#, count: 100)
        + #"{"kind": "sequential"}"# + String(repeating: "]}", count: 100), "more than 64 deep"
    ),
    (String(repeating: "[", count: 100_000), "more than 64 deep"),
    (
      String(repeating: #"{"kind": "sequential", "children": ["#, count: 20) + "{}"
        + String(repeating: "]}", count: 20), "lacks \"kind\" at …"
    ),
  ]) func malformedSpecsAreRefusedWithTheReason(_ json: String, _ reason: String) throws {
    do {
      _ = try LayerSpec.decode(json).build()
      Issue.record("\(json) was accepted")
    } catch let error as LayerSpec.SpecError {
      #expect(error.message.contains(reason), "\(error.message)")
    }
  }

  @Test func aSpecTooLargeForMemoryIsRefusedBeforeAllocating() throws {
    let json =
      #"{"kind": "dense", "config": {"inputs": 2000000000, "outputs": 2000000000, "activation": "relu"}}"#
    #expect(throws: TensorError.self) { try LayerSpec.decode(json).build() }
  }
}
