import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// Which path `fit` trains on — compiled or the graph — and the reason it gives for the graph.
@Suite struct TrainingPathTests {
  /// A layer with no compiled form: y = 2x.
  final class Doubler: Layer {
    func callAsFunction(_ x: Tensor) throws -> Tensor { try x * 2 }
    var parameters: [Tensor] { [] }
    func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }
    func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer { self }
    var description: String { "doubler" }
  }

  /// An optimizer with no compiled form: plain gradient descent by its graph step.
  final class Plain: Optimizer {
    var learningRate = 0.1
    func step(_ parameters: [Tensor]) {
      for p in parameters where !p.isFrozen {
        guard let g = p.grad else { continue }
        p.updateScalars { w in
          for i in w.indices { w[i] -= learningRate * g.scalars[i] }
        }
      }
    }
    var description: String { "plain" }
  }

  func path(
    _ model: any Layer, _ data: Dataset, loss: Loss = .mse,
    optimizer: any Optimizer = try! SGD(learningRate: 0.1), compiled: Bool = true
  ) throws -> TrainingPath? {
    var shuffle = RandomGenerator(seed: 3)
    return try Training.fit(
      model, on: data, loss: loss, optimizer: optimizer,
      options: TrainingOptions(epochs: 2, compiled: compiled), using: &shuffle
    ).path
  }

  @Test func everyCompiledCaseRecordsTheCompiledPath() throws {
    for c in CompiledTrainingTests.cases {
      var g = RandomGenerator(seed: 42)
      var shuffle = RandomGenerator(seed: 9)
      let history = try Training.fit(
        c.model(&g), on: c.data(), loss: c.loss, optimizer: c.optimizer(),
        options: TrainingOptions(epochs: 1, batchSize: c.batch), using: &shuffle)
      #expect(history.path == .compiled, "\(c.name)")
      #expect(history.description.hasSuffix(" · compiled"))
    }
  }

  @Test func eachFallbackSaysWhy() throws {
    var g = RandomGenerator(seed: 1)
    let xor = try truthTable("xor") { $0 ^ $1 }
    let dense = { (i: Int, o: Int) throws -> Dense in try Dense(i, o, activation: .tanh, using: &g)
    }
    let shared = try dense(2, 2)
    let userMSE = Loss.custom(name: "my_mse") { o, t in try ((o - t) * (o - t)).mean() }
    let cases: [(any Layer, Loss, any Optimizer, Bool, String)] = [
      (try dense(2, 1), .mse, try SGD(), false, "compiled training is turned off"),
      (try dense(2, 1), userMSE, try SGD(), true, "the loss my_mse is a user function"),
      (
        Sequential([try dense(2, 2), Doubler(), try dense(2, 1)]), .mse, try SGD(), true,
        "layer doubler has no compiled form"
      ),
      (try dense(2, 1), .mse, Plain(), true, "the optimizer plain has no compiled form"),
      (
        Sequential([shared, shared, try dense(2, 1)]), .mse, try SGD(), true,
        "a layer is used twice"
      ),
      (
        ActivationLayer(.tanh) >> (try dense(2, 1)), .mse, try SGD(), true,
        "layer tanh has no compiled form as the first layer"
      ),
      (
        (try dense(2, 1)) >> ActivationLayer(.identity), .mse, try SGD(), true,
        "layer identity has no compiled form as the last layer"
      ),
      (
        try Perceptron(inputs: 2), .mse, try SGD(), true,
        "layer perceptron 2→1 step has no compiled form"
      ),
    ]
    for (model, loss, optimizer, compiled, reason) in cases {
      let path = try path(model, xor, loss: loss, optimizer: optimizer, compiled: compiled)
      #expect(path == .graph(reason: reason))
      var history = History(plannedEpochs: 1)
      history.path = path
      #expect(history.description.hasSuffix(" · graph (\(reason))"))
    }
    // Class labels out of range for cross-entropy: the graph then names the bad label.
    let wide = try Dense(2, 2, using: &g)
    let bad = try Dataset(name: "bad", x: Tensor([[0, 0], [1, 1]]), y: Tensor([[0], [2.5]]))
    #expect(
      CompiledNetwork.compile(
        wide, data: bad, target: bad.y, loss: .crossEntropy, optimizer: try SGD(), batch: 2
      ).path == .graph(reason: "a target is not a class index 0…1"))
    // Samples that are not rows: the model flattens them itself, compiled too.
    let squares = try Dataset(
      name: "squares", x: Tensor(shape: [2, 2, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7]),
      y: Tensor([[0], [1]]), classes: 2)
    #expect(
      try path(Flatten() >> (try Dense(4, 1, activation: .sigmoid, using: &g)), squares)
        == .compiled)
  }

  @Test func aUserWrittenMSETrainsOnTheGraphToTheBuiltInsWeights() throws {
    // mean((o − t)²) written as a custom loss: the graph differentiates it, and it must
    // land where the built-in mse (compiled) does, minibatches and momentum included.
    let userMSE = Loss.custom(name: "my_mse") { o, t in
      let d = try o - t
      return try (d * d).mean()
    }
    var runs: [(weights: [Double], history: History)] = []
    for loss in [Loss.mse, userMSE] {
      var g = RandomGenerator(seed: 42)
      let net = Sequential([
        try Dense(1, 8, activation: .tanh, using: &g), try Dense(8, 1, using: &g),
      ])
      var data = RandomGenerator(seed: 6)
      var shuffle = RandomGenerator(seed: 9)
      let history = try Training.fit(
        net, on: try Dataset.sine(40, using: &data), loss: loss,
        optimizer: try SGD(learningRate: 0.05, momentum: 0.9),
        options: TrainingOptions(epochs: 25, batchSize: 8), using: &shuffle)
      runs.append((net.parameters.flatMap(\.scalars), history))
    }
    #expect(runs[0].history.path == .compiled)
    #expect(runs[1].history.path == .graph(reason: "the loss my_mse is a user function"))
    #expect(runs[0].history.epochs == 25)
    #expect(runs[1].history.loss[24] < runs[1].history.loss[0] / 2)
    let difference = zip(runs[0].weights, runs[1].weights).map { abs($0 - $1) }.max() ?? 1
    #expect(difference < 1e-9)
    let losses = zip(runs[0].history.loss, runs[1].history.loss).map { abs($0 - $1) }
    #expect((losses.max() ?? 1) < 1e-9)
  }

  @Test func aCustomLossMustGiveOneNumber() throws {
    var g = RandomGenerator(seed: 1)
    let net = try Dense(2, 1, using: &g)
    let perSample = Loss.custom(name: "per_sample") { o, t in try (o - t) * (o - t) }
    let error = #expect(throws: TensorError.self) {
      try Training.fit(
        net, on: try truthTable("xor") { $0 ^ $1 }, loss: perSample, optimizer: SGD())
    }
    #expect(
      error?.message
        == "the loss per_sample must give one number (e.g. a mean over the batch), not a tensor [4, 1]"
    )
  }

  @Test func lossesAreEqualByIdentityNotByName() {
    let a = Loss.custom(name: "mse") { o, _ in o }
    let b = Loss.custom(name: "mse") { o, _ in o }
    #expect(a == a)
    #expect(a != b)
    #expect(a != .mse)
    #expect(a.description == "mse")
    #expect(
      Loss.builtins.map(\.description) == [
        "mse", "bce", "bce_with_logits", "cross_entropy", "hinge",
      ])
  }
}

/// A layer defined outside NeuralNet opts into compiled training by its stage alone: no
/// other file learns of it.
@Suite struct ForeignStageTests {
  /// y = x + b, a learned shift per feature.
  final class Shift: Layer {
    let bias: Tensor
    init(_ width: Int) throws {
      bias = Tensor.parameter(
        try Tensor(shape: [width], scalars: (0..<width).map { 0.1 * Double($0) }))
    }
    func callAsFunction(_ x: Tensor) throws -> Tensor { try x + bias }
    var parameters: [Tensor] { [bias] }
    func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }
    func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer { self }
    var description: String { "shift" }

    func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
      guard request.inputShape == [bias.count] else { return nil }
      return Stage(width: bias.count, bias: bias)
    }

    final class Stage: CompiledStage {
      let width: Int
      let parameters: [Tensor]
      init(width: Int, bias: Tensor) {
        self.width = width
        parameters = [bias]
      }
      var outputWidth: Int { width }
      var workspaceWidth: Int { 0 }
      func forward(
        _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
        workspace: UnsafeMutablePointer<Double>, rows: Int, weights w: UnsafePointer<Double>
      ) {
        for r in 0..<rows {
          for j in 0..<width { y[r * width + j] = x[r * width + j] + w[j] }
        }
      }
      func backward(
        _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
        workspace: UnsafePointer<Double>, rows: Int, weights w: UnsafePointer<Double>,
        gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
      ) {
        gradients.update(repeating: 0, count: width)
        for r in 0..<rows {
          for j in 0..<width { gradients[j] += dy[r * width + j] }
        }
        dx?.update(from: dy, count: rows * width)
      }
    }
  }

  @Test func aLayerOfItsOwnTrainsCompiledAsTheGraphDoes() throws {
    var runs: [(weights: [Double], path: TrainingPath?)] = []
    for compiled in [true, false] {
      var g = RandomGenerator(seed: 42)
      let net = Sequential([
        try Dense(2, 3, activation: .tanh, using: &g), try Shift(3),
        ActivationLayer(.relu), try Dense(3, 1, activation: .sigmoid, using: &g),
      ])
      var shuffle = RandomGenerator(seed: 9)
      var data = RandomGenerator(seed: 5)
      let history = try Training.fit(
        net, on: try Dataset.moons(40, using: &data), loss: .bce,
        optimizer: try Adam(learningRate: 0.01),
        options: TrainingOptions(epochs: 25, batchSize: 10, compiled: compiled), using: &shuffle)
      runs.append((net.parameters.flatMap(\.scalars), history.path))
    }
    #expect(runs[0].path == .compiled)
    #expect(runs[1].path == .graph(reason: "compiled training is turned off"))
    // The shift learned (it started at 0, 0.1, 0.2) and both paths agree.
    #expect(runs[0].weights[9..<12] != [0, 0.1, 0.2])
    let difference = zip(runs[0].weights, runs[1].weights).map { abs($0 - $1) }.max() ?? 1
    #expect(difference < 1e-9)
  }
}
