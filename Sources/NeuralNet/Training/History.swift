import TensorEngine

/// What a training run did, one entry per finished epoch.
public struct History: Sendable, CustomStringConvertible {
  /// Why training ended.
  public enum Stop: Sendable, Equatable {
    /// Every epoch ran.
    case finished
    /// The cancel check answered yes before step `step` (counted from 1) of epoch `epoch`;
    /// the model keeps the weights of the last finished step.
    case cancelled(epoch: Int, step: Int)
    /// Epoch `epoch` ended with a loss that is not finite (`loss`), or with weights that are
    /// not, under the learning rate `learningRate`; it is not in the history, and the model
    /// keeps the weights of the epoch before, as if `epochs` had been `epoch − 1`.
    case diverged(epoch: Int, loss: Double, learningRate: Double)
    /// Early stopping ended the run after epoch `epoch`: the monitored loss had not improved
    /// since epoch `best`. When `restored`, the model has the weights of epoch `best`.
    case early(epoch: Int, best: Int, restored: Bool)
  }

  /// Mean training loss of each epoch, averaged over its minibatches.
  public var loss: [Double] = []
  /// Loss on the validation set after each epoch, when there is one.
  public var validationLoss: [Double] = []
  /// Fraction of training samples classified correctly during each epoch (classification).
  public var accuracy: [Double] = []
  /// Fraction of validation samples classified correctly after each epoch.
  public var validationAccuracy: [Double] = []
  /// The learning rate each epoch ran with.
  public var learningRates: [Double] = []
  /// The number of epochs asked for.
  public var plannedEpochs: Int
  public var stop: Stop = .finished
  /// Wall time of the run in seconds.
  public var seconds: Double = 0
  /// Whether the run was compiled or on the graph, and why; nil for a history not made by
  /// `Training.fit`.
  public var path: TrainingPath?

  public init(plannedEpochs: Int) {
    self.plannedEpochs = plannedEpochs
  }

  /// The number of finished epochs.
  public var epochs: Int { loss.count }

  /// `history · 3000 epochs · loss 0.0021 · accuracy 1 · compiled`, or at the end
  /// `graph (the loss my_mse is a user function)` when it trained on the graph.
  public var description: String {
    var parts = ["history · \(epochs) epoch" + (epochs == 1 ? "" : "s")]
    if let last = loss.last { parts.append("loss \(formatMetric(last))") }
    if let last = validationLoss.last { parts.append("val_loss \(formatMetric(last))") }
    if let last = accuracy.last { parts.append("accuracy \(formatMetric(last))") }
    if let last = validationAccuracy.last { parts.append("val_accuracy \(formatMetric(last))") }
    if case .cancelled(let epoch, let step) = stop {
      parts.append("interrupted in epoch \(epoch) before step \(step)")
    }
    if case .diverged(let epoch, _, _) = stop { parts.append("diverged in epoch \(epoch)") }
    if case .early(let epoch, let best, _) = stop {
      parts.append("stopped early after epoch \(epoch) (best \(best))")
    }
    if let path { parts.append(path.description) }
    return parts.joined(separator: " · ")
  }
}

/// A metric with 4 significant digits, as training reports show them: `0.002134`, `1`.
public func formatMetric(_ value: Double) -> String {
  TensorFormatter(digits: 4).format(value)
}
