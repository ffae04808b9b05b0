import TensorEngine

extension Training {
  /// The most epochs one run of `fit` (or of the perceptron rule) may be asked for. A run
  /// keeps a few numbers per finished epoch, so a count like 1e12 would fill memory long
  /// before it finished; longer training is several runs, each going on from the weights
  /// the last one left.
  public static let maxEpochs = 10_000_000

  /// Refuses an epoch count below `minimum` or above `maxEpochs`.
  public static func checkEpochs(_ epochs: Int, atLeast minimum: Int) throws {
    guard epochs >= minimum else {
      throw TensorError(.argument, "epochs must be ≥ \(minimum), not \(epochs)")
    }
    guard epochs <= maxEpochs else {
      throw TensorError(
        .argument,
        "epochs must be at most \(maxEpochs) (10 million), not \(epochs); to train longer, "
          + "call fit again: it goes on from the weights the last run left")
    }
  }
}
