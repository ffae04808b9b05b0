/// Rounding to whole numbers, elementwise. Each is a step function: its gradient is zero,
/// recorded all the same, so that a parameter behind it gets zeros rather than no gradient.
extension Tensor {
  /// The largest whole number ≤ x.
  public func floor() -> Tensor { apply(.floor) }

  /// The smallest whole number ≥ x.
  public func ceil() -> Tensor { apply(.ceil) }

  /// The nearest whole number, halves to the even one (0.5 → 0, 1.5 → 2, 2.5 → 2) as numpy's
  /// `round` and PyTorch's `round` do: rounding halves up would bias a sum upward.
  public func round() -> Tensor { apply(.round) }
}
