import Foundation
import NeuralNet
import TensorEngine

/// The lecture in a minute: a perceptron cannot learn XOR, one hidden layer can.
struct XorDemo {
  let seed: UInt64
  let epochs: Int
  let learningRate: Double

  /// Runs the demo and says whether training finished or was interrupted.
  func run() throws -> History.Stop {
    RandomGenerator.seed(seed)
    let data = Dataset.xor()
    print(data)

    let perceptron = try Perceptron(inputs: 2)
    let result = try perceptron.train(on: data, learningRate: 1, maxEpochs: 100)
    print("\(perceptron): \(result)")

    // Ctrl-C stops training at the next step; the network keeps its last finished step.
    listenForInterrupts()
    defer { signal(SIGINT, SIG_DFL) }
    let net = try Dense(2, 4, activation: .tanh) >> Dense(4, 1, activation: .sigmoid)
    print(net)
    let live = isatty(STDOUT_FILENO) == 1
    var lastDraw = -1.0
    let history = try Training.fit(
      net, on: data, loss: .mse, optimizer: SGD(learningRate: learningRate),
      options: TrainingOptions(epochs: epochs),
      progress: { report in
        // One live line on a terminal, redrawn at most 10 times a second.
        guard live, report.elapsed - lastDraw >= 0.1 || report.epoch == report.epochs else {
          return
        }
        lastDraw = report.elapsed
        print(
          "\r\u{1B}[Kepoch \(report.epoch)/\(report.epochs) · loss \(formatMetric(report.loss))"
            + String(format: " · %.1f s · Ctrl-C stops", report.elapsed),
          terminator: "")
        fflush(nil)  // all output streams; `stdout` itself is not concurrency-safe in Swift 6
      },
      shouldCancel: { interrupted.load(ordering: .relaxed) })
    if live { print("\r\u{1B}[K", terminator: "") }
    if case .cancelled(let epoch, let step) = history.stop {
      print("interrupted in epoch \(epoch) before step \(step); the model keeps its last step")
    }
    print(
      "epoch \(history.epochs)/\(epochs) · loss \(formatMetric(history.loss.last ?? .nan)) · "
        + String(format: "%.2f s", history.seconds))
    let output = try net(data.x)
    print(output)
    let accuracy = try net.accuracy(on: data)
    print("accuracy \(formatMetric(accuracy))")
    return history.stop
  }
}
