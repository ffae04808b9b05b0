import ArgumentParser
import Foundation
import NeuralNet
import TensorEngine

/// The `gradbook` command. Until the REPL arrives it runs the engine's demo: the perceptron
/// failing on XOR, then a two-layer network learning it.
@main
struct Gradbook: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradbook",
    abstract: "A notebook-style REPL for deep learning.",
    discussion: """
      This build holds the engine: tensors, autodiff, layers and training. Run without \
      arguments, it shows the engine at work on XOR. The language, REPL, plots and notebooks \
      come next.
      """,
    version: "0.1.0")

  @Option(help: "Seed of the random generator.")
  var seed: UInt64 = 42

  @Option(help: "Training epochs for the XOR network.")
  var epochs: Int = 3000

  @Option(help: "Learning rate of plain SGD.")
  var lr: Double = 0.5

  func validate() throws {
    guard epochs >= 1, epochs <= 10_000_000 else {
      throw ValidationError("--epochs must be between 1 and 10000000")
    }
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number") }
  }

  func run() throws {
    do {
      let stop = try XorDemo(seed: seed, epochs: epochs, learningRate: lr).run()
      // An interrupted run exits as a shell expects of Ctrl-C.
      if stop != .finished { throw ExitCode(130) }
    } catch let error as TensorError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      throw ExitCode.failure
    }
  }
}
