import TensorEngine

/// Stops training when the monitored loss has not improved for `patience` epochs, and with
/// `restoresBest` puts back the weights of the best epoch — bitwise those a run of exactly
/// that many epochs ends with.
///
/// The monitored loss is the validation loss when the fit has a validation set, else the
/// training loss (as `PlateauSchedule` monitors). An epoch improves when its loss is below
/// the best so far (Keras's `EarlyStopping` with `min_delta=0`); training stops after epoch
/// e when e − best ≥ patience. It keeps no state between fits.
public struct EarlyStopping: Sendable, CustomStringConvertible {
  public let patience: Int
  public let restoresBest: Bool

  public init(patience: Int = 10, restoresBest: Bool = true) throws {
    guard patience >= 0 else {
      throw TensorError(.argument, "early stopping's patience must be ≥ 0, not \(patience)")
    }
    self.patience = patience
    self.restoresBest = restoresBest
  }

  /// The best epoch of one run so far.
  struct Watch {
    private(set) var best = Double.infinity
    private(set) var bestEpoch = 0

    /// Records epoch `epoch`'s monitored loss; returns whether it is the best so far.
    mutating func record(_ loss: Double, epoch: Int) -> Bool {
      guard loss < best else { return false }
      (best, bestEpoch) = (loss, epoch)
      return true
    }
  }

  public var description: String {
    "early stopping · patience \(patience)" + (restoresBest ? " · restores the best weights" : "")
  }
}
