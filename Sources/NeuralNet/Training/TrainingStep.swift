import TensorEngine

/// One way of running `Training.fit`'s steps: on the graph (`GraphStep`) or compiled
/// (`CompiledNetwork`). `fit` chooses one before its loop and the loop is the same for both.
protocol TrainingStep: AnyObject {
  /// One step on the samples at `rows` of the data (all, in order, when nil): the batch's
  /// mean loss and, for classification, how many samples the model classified correctly
  /// before the update. A loss that is not finite is returned without an update.
  func step(rows: ArraySlice<Int>?, count: Int) throws -> (loss: Double, correct: Int)

  /// Keeps the weights as they are now when every one is finite; returns whether they were.
  func checkpoint() -> Bool

  /// Puts back the weights of the last `checkpoint`.
  func rollback()

  /// Keeps the weights as they are now as the best (early stopping's `restore`).
  func keepBest()

  /// Makes the weights those of the last `keepBest`.
  func restoreBest()

  /// Makes the model's parameters hold the current weights (before validation and progress).
  func storeWeights()

  /// Leaves the model and optimizer as a graph run would (weights, gradients, moments).
  func store()
}

/// The path a training run took, which its history reports.
public enum TrainingPath: Sendable, Equatable, CustomStringConvertible {
  /// Every part had a compiled form: flat buffers, no graph.
  case compiled
  /// On the graph, because of `reason`: "the loss my_mse is a user function".
  case graph(reason: String)

  /// `compiled`, `graph (the loss my_mse is a user function)`.
  public var description: String {
    switch self {
    case .compiled: "compiled"
    case .graph(let reason): "graph (\(reason))"
    }
  }
}
