/// The trigonometric functions, elementwise, in radians as numpy's `sin`, `cos`, `tan`.
extension Tensor {
  /// sin x; derivative cos x.
  public func sin() -> Tensor { apply(.sin) }

  /// cos x; derivative −sin x.
  public func cos() -> Tensor { apply(.cos) }

  /// tan x; derivative 1 / cos² x = 1 + tan² x.
  public func tan() -> Tensor { apply(.tan) }
}
