import Foundation

/// The trigonometric functions, elementwise, in radians as numpy's `sin`, `cos`, `tan`.
extension Tensor {
  /// sin x; derivative cos x.
  public func sin() -> Tensor {
    mapped(Foundation.sin) { x in Foundation.cos(x) }
  }

  /// cos x; derivative −sin x.
  public func cos() -> Tensor {
    mapped(Foundation.cos) { x in -Foundation.sin(x) }
  }

  /// tan x; derivative 1 / cos² x = 1 + tan² x.
  public func tan() -> Tensor {
    mapped(Foundation.tan) { x in
      let c = Foundation.cos(x)
      return 1 / (c * c)
    }
  }

  /// `f` applied to every element. The gradient is g · f′(x), or zero everywhere when
  /// `derivative` is nil (a step-like function: floor, round). A zero gradient is still
  /// recorded, so that a parameter behind it gets zeros rather than no gradient at all.
  func mapped(_ f: (Double) -> Double, derivative: ((Double) -> Double)?) -> Tensor {
    let x = self
    let y = Tensor(
      unchecked: shape,
      x.mapBuffer { input, output in
        for i in 0..<input.count { output[i] = f(input[i]) }
      })
    guard requiresGrad else { return y }
    guard let derivative else {
      return y.recorded(from: [x]) { _ in
        [Tensor(unchecked: x.shape, [Double](repeating: 0, count: x.count))]
      }
    }
    return y.recorded(from: [x]) { g in
      [
        Tensor(
          unchecked: x.shape,
          [Double](unsafeUninitializedCapacity: x.count) { dx, initialized in
            for i in 0..<x.count { dx[i] = g.scalars[i] * derivative(x.scalars[i]) }
            initialized = x.count
          })
      ]
    }
  }
}
