import Foundation
import NeuralNet
import TensorEngine
import Testing

@Suite struct TrainingTests {
  func xorModel(seed: UInt64) throws -> Sequential {
    var g = RandomGenerator(seed: seed)
    return try Dense(2, 4, activation: .tanh, using: &g)
      >> Dense(4, 1, activation: .sigmoid, using: &g)
  }

  @Test func xorIsLearnedWithPlainSGD() throws {
    let data = try truthTable("xor") { $0 ^ $1 }
    let net = try xorModel(seed: 1)
    var g = RandomGenerator(seed: 2)
    let history = try Training.fit(
      net, on: data, loss: .mse, optimizer: SGD(learningRate: 0.5),
      options: TrainingOptions(epochs: 3000), using: &g)
    #expect(history.epochs == 3000)
    #expect(try net.predictClasses(data.x) == [0, 1, 1, 0])
    #expect(try net.accuracy(on: data) == 1)
    #expect(history.loss.last! < history.loss.first!)
    #expect(history.loss.last! < 0.05)
  }

  @Test func sameSeedGivesTheSameWeights() throws {
    let data = try truthTable("xor") { $0 ^ $1 }
    var results: [[Double]] = []
    for _ in 0..<2 {
      let net = try xorModel(seed: 11)
      var g = RandomGenerator(seed: 5)
      _ = try Training.fit(
        net, on: data, loss: .mse, optimizer: SGD(learningRate: 0.5),
        options: TrainingOptions(epochs: 200, batchSize: 2), using: &g)
      results.append(net.parameters.flatMap(\.scalars))
    }
    #expect(results[0] == results[1])
    let other = try xorModel(seed: 12).parameters.flatMap(\.scalars)
    #expect(other != (try xorModel(seed: 11)).parameters.flatMap(\.scalars))
  }

  @Test func fullBatchGradientDescentStepMatchesManualUpdate() throws {
    // One epoch of full-batch SGD equals w − η ∂E/∂w computed separately.
    let data = try truthTable("or") { $0 | $1 }
    let a = try xorModel(seed: 3)
    let b = try xorModel(seed: 3)
    let loss = try Loss.mse(b(data.x), data.y)
    try loss.backward()
    let expected = b.parameters.flatMap { p in zip(p.scalars, p.grad!.scalars).map { $0 - 0.1 * $1 }
    }
    var g = RandomGenerator(seed: 0)
    _ = try Training.fit(
      a, on: data, loss: .mse, optimizer: SGD(learningRate: 0.1),
      options: TrainingOptions(epochs: 1), using: &g)
    #expect(maxRelativeError(a.parameters.flatMap(\.scalars), expected) < 1e-14)
  }

  @Test func cancellingKeepsTheWeightsOfTheLastFinishedStep() throws {
    let data = try truthTable("xor") { $0 ^ $1 }
    // Batches of 1: 4 steps per epoch; cancel before the 7th step.
    let interrupted = try xorModel(seed: 4)
    var steps = 0
    var g1 = RandomGenerator(seed: 9)
    let history = try Training.fit(
      interrupted, on: data, loss: .mse, optimizer: SGD(learningRate: 0.3),
      options: TrainingOptions(epochs: 100, batchSize: 1), using: &g1,
      shouldCancel: {
        steps += 1
        return steps == 7
      })
    #expect(history.stop == .cancelled(epoch: 2, step: 3))
    #expect(history.epochs == 1)

    // The same run, stopped by hand after 6 steps.
    let reference = try xorModel(seed: 4)
    var g2 = RandomGenerator(seed: 9)
    var asked = 0
    _ = try Training.fit(
      reference, on: data, loss: .mse, optimizer: SGD(learningRate: 0.3),
      options: TrainingOptions(epochs: 100, batchSize: 1), using: &g2,
      shouldCancel: {
        asked += 1
        return asked > 6
      })
    #expect(interrupted.parameters.flatMap(\.scalars) == reference.parameters.flatMap(\.scalars))
  }

  @Test func historyRecordsValidationAndProgress() throws {
    let data = try truthTable("and") { $0 & $1 }
    let net = try xorModel(seed: 6)
    var reports: [EpochReport] = []
    var g = RandomGenerator(seed: 1)
    let history = try Training.fit(
      net, on: data, loss: .bce, optimizer: Adam(learningRate: 0.05),
      options: TrainingOptions(epochs: 50, batchSize: 2, validation: data), using: &g,
      progress: { reports.append($0) })
    #expect(history.loss.count == 50)
    #expect(history.validationLoss.count == 50)
    #expect(history.accuracy.count == 50)
    #expect(history.validationAccuracy.count == 50)
    #expect(reports.map(\.epoch) == Array(1...50))
    #expect(reports.allSatisfy { $0.epochs == 50 && $0.validationLoss != nil })
    // The last validation loss is the loss of the final model on the validation set.
    let final = try Loss.bce(net(data.x), data.y).item()
    #expect(abs(history.validationLoss.last! - final) < 1e-9)
    #expect(history.description.hasPrefix("history · 50 epochs · loss "))
    #expect(history.seconds > 0)
  }

  @Test func plateauLowersTheRateDuringFit() throws {
    // A rate far too large makes the loss stop improving, so the schedule must cut it.
    let data = try truthTable("xor") { $0 ^ $1 }
    let net = try xorModel(seed: 8)
    let opt = try SGD(learningRate: 50)
    var g = RandomGenerator(seed: 1)
    let history = try Training.fit(
      net, on: data, loss: .mse, optimizer: opt,
      options: TrainingOptions(epochs: 200, schedule: PlateauSchedule(factor: 0.5, patience: 3)),
      using: &g)
    #expect(opt.learningRate < 50)
    #expect(history.learningRates.first! == 50)
    #expect(Set(history.learningRates).count > 1)
  }

  @Test func multiClassWithSoftmaxAndCrossEntropy() throws {
    // Three separable clusters on a line; class = which third x falls in.
    let xs: [Double] = (0..<30).map { Double($0) / 10 - 1.5 }
    let data = try Dataset(
      name: "thirds", x: Tensor(xs.map { [$0, 0] }),
      y: Tensor(xs.map { [$0 < -0.5 ? 0 : ($0 < 0.5 ? 1 : 2)] }), classes: 3)
    var g = RandomGenerator(seed: 3)
    let net =
      try Dense(2, 16, activation: .relu, using: &g)
      >> Dense(16, 3, activation: .softmax, using: &g)
    let history = try Training.fit(
      net, on: data, loss: .crossEntropy, optimizer: Adam(learningRate: 0.05),
      options: TrainingOptions(epochs: 300, batchSize: 10), using: &g)
    #expect(try net.accuracy(on: data) > 0.95)
    #expect(history.accuracy.last! > 0.9)
    // The output rows are probabilities: the model ends in a softmax.
    let rows = try net(data.x).sum(axis: 1)
    #expect(rows.scalars.allSatisfy { abs($0 - 1) < 1e-12 })
  }

  @Test func badArgumentsAreErrors() throws {
    let data = try truthTable("xor") { $0 ^ $1 }
    let wrongInputs = try Dense(3, 1)
    #expect(throws: TensorError.self) {
      try Training.fit(wrongInputs, on: data, loss: .mse, optimizer: SGD(learningRate: 0.1))
    }
    let noParameters = ActivationLayer(.relu)
    #expect(throws: TensorError.self) {
      try Training.fit(noParameters, on: data, loss: .mse, optimizer: SGD(learningRate: 0.1))
    }
    #expect(throws: TensorError.self) {
      try Training.fit(
        try Dense(2, 1), on: data, loss: .mse, optimizer: SGD(learningRate: 0.1),
        options: TrainingOptions(batchSize: 0))
    }
    #expect(throws: TensorError.self) { try SGD(learningRate: -1) }
    #expect(throws: TensorError.self) { try SGD(learningRate: 0.1, momentum: 1) }
    #expect(throws: TensorError.self) { try Adam(learningRate: 0) }
  }

  /// d >> d with d(x) = w·x + b: out = w(wx + b) + b, E = out² on x = 1, t = 0. At w = 2,
  /// b = 0: out = 4, ∂E/∂w = 2·out·(2wx + b) = 32 and ∂E/∂b = 2·out·(w + 1) = 24, so one step
  /// of lr 0.01 gives w = 1.68, b = −0.24 — not 1.36 and −0.48, which updating the shared
  /// parameters once per use would give.
  @Test func aLayerUsedTwiceIsUpdatedOnce() throws {
    var g = RandomGenerator(seed: 0)
    let d = try Dense(1, 1, weight: Tensor([[2.0]]), bias: Tensor([0.0]), using: &g)
    let data = try Dataset(name: "one", x: Tensor([[1.0]]), y: Tensor([[0.0]]))
    _ = try Training.fit(
      d >> d, on: data, loss: .mse, optimizer: SGD(learningRate: 0.01),
      options: TrainingOptions(epochs: 1), using: &g)
    #expect(abs(d.weight.scalars[0] - 1.68) < 1e-12)
    #expect(abs(d.bias.scalars[0] + 0.24) < 1e-12)
  }
}
