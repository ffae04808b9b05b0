import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

@Suite struct DropoutTests {
  func training(seed: UInt64) -> ForwardContext {
    ForwardContext(.training, generator: RandomGenerator(seed: seed))
  }

  @Test func evaluationIsTheIdentity() throws {
    let layer = try Dropout(0.5)
    let x = try seededTensor([3, 4], seed: 41)
    #expect(try layer(x) === x)
    #expect(try layer.forward(x, context: .evaluation) === x)
  }

  @Test(arguments: [0.2, 0.5, 0.8])
  func trainingKeepsEachValueWithProbabilityOneMinusPScaled(_ p: Double) throws {
    let layer = try Dropout(p)
    let x = try seededTensor([200, 50], seed: 42, in: 0.5...1.5)
    let y = try layer.forward(x, context: training(seed: 1))
    var dropped = 0
    for (a, b) in zip(x.scalars, y.scalars) {
      if b == 0 {
        dropped += 1
      } else {
        #expect(abs(b - a / (1 - p)) <= 1e-15 * abs(b))
      }
    }
    // 10,000 draws: the fraction dropped is within 5 standard deviations of p.
    let sd = (p * (1 - p) / 10_000).squareRoot()
    #expect(abs(Double(dropped) / 10_000 - p) < 5 * sd)
  }

  /// The mean over N masks of y_i = x_i·m_i/(1 − p) has standard deviation
  /// |x_i|·√(p / ((1 − p)·N)); each of the 4 means is within 5 of them of x_i.
  @Test(arguments: [0.2, 0.5, 0.8])
  func theExpectationIsTheInput(_ p: Double) throws {
    let layer = try Dropout(p)
    let n = 40_000
    let row = [0.7, -1.3, 2.0, 0.1]
    let x = try Tensor(shape: [n, 4], scalars: Array((0..<n).map { _ in row }.joined()))
    let mean = try layer.forward(x, context: training(seed: 2)).mean(axis: 0)
    for (m, v) in zip(mean.scalars, row) {
      let sd = abs(v) * (p / ((1 - p) * Double(n))).squareRoot()
      #expect(abs(m - v) < 5 * sd, "mean \(m) of \(v) with p = \(p)")
    }
  }

  @Test func theSameSeedDrawsTheSameMasks() throws {
    let layer = try Dropout(0.5)
    let x = try seededTensor([6, 5], seed: 43, in: 0.5...1.5)
    let a = try layer.forward(x, context: training(seed: 7)).scalars
    let b = try layer.forward(x, context: training(seed: 7)).scalars
    let c = try layer.forward(x, context: training(seed: 8)).scalars
    #expect(a == b)
    #expect(a != c)
    // One pass draws on: the second mask of a context differs from its first.
    let context = training(seed: 7)
    let first = try layer.forward(x, context: context).scalars
    let second = try layer.forward(x, context: context).scalars
    #expect(first == a && second != first)
    // Without a generator of its own, the context seeds from the session's stream.
    func session(_ seed: UInt64) throws -> [Double] {
      try RandomGenerator.using(RandomStream(seed: seed)) {
        try layer.forward(x, context: ForwardContext(.training)).scalars
      }
    }
    #expect(try session(5) == session(5))
    #expect(try session(5) != session(6))
  }

  @Test func theGradientIsTheMaskOverOneMinusP() throws {
    let layer = try Dropout(0.3)
    let x = Tensor.parameter(try seededTensor([4, 6], seed: 44))
    let y = try layer.forward(x, context: training(seed: 9))
    let g = try Tensor.gradients(of: y.sum(), withRespectTo: [x])[0]
    let mask = try layer.mask(for: [4, 6], context: training(seed: 9))
    #expect(g.scalars == mask.scalars)
    #expect(Set(mask.scalars) == [0, 1 / 0.7])
    // And by finite differences, the mask fixed by the seed.
    try checkLayerGradients(layer, input: x.detached) {
      try layer.forward($0, context: training(seed: 9))
    }
  }

  @Test func pOfZeroIsTheIdentityWhileTrainingToo() throws {
    let layer = try Dropout(0)
    let x = try seededTensor([3, 3], seed: 45)
    #expect(try layer.forward(x, context: training(seed: 1)) === x)
    #expect(layer.isDeterministicInTraining)
    #expect(try !Dropout(0.5).isDeterministicInTraining)
  }

  @Test(arguments: [1.0, 1.5, -0.1, .nan, .infinity])
  func aPOutsideZeroToOneIsRefused(_ p: Double) throws {
    let error = #expect(throws: TensorError.self) { try Dropout(p) }
    #expect(error?.message.contains("less than 1") == true)
    if p == 1 { #expect(error?.message.contains("drop every value") == true) }
  }

  @Test func shapesDescriptionAndSpec() throws {
    let layer = try Dropout(0.5)
    #expect(layer.description == "dropout(0.5)")
    #expect(try layer.outputShape(for: [3, 8, 8]) == [3, 8, 8])
    #expect(try layer.multiplyAdds(for: [3, 8, 8]) == 0)
    #expect(layer.spec.json == #"{"children":[],"config":{"p":0.5},"kind":"dropout"}"#)
    #expect(try LayerSpec.decode(layer.spec.json).build().description == "dropout(0.5)")
    #expect(throws: LayerSpec.SpecError.self) {
      try LayerSpec.decode(#"{"kind": "dropout", "config": {"p": 1}}"#).build()
    }
    #expect(throws: LayerSpec.SpecError.self) {
      try LayerSpec.decode(#"{"kind": "dropout"}"#).build()
    }
  }

  /// dense 2→8 tanh >> dropout(0.5) >> dense 8→8 relu >> dropout(0.2) >> dense 8→1 sigmoid.
  func droppingModel() throws -> Sequential {
    var g = RandomGenerator(seed: 1)
    return Sequential([
      try Dense(2, 8, activation: .tanh, using: &g), try Dropout(0.5),
      try Dense(8, 8, activation: .relu, using: &g), try Dropout(0.2),
      try Dense(8, 1, activation: .sigmoid, using: &g),
    ])
  }

  /// Trains a copy of `droppingModel` for 60 epochs of minibatches of 2 (120 steps) under
  /// the session seed `seed`.
  func trained(compiled: Bool, seed: UInt64) throws -> (weights: [Double], history: History) {
    let net = try droppingModel()
    var shuffle = RandomGenerator(seed: 3)
    let history = try RandomGenerator.using(RandomStream(seed: seed)) {
      try Training.fit(
        net, on: truthTable("xor") { $0 ^ $1 }, loss: .bce,
        optimizer: try SGD(learningRate: 0.5, momentum: 0.9),
        options: TrainingOptions(epochs: 60, batchSize: 2, compiled: compiled), using: &shuffle)
    }
    return (net.parameters.flatMap(\.scalars), history)
  }

  @Test func compiledTrainingDrawsTheGraphsMasks() throws {
    let data = try truthTable("xor") { $0 ^ $1 }
    let target = try Training.target(for: data, outputs: [1], loss: .bce)
    #expect(
      CompiledNetwork.compile(
        try droppingModel(), data: data, target: target, loss: .bce,
        optimizer: try SGD(learningRate: 0.5), batch: 2
      ).path == .compiled)
    let graph = try trained(compiled: false, seed: 4)
    let compiled = try trained(compiled: true, seed: 4)
    #expect(compiled.history.path == .compiled)
    #expect(graph.history.path == .graph(reason: "compiled training is turned off"))
    #expect(graph.weights.count == compiled.weights.count)
    let difference = zip(graph.weights, compiled.weights).map { abs($0 - $1) }.max() ?? .infinity
    #expect(difference < 1e-9)
    #expect(maxRelativeError(graph.history.loss, compiled.history.loss) < 1e-9)
    #expect(graph.history.accuracy == compiled.history.accuracy)
    // The masks were really drawn: another seed trains to other weights, and without
    // dropout the run differs too.
    #expect(try trained(compiled: true, seed: 5).weights != compiled.weights)
    let untouched = try droppingModel().parameters.flatMap(\.scalars)
    #expect(untouched != compiled.weights)
  }

  @Test func dropoutInsideALayerWithoutAStageStaysOnTheGraph() throws {
    var g = RandomGenerator(seed: 1)
    let branches = try Branches([ActivationLayer(.identity), try Dropout(0.5)])
    let net = Sequential([
      try Dense(2, 4, activation: .tanh, using: &g), branches,
      try Dense(8, 1, activation: .sigmoid, using: &g),
    ])
    let data = try truthTable("xor") { $0 ^ $1 }
    let target = try Training.target(for: data, outputs: [1], loss: .bce)
    #expect(
      CompiledNetwork.compile(
        net, data: data, target: target, loss: .bce, optimizer: try SGD(learningRate: 0.5),
        batch: 4
      ).path
        == .graph(
          reason: "layer branches(identity, dropout(0.5)) behaves differently while training"))
  }
}
