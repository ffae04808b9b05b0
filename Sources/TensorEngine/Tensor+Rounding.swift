import Foundation

/// Rounding to whole numbers, elementwise. Each is a step function: its gradient is zero.
extension Tensor {
  /// The largest whole number ≤ x.
  public func floor() -> Tensor {
    mapped({ $0.rounded(.down) }, derivative: nil)
  }

  /// The smallest whole number ≥ x.
  public func ceil() -> Tensor {
    mapped({ $0.rounded(.up) }, derivative: nil)
  }

  /// The nearest whole number, halves to the even one (0.5 → 0, 1.5 → 2, 2.5 → 2) as numpy's
  /// `round` and PyTorch's `round` do: rounding halves up would bias a sum upward.
  public func round() -> Tensor {
    mapped({ $0.rounded(.toNearestOrEven) }, derivative: nil)
  }
}
