import TensorEngine

/// Divides the learning rate by a factor when the monitored loss (validation loss when
/// there is a validation set, else training loss) has not improved for `patience` epochs —
/// the "divide by 10 on plateau" of AlexNet.
///
/// An epoch improves when `loss < best · (1 − threshold)`. As in PyTorch's
/// ReduceLROnPlateau, the new rate is `max(rate · factor, minimumRate)`, and a reduction
/// smaller than `epsilon` (1e−8) is skipped, so the rate settles instead of shrinking
/// towards 0 for ever.
public final class PlateauSchedule: CustomStringConvertible {
  public let factor: Double
  public let patience: Int
  public let threshold: Double
  /// The rate is never lowered below this (default 0, as PyTorch's `min_lr`).
  public let minimumRate: Double
  /// Reductions of the rate smaller than this are skipped (PyTorch's `eps`).
  public static let epsilon = 1e-8
  private var best = Double.infinity
  private var waited = 0

  public init(
    factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4, minimumRate: Double = 0
  ) throws {
    guard factor > 0, factor < 1 else {
      throw TensorError(.argument, "plateau factor must be between 0 and 1, not \(factor)")
    }
    guard patience >= 0 else {
      throw TensorError(.argument, "plateau patience must be ≥ 0, not \(patience)")
    }
    guard minimumRate >= 0, minimumRate.isFinite else {
      throw TensorError(
        .argument, "plateau min_lr must be a number ≥ 0, not \(formatMetric(minimumRate))")
    }
    self.factor = factor
    self.patience = patience
    self.threshold = threshold
    self.minimumRate = minimumRate
  }

  /// Records one epoch's loss and lowers the optimizer's rate when the plateau has lasted
  /// longer than the patience. Returns whether it lowered the rate.
  @discardableResult
  public func update(loss: Double, optimizer: any Optimizer) -> Bool {
    if loss < best * (1 - threshold) || best == .infinity {
      best = loss
      waited = 0
      return false
    }
    waited += 1
    guard waited > patience else { return false }
    waited = 0
    let lowered = Swift.max(minimumRate, optimizer.learningRate * factor)
    guard optimizer.learningRate - lowered > Self.epsilon else { return false }
    optimizer.learningRate = lowered
    return true
  }

  /// Forgets the best loss seen, for a new training run.
  public func reset() {
    best = .infinity
    waited = 0
  }

  public var description: String {
    "plateau · factor \(factor) · patience \(patience)"
      + (minimumRate > 0 ? " · min_lr \(minimumRate)" : "")
  }
}
