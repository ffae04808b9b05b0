import NeuralNet

extension Arguments {
  /// The `epochs:` of a training run: a whole number from `minimum` to `Training.maxEpochs`,
  /// 100 when left out. Checked here so that the error points at the argument.
  func epochs(atLeast minimum: Int) throws -> Int {
    let n = try int("epochs", atLeast: minimum, default: 100)
    guard n <= Training.maxEpochs else {
      throw error(
        "epochs",
        "epochs must be at most \(Training.maxEpochs) (10 million), not \(n); to train longer, "
          + "call fit again: it goes on from the weights the last run left")
    }
    return n
  }
}
