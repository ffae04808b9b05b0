import NeuralNet
import TensorEngine

extension Arguments {
  /// The `epochs:` of a training run: a whole number from `minimum` to `Training.maxEpochs`,
  /// 100 when left out. Checked here, by the engine's own rule, so that the error points at
  /// the argument.
  func epochs(atLeast minimum: Int) throws -> Int {
    let n = try int("epochs", atLeast: minimum, default: 100)
    do {
      try Training.checkEpochs(n, atLeast: minimum)
    } catch let refusal as TensorError {
      throw error("epochs", refusal.message)
    }
    return n
  }
}
