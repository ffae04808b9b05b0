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

  @Test func aModelWithDropoutTrainsOnTheGraphAndSaysWhy() throws {
    var g = RandomGenerator(seed: 1)
    let dropout = try Dropout(0.5)
    let net = Sequential([
      try Dense(2, 4, activation: .tanh, using: &g), dropout,
      try Dense(4, 1, activation: .sigmoid, using: &g),
    ])
    let data = try truthTable("xor") { $0 ^ $1 }
    let target = try Training.target(for: data, outputs: [1], loss: .bce)
    #expect(
      CompiledNetwork.compile(
        net, data: data, target: target, loss: .bce, optimizer: try SGD(learningRate: 0.5),
        batch: 4
      ).path == .graph(reason: "layer dropout(0.5) behaves differently while training"))
    // Trained twice under one seed, the same weights; evaluation afterwards is deterministic.
    func trained(_ seed: UInt64) throws -> [[Double]] {
      let copy = try net.copy()
      var shuffle = RandomGenerator(seed: 3)
      try RandomGenerator.using(RandomStream(seed: seed)) {
        _ = try Training.fit(
          copy, on: data, loss: .bce, optimizer: try SGD(learningRate: 0.5),
          options: TrainingOptions(epochs: 5), using: &shuffle)
      }
      #expect(try copy(data.x).scalars == copy(data.x).scalars)
      return copy.parameters.map(\.scalars)
    }
    #expect(try trained(4) == trained(4))
    #expect(try trained(4) != trained(5))
  }
}
