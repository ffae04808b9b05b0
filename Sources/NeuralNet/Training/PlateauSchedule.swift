import TensorEngine

/// Divides the learning rate by a factor when the monitored loss (validation loss when
/// there is a validation set, else training loss) has not improved for `patience` epochs —
/// the "divide by 10 on plateau" of AlexNet.
///
/// An epoch improves when `loss < best · (1 − threshold)`.
public final class PlateauSchedule: CustomStringConvertible {
  public let factor: Double
  public let patience: Int
  public let threshold: Double
  public let minimumRate: Double
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
    guard lowered < optimizer.learningRate else { return false }
    optimizer.learningRate = lowered
    return true
  }

  /// Forgets the best loss seen, for a new training run.
  public func reset() {
    best = .infinity
    waited = 0
  }

  public var description: String { "plateau · factor \(factor) · patience \(patience)" }
}
