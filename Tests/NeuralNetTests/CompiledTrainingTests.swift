import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// The compiled training path against the graph: the same model, data, loss, optimizer and
/// shuffling trained both ways must end with the same weights, gradients, optimizer moments
/// and history, to 1e-9 after 100 steps.
@Suite struct CompiledTrainingTests {
  /// One training set-up, built twice from the same seeds.
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let model: @Sendable (inout RandomGenerator) throws -> Sequential
    let data: @Sendable () throws -> Dataset
    let loss: Loss
    let optimizer: @Sendable () throws -> any Optimizer
    let epochs: Int
    var batch: Int? = nil
    var validation = false
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "XOR 2-4-1 tanh/sigmoid, MSE, SGD, full batch",
      model: { g in
        try Dense(2, 4, activation: .tanh, using: &g)
          >> Dense(4, 1, activation: .sigmoid, using: &g)
      },
      data: { try truthTable("xor") { $0 ^ $1 } }, loss: .mse,
      optimizer: { try SGD(learningRate: 0.5) }, epochs: 100),
    Case(
      name: "spiral 2-16-16-3 ReLU/softmax, cross-entropy, SGD momentum, minibatches",
      model: { g in
        Sequential([
          try Dense(2, 16, activation: .relu, using: &g),
          try Dense(16, 16, activation: .relu, using: &g),
          try Dense(16, 3, activation: .softmax, using: &g),
        ])
      },
      data: {
        var g = RandomGenerator(seed: 4)
        return try Dataset.spiral(90, classes: 3, using: &g)
      },
      loss: .crossEntropy, optimizer: { try SGD(learningRate: 0.05, momentum: 0.9) },
      epochs: 25, batch: 24),
    Case(
      name: "moons 2-8-1 as separate layers, BCE from logits, Adam, minibatches, validation",
      model: { g in
        Sequential([
          try Dense(2, 8, using: &g), ActivationLayer(.tanh), try Dense(8, 1, using: &g),
          ActivationLayer(.sigmoid),
        ])
      },
      data: {
        var g = RandomGenerator(seed: 5)
        return try Dataset.moons(40, using: &g)
      },
      loss: .bce, optimizer: { try Adam(learningRate: 0.01) }, epochs: 25, batch: 10,
      validation: true),
    Case(
      name: "softmax outputs, BCE of probabilities on one-hot rows, SGD weight decay",
      model: { g in
        try Dense(2, 6, activation: .sigmoid, using: &g)
          >> Dense(6, 2, activation: .softmax, using: &g)
      },
      data: { try truthTable("and") { $0 & $1 } }, loss: .bce,
      optimizer: { try SGD(learningRate: 0.3, weightDecay: 0.01) }, epochs: 100),
    Case(
      name: "sine regression, leaky ReLU, MSE, Adam, minibatches of 7",
      model: { g in
        Sequential([
          try Dense(1, 12, using: &g), ActivationLayer(.leakyRelu(slope: 0.1)),
          try Dense(12, 1, using: &g),
        ])
      },
      data: {
        var g = RandomGenerator(seed: 6)
        return try Dataset.sine(50, using: &g)
      },
      loss: .mse, optimizer: { try Adam(learningRate: 0.02) }, epochs: 15, batch: 7),
    Case(
      name: "hinge on tanh outputs after step and sign units, SGD momentum",
      model: { g in
        // Step and sign pass no gradient back, so only the last layer learns; the zero
        // gradients of the others must agree too.
        Sequential([
          try Dense(2, 5, activation: .relu, using: &g), ActivationLayer(.sign),
          try Dense(5, 3, activation: .step, using: &g),
          try Dense(3, 1, activation: .tanh, using: &g),
        ])
      },
      data: { try truthTable("or") { $0 | $1 } }, loss: .hinge,
      optimizer: { try SGD(learningRate: 0.1, momentum: 0.5) }, epochs: 100),
    Case(
      name: "cross-entropy against probability rows, two softmax layers",
      model: { g in
        try Dense(3, 4, activation: .softmax, using: &g) >> Dense(4, 3, using: &g)
      },
      data: {
        var g = RandomGenerator(seed: 7)
        let x = (0..<30).map { _ in g.normal() }
        var rows: [Double] = []
        for _ in 0..<10 {
          let raw = (0..<3).map { _ in g.uniform(0.1, 1) }
          rows += raw.map { $0 / raw.reduce(0, +) }
        }
        return try Dataset(
          name: "soft", x: Tensor(shape: [10, 3], scalars: x),
          y: Tensor(shape: [10, 3], scalars: rows))
      },
      loss: .crossEntropy, optimizer: { try SGD(learningRate: 0.5) }, epochs: 50, batch: 5),
    Case(
      name: "W4 CNN on 1×28×28 images, cross-entropy, SGD, minibatches of 8 in two parts",
      model: { g in
        Sequential([
          try Conv(1, 8, kernel: (3, 3), using: &g), ActivationLayer(.relu), try MaxPool(2),
          try Conv(8, 16, kernel: (3, 3), using: &g), ActivationLayer(.relu), try MaxPool(2),
          Flatten(), try Dense(400, 10, using: &g),
        ])
      },
      data: { try randomImages(16, shape: [1, 28, 28], classes: 10, seed: 12) },
      loss: .crossEntropy, optimizer: { try SGD(learningRate: 0.01) }, epochs: 50, batch: 8),
    Case(
      name: "W4 CNN, batches of 16 large enough to run in two parts at once",
      model: { g in
        Sequential([
          try Conv(1, 8, kernel: (3, 3), using: &g), ActivationLayer(.relu), try MaxPool(2),
          try Conv(8, 16, kernel: (3, 3), using: &g), ActivationLayer(.relu), try MaxPool(2),
          Flatten(), try Dense(400, 10, using: &g),
        ])
      },
      data: { try randomImages(40, shape: [1, 28, 28], classes: 10, seed: 14) },
      loss: .crossEntropy, optimizer: { try SGD(learningRate: 0.01, momentum: 0.9) },
      epochs: 34, batch: 16),
    Case(
      name: "CNN with padding, stride, groups, overlapping ceil-mode and average pooling",
      model: { g in
        Sequential([
          try Conv(2, 4, kernel: (3, 2), pad: 1, using: &g), ActivationLayer(.tanh),
          try MaxPool(3, stride: 2, ceil: true),
          try Conv(4, 6, kernel: (2, 2), stride: 2, groups: 2, using: &g),
          ActivationLayer(.relu), try AvgPool(2, stride: 1), Flatten(),
          try Dense(6, 3, activation: .softmax, using: &g),
        ])
      },
      data: { try randomImages(12, shape: [2, 9, 7], classes: 3, seed: 13) },
      loss: .crossEntropy, optimizer: { try SGD(learningRate: 0.05, momentum: 0.9) },
      epochs: 34, batch: 4),
    Case(
      name: "residual blocks: first in the model, identity and dense shortcut, SGD momentum",
      model: { g in
        Sequential([
          try Residual(try Dense(2, 2, activation: .tanh, using: &g)),
          try Dense(2, 8, activation: .tanh, using: &g),
          try Residual(
            Sequential([
              try Dense(8, 8, activation: .tanh, using: &g), try Dense(8, 8, using: &g),
            ])),
          try Residual(
            try Dense(8, 4, activation: .relu, using: &g), shortcut: try Dense(8, 4, using: &g)),
          try Residual(
            try Residual(try Dense(4, 4, activation: .tanh, using: &g)),
            shortcut: Sequential([
              try Dense(4, 4, using: &g), ActivationLayer(.tanh), try Dense(4, 4, using: &g),
            ])),
          try Dense(4, 3, activation: .softmax, using: &g),
        ])
      },
      data: {
        var g = RandomGenerator(seed: 8)
        return try Dataset.spiral(60, classes: 3, using: &g)
      },
      loss: .crossEntropy, optimizer: { try SGD(learningRate: 0.05, momentum: 0.9) },
      epochs: 34, batch: 20),
    Case(
      name: "residual conv blocks: a 1×1 stride-2 conv shortcut, Adam",
      model: { g in
        Sequential([
          try Residual(
            Sequential([
              try Conv(1, 4, kernel: (3, 3), stride: 2, pad: 1, using: &g),
              ActivationLayer(.relu), try Conv(4, 4, kernel: (3, 3), pad: 1, using: &g),
            ]), shortcut: try Conv(1, 4, kernel: (1, 1), stride: 2, using: &g)),
          ActivationLayer(.relu),
          try Residual(try Conv(4, 4, kernel: (3, 3), pad: 1, using: &g)),
          Flatten(), try Dense(64, 3, activation: .softmax, using: &g),
        ])
      },
      data: { try randomImages(12, shape: [1, 8, 8], classes: 3, seed: 15) },
      loss: .crossEntropy, optimizer: { try Adam(learningRate: 0.01) }, epochs: 34, batch: 4),
    Case(
      name: "decoder layers: a transposed convolution with stride and padding, upsampling",
      model: { g in
        Sequential([
          try Conv(1, 4, kernel: (3, 3), pad: 1, using: &g), ActivationLayer(.relu),
          try MaxPool(2), try Deconv(4, 2, kernel: (3, 2), stride: 2, pad: 1, using: &g),
          ActivationLayer(.tanh), try Upsample(2),
          try Conv(2, 2, kernel: (2, 2), stride: 2, using: &g), Flatten(),
          try Dense(84, 3, activation: .softmax, using: &g),
        ])
      },
      data: { try randomImages(12, shape: [1, 8, 8], classes: 3, seed: 14) },
      loss: .crossEntropy, optimizer: { try Adam(learningRate: 0.01) }, epochs: 34, batch: 4),
  ]

  /// `n` images of normal noise with random labels.
  static func randomImages(_ n: Int, shape: [Int], classes: Int, seed: UInt64) throws -> Dataset {
    var g = RandomGenerator(seed: seed)
    let size = shape.reduce(1, *)
    let x = (0..<(n * size)).map { _ in g.normal() }
    let y = (0..<n).map { _ in Double(Int(g.uniform(0, Double(classes))) % classes) }
    return try Dataset(
      name: "images", x: Tensor(shape: [n] + shape, scalars: x),
      y: Tensor(shape: [n, 1], scalars: y), classes: classes)
  }

  struct Run {
    let weights: [Double]
    let gradients: [Double]
    let history: History
    let net: Sequential
    let optimizer: any Optimizer
  }

  func train(_ c: Case, compiled: Bool) throws -> Run {
    var g = RandomGenerator(seed: 42)
    let net = try c.model(&g)
    let data = try c.data()
    let optimizer = try c.optimizer()
    var shuffle = RandomGenerator(seed: 9)
    let history = try Training.fit(
      net, on: data, loss: c.loss, optimizer: optimizer,
      options: TrainingOptions(
        epochs: c.epochs, batchSize: c.batch, validation: c.validation ? data : nil,
        compiled: compiled),
      using: &shuffle)
    return Run(
      weights: net.parameters.flatMap(\.scalars),
      gradients: net.parameters.flatMap { $0.grad?.scalars ?? [] }, history: history, net: net,
      optimizer: optimizer)
  }

  func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }

  /// Expects `model` to compile for `c`: a test comparing the compiled path with the graph
  /// must really take it, or it compares the graph with itself.
  static func expectCompiles(_ c: Case, _ model: any Layer) throws {
    let data = try c.data()
    let target = try Training.target(
      for: data, outputs: model.outputShape(for: data.sampleShape), loss: c.loss)
    let path = CompiledNetwork.compile(
      model, data: data, target: target, loss: c.loss, optimizer: try c.optimizer(),
      batch: c.batch ?? data.count
    ).path
    #expect(path == .compiled)
  }

  @Test(arguments: cases) func compiledTrainingMatchesTheGraph(_ c: Case) throws {
    var g = RandomGenerator(seed: 42)
    let data = try c.data()
    try Self.expectCompiles(c, c.model(&g))

    let graph = try train(c, compiled: false)
    let compiled = try train(c, compiled: true)
    let steps = c.epochs * Int((Double(data.count) / Double(c.batch ?? data.count)).rounded(.up))
    #expect(steps >= 100)
    #expect(compiled.history.path == .compiled)
    #expect(graph.history.path == .graph(reason: "compiled training is turned off"))
    #expect(graph.weights != (try c.model(&g)).parameters.flatMap(\.scalars))
    #expect(maxDifference(compiled.weights, graph.weights) < 1e-9)
    #expect(maxDifference(compiled.gradients, graph.gradients) < 1e-9)
    #expect(compiled.gradients.count == graph.weights.count)
    #expect(maxDifference(compiled.history.loss, graph.history.loss) < 1e-9)
    #expect(compiled.history.accuracy == graph.history.accuracy)
    #expect(maxDifference(compiled.history.validationLoss, graph.history.validationLoss) < 1e-9)
    #expect(compiled.history.validationAccuracy == graph.history.validationAccuracy)
  }

  /// Which cases run their batches in two parts: only the CNNs on 28×28 images, whose
  /// batches hold enough work (8 × 192,000 multiply-adds and more; the others are below
  /// `CompiledNetwork.splitWork`); and which in tiles.
  @Test func largeBatchesRunInPartsAndTilesAndSmallOnesWhole() throws {
    for c in Self.cases {
      var g = RandomGenerator(seed: 42)
      let model = try c.model(&g)
      let data = try c.data()
      let target = try Training.target(
        for: data, outputs: model.outputShape(for: data.sampleShape), loss: c.loss)
      guard
        case .compiled(let network) = CompiledNetwork.compile(
          model, data: data, target: target, loss: c.loss, optimizer: try c.optimizer(),
          batch: c.batch ?? data.count)
      else {
        Issue.record("\(c.name) does not compile")
        continue
      }
      #expect(network.parts == (c.name.contains("two parts") ? 2 : 1), "\(c.name)")
      // Only the 28×28 CNN's samples (0.36 MB of values each) are too large for the cache
      // together: its batches run in tiles, every other case's in one.
      let tiled = c.name.hasPrefix("W4 CNN")
      let batch = c.batch ?? data.count
      #expect((network.tileRows < batch) == tiled, "\(c.name)")
      // A part's memory holds no more rows than a part runs.
      #expect(network.tileRows <= (network.parts == 2 ? (batch + 1) / 2 : batch), "\(c.name)")
    }
  }

  @Test func aModelThatDrawsAtRandomRunsInOnePart() throws {
    // Dropout draws its masks in order from one stream: its stage does not split rows.
    var g = RandomGenerator(seed: 42)
    let model = Sequential([
      try Conv(1, 8, kernel: (3, 3), using: &g), ActivationLayer(.relu), Flatten(),
      try Dropout(0.5), try Dense(5408, 10, using: &g),
    ])
    let data = try Self.randomImages(32, shape: [1, 28, 28], classes: 10, seed: 3)
    let target = try Training.target(
      for: data, outputs: model.outputShape(for: data.sampleShape), loss: .crossEntropy)
    guard
      case .compiled(let network) = CompiledNetwork.compile(
        model, data: data, target: target, loss: .crossEntropy,
        optimizer: try SGD(learningRate: 0.1), batch: 32)
    else {
      Issue.record("the model does not compile")
      return
    }
    #expect(network.parts == 1)
    #expect(network.tileRows == 32)
  }

  @Test(arguments: cases) func aSecondRunContinuesFromTheStoredMoments(_ c: Case) throws {
    // Momentum and Adam's moments written back by a compiled run carry into the next run
    // exactly as the graph's own state does.
    var results: [[Double]] = []
    for compiled in [false, true] {
      let first = try train(c, compiled: compiled)
      var shuffle = RandomGenerator(seed: 10)
      _ = try Training.fit(
        first.net, on: c.data(), loss: c.loss, optimizer: first.optimizer,
        options: TrainingOptions(epochs: 3, batchSize: c.batch, compiled: compiled),
        using: &shuffle)
      results.append(first.net.parameters.flatMap(\.scalars))
    }
    #expect(maxDifference(results[0], results[1]) < 1e-9)
  }

  @Test func cancellingACompiledRunKeepsTheLastFinishedStep() throws {
    let c = Self.cases[1]
    var runs: [[Double]] = []
    for compiled in [false, true] {
      var g = RandomGenerator(seed: 42)
      let net = try c.model(&g)
      var asked = 0
      var shuffle = RandomGenerator(seed: 9)
      let history = try Training.fit(
        net, on: c.data(), loss: c.loss, optimizer: c.optimizer(),
        options: TrainingOptions(epochs: 10, batchSize: c.batch, compiled: compiled),
        using: &shuffle,
        shouldCancel: {
          asked += 1
          return asked > 7
        })
      #expect(history.stop == .cancelled(epoch: 2, step: 4))
      runs.append(net.parameters.flatMap(\.scalars))
    }
    #expect(maxDifference(runs[0], runs[1]) < 1e-12)
  }

  @Test func progressSeesTheModelOfItsEpoch() throws {
    // A progress callback that evaluates the model sees the weights of the epoch it reports.
    let c = Self.cases[0]
    var seen: [[Double]] = []
    for compiled in [false, true] {
      var g = RandomGenerator(seed: 42)
      let net = try c.model(&g)
      let data = try c.data()
      var losses: [Double] = []
      var shuffle = RandomGenerator(seed: 9)
      _ = try Training.fit(
        net, on: data, loss: .mse, optimizer: c.optimizer(),
        options: TrainingOptions(epochs: 5, compiled: compiled), using: &shuffle,
        progress: { _ in losses.append((try? net.evaluate(on: data, loss: .mse).loss) ?? .nan) })
      seen.append(losses)
    }
    #expect(seen[0].count == 5)
    #expect(maxDifference(seen[0], seen[1]) < 1e-12)
  }

  @Test func modelsWithoutACompiledFormTrainOnTheGraph() throws {
    var g = RandomGenerator(seed: 1)
    let data = try truthTable("xor") { $0 ^ $1 }
    let shared = try Dense(2, 2, activation: .tanh, using: &g)
    let sgd = try SGD()
    // A layer used twice shares its parameters; a model that starts with an activation; a
    // trailing identity layer; a perceptron.
    let models: [any Layer] = [
      Sequential([shared, shared, try Dense(2, 1, using: &g)]),
      ActivationLayer(.tanh) >> (try Dense(2, 1, using: &g)),
      (try Dense(2, 1, activation: .sigmoid, using: &g)) >> ActivationLayer(.identity),
      try Perceptron(inputs: 2),
    ]
    for model in models {
      let compilation = CompiledNetwork.compile(
        model, data: data, target: data.y, loss: .mse, optimizer: sgd, batch: 4)
      #expect(compilation.path != .compiled)
    }
    // Class labels out of range for cross-entropy go to the graph, which names the problem.
    let wide = try Dense(2, 2, using: &g)
    let bad = try Dataset(
      name: "bad", x: Tensor([[0, 0], [1, 1]]), y: Tensor([[0], [2.5]]))
    #expect(
      CompiledNetwork.compile(
        wide, data: bad, target: bad.y, loss: .crossEntropy, optimizer: sgd, batch: 2
      ).path != .compiled)
    #expect(throws: TensorError.self) {
      try Training.fit(wide, on: bad, loss: .crossEntropy, optimizer: sgd)
    }
  }
}
