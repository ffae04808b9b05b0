import Foundation
import NeuralNet
import TensorEngine
import Testing

/// Training that diverges stops at the epoch whose loss (or weights) stop being finite, and
/// leaves the model as a run of one epoch fewer would: on the compiled path and the graph.
@Suite struct DivergenceTests {
  /// y = 3x on five points. Full-batch SGD on mse multiplies the error of w by
  /// (1 − 2η·mean(x²)) = (1 − 4η) each step, so η = 2 blows up by a factor 7 an epoch and
  /// overflows to inf within a few hundred epochs.
  func line() throws -> Dataset {
    let xs: [Double] = [-2, -1, 0, 1, 2]
    return try Dataset(
      name: "line", x: Tensor(xs.map { [$0] }), y: Tensor(xs.map { [3 * $0] }))
  }

  func model() throws -> Dense {
    var g = RandomGenerator(seed: 0)
    return try Dense(1, 1, weight: Tensor([[0.5]]), bias: Tensor([0.25]), using: &g)
  }

  func train(epochs: Int, batch: Int?, compiled: Bool) throws -> (Dense, History) {
    let net = try model()
    var g = RandomGenerator(seed: 1)
    let history = try Training.fit(
      net, on: line(), loss: .mse, optimizer: SGD(learningRate: 2),
      options: TrainingOptions(
        epochs: epochs, batchSize: batch, shuffle: false, compiled: compiled),
      using: &g)
    return (net, history)
  }

  @Test(arguments: [(true, nil), (false, nil), (true, 2), (false, 2)] as [(Bool, Int?)])
  func aDivergingRunStopsAndKeepsTheWeightsOfTheLastFiniteEpoch(compiled: Bool, batch: Int?)
    throws
  {
    let (net, history) = try train(epochs: 100_000, batch: batch, compiled: compiled)
    guard case .diverged(let epoch, let loss, let rate) = history.stop else {
      Issue.record("did not stop as diverged: \(history.stop)")
      return
    }
    #expect(!loss.isFinite)
    #expect(rate == 2)
    // Every recorded epoch is finite, and there is one fewer than the epoch that diverged.
    #expect(history.epochs == epoch - 1)
    #expect(history.loss.allSatisfy { $0.isFinite })
    #expect(epoch > 10 && epoch < 2000)
    // Exactly the weights of a run asked for the finite epochs only.
    let (reference, finished) = try train(epochs: epoch - 1, batch: batch, compiled: compiled)
    #expect(finished.stop == .finished)
    #expect(net.weight.scalars == reference.weight.scalars)
    #expect(net.bias.scalars == reference.bias.scalars)
    #expect(net.weight.scalars.allSatisfy { $0.isFinite })
    #expect(history.loss == finished.loss)
  }

  @Test func theCompiledRunAndTheGraphDivergeAtTheSameEpoch() throws {
    let (_, compiled) = try train(epochs: 100_000, batch: nil, compiled: true)
    let (_, graph) = try train(epochs: 100_000, batch: nil, compiled: false)
    #expect(compiled.epochs == graph.epochs)
    #expect(compiled.epochs > 0)
  }

  @Test func aRunThatDivergesInItsFirstEpochKeepsTheInitialWeights() throws {
    let net = try model()
    let data = try Dataset(
      name: "huge", x: Tensor([[1e200], [-1e200]]), y: Tensor([[0.0], [1.0]]))
    var g = RandomGenerator(seed: 1)
    let history = try Training.fit(
      net, on: data, loss: .mse, optimizer: SGD(learningRate: 0.1),
      options: TrainingOptions(epochs: 5), using: &g)
    guard case .diverged(1, _, _) = history.stop else {
      Issue.record("\(history.stop)")
      return
    }
    #expect(history.epochs == 0)
    #expect(net.weight.scalars == [0.5])
    #expect(net.bias.scalars == [0.25])
  }

  /// A finite loss whose update overflows the weights: sigmoid(0) = 0.5 against a target 1
  /// gives ∂E/∂w = 2(0.5 − 1) · 0.25 · 100 = −25, and 1e308 · 25 is inf. The next loss would
  /// still be finite (sigmoid(inf) = 1), so the weights themselves are checked.
  @Test(arguments: [true, false])
  func weightsThatOverflowUnderAFiniteLossAreCaughtToo(compiled: Bool) throws {
    var g = RandomGenerator(seed: 0)
    let net = try Dense(
      1, 1, activation: .sigmoid, weight: Tensor([[0.0]]), bias: Tensor([0.0]), using: &g)
    let data = try Dataset(name: "far", x: Tensor([[100.0]]), y: Tensor([[1.0]]))
    let history = try Training.fit(
      net, on: data, loss: .mse, optimizer: SGD(learningRate: 1e308),
      options: TrainingOptions(epochs: 3, compiled: compiled), using: &g)
    guard case .diverged(1, let loss, _) = history.stop else {
      Issue.record("\(history.stop)")
      return
    }
    #expect(loss == 0.25)
    #expect(net.weight.scalars == [0])
    #expect(net.bias.scalars == [0])
  }

  @Test func plateauNeverGoesBelowItsMinimumRate() throws {
    let sgd = try SGD(learningRate: 1)
    let schedule = try PlateauSchedule(factor: 0.1, patience: 0, minimumRate: 0.005)
    // Patience 0: every epoch without improvement lowers the rate: 0.1, 0.01, then 0.005
    // (not 0.001), then it stays.
    var rates: [Double] = []
    for _ in 0..<6 {
      schedule.update(loss: 1, optimizer: sgd)
      rates.append(sgd.learningRate)
    }
    #expect(zip(rates, [1, 0.1, 0.01, 0.005, 0.005, 0.005]).allSatisfy { abs($0 - $1) < 1e-15 })
    #expect(throws: TensorError.self) { _ = try PlateauSchedule(minimumRate: -1) }
  }

  @Test func plateauWithoutAMinimumStopsAtPyTorchsEpsilon() throws {
    let sgd = try SGD(learningRate: 1)
    let schedule = try PlateauSchedule(factor: 0.1, patience: 0)
    for _ in 0..<40 { schedule.update(loss: 1, optimizer: sgd) }
    // PyTorch skips a reduction smaller than eps = 1e-8: from 1e-8, 1e-9 would be one.
    #expect(abs(sgd.learningRate - 1e-8) < 1e-20)
  }
}
