import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// `fit(…, stop: early(patience:, restore:))`: where it stops, the weights it restores (a
/// run of exactly the best epoch's length), on both paths and with a plateau schedule.
@Suite struct EarlyStoppingTests {
  /// XOR to train on; validation has one label wrong, so that its loss falls while the
  /// model learns the other three and rises once it grows sure of the fourth.
  func problem() throws -> (train: Dataset, validation: Dataset) {
    let train = try truthTable("xor") { $0 ^ $1 }
    let validation = try truthTable("xor?") { a, b in a == 1 && b == 1 ? 1 : a ^ b }
    return (train, validation)
  }

  func run(
    epochs: Int, stop: EarlyStopping?, compiled: Bool = true, plateau: Bool = false
  ) throws -> (weights: [Double], history: History) {
    let (train, val) = try problem()
    var g = RandomGenerator(seed: 4)
    let net =
      try Dense(2, 6, activation: .tanh, using: &g)
      >> Dense(6, 1, activation: .sigmoid, using: &g)
    var shuffle = RandomGenerator(seed: 9)
    let history = try Training.fit(
      net, on: train, loss: .bce, optimizer: try SGD(learningRate: 0.5, momentum: 0.5),
      options: TrainingOptions(
        epochs: epochs, batchSize: 2, validation: val,
        schedule: plateau ? try PlateauSchedule(factor: 0.5, patience: 2, minimumRate: 0.125) : nil,
        compiled: compiled, earlyStopping: stop),
      using: &shuffle)
    return (net.parameters.flatMap(\.scalars), history)
  }

  @Test func stopsAfterPatienceAndRestoresTheBestEpochBitwise() throws {
    for compiled in [true, false] {
      for plateau in [false, true] {
        let stopped = try run(
          epochs: 2000, stop: try EarlyStopping(patience: 10), compiled: compiled,
          plateau: plateau)
        guard case .early(let epoch, let best, let restored) = stopped.history.stop else {
          Issue.record("no early stop: \(stopped.history.stop)")
          continue
        }
        #expect(restored)
        #expect(epoch == best + 10)
        #expect(stopped.history.epochs == epoch)
        #expect(best > 1, "the validation loss fell at first")
        // The schedule watched the same plateau and lowered the rate on it, to its min_lr.
        let rates = stopped.history.learningRates
        #expect(plateau ? Set(rates).count > 1 && rates.min() == 0.125 : Set(rates) == [0.5])
        // The best epoch's validation loss is the lowest, and none after it is lower.
        let losses = stopped.history.validationLoss
        #expect(losses.min() == losses[best - 1])
        #expect(losses.firstIndex(of: losses.min()!) == best - 1)
        // Exactly that many epochs give the same weights, bit for bit.
        let exact = try run(epochs: best, stop: nil, compiled: compiled, plateau: plateau)
        #expect(exact.weights == stopped.weights)
        #expect(exact.history.stop == .finished)
        #expect(
          stopped.history.description.contains(
            "stopped early after epoch \(epoch) (best \(best))"))
        #expect(
          stopped.history.path
            == (compiled ? .compiled : .graph(reason: "compiled training is turned off")))
      }
    }
  }

  @Test func withoutRestoreTheModelKeepsItsLastEpoch() throws {
    let stopped = try run(epochs: 2000, stop: try EarlyStopping(patience: 5, restoresBest: false))
    guard case .early(let epoch, _, let restored) = stopped.history.stop else {
      Issue.record("no early stop")
      return
    }
    #expect(!restored)
    #expect(try run(epochs: epoch, stop: nil).weights == stopped.weights)
  }

  @Test func withoutValidationItWatchesTheTrainingLoss() throws {
    // A rate so small that the weights do not move: the training loss never improves on
    // the first epoch's, so training stops after 1 + patience epochs.
    let data = try truthTable("xor") { $0 ^ $1 }
    var g = RandomGenerator(seed: 4)
    let net = try Dense(2, 1, activation: .sigmoid, using: &g)
    let history = try Training.fit(
      net, on: data, loss: .bce, optimizer: try SGD(learningRate: 1e-300),
      options: TrainingOptions(epochs: 100, earlyStopping: try EarlyStopping(patience: 3)),
      using: &g)
    #expect(history.stop == .early(epoch: 4, best: 1, restored: true))
    #expect(history.epochs == 4)
    // Full-batch gradient descent with a small rate lowers the loss every epoch: it runs
    // to the end.
    let steady = try Dense(2, 1, activation: .sigmoid, using: &g)
    let learning = try Training.fit(
      steady, on: data, loss: .bce, optimizer: try SGD(learningRate: 0.1),
      options: TrainingOptions(epochs: 50, earlyStopping: try EarlyStopping(patience: 0)),
      using: &g)
    #expect(zip(learning.loss, learning.loss.dropFirst()).allSatisfy { $1 < $0 })
    #expect(learning.stop == .finished)
    #expect(learning.epochs == 50)
  }

  @Test func patienceMustNotBeNegative() {
    #expect(throws: TensorError.self) { try EarlyStopping(patience: -1) }
  }
}
