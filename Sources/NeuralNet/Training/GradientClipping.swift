import TensorEngine

/// Gradient clipping by global norm, as PyTorch's `clip_grad_norm_`:
///
/// ```
/// total = √(Σ_p Σ_i grad_p,i²)      if total > max:  grad_p ← grad_p · max / (total + 1e-6)
/// ```
/// Recurrent nets need it: back-propagating through many steps multiplies by the same
/// recurrent weights again and again, and a gradient that explodes once throws the weights
/// far away. Scaling all gradients together keeps their direction.
public enum GradientClipping {
  /// Scales the gradients of `parameters` in place so that their global norm is at most
  /// `maxNorm`; returns the norm before clipping. Parameters without a gradient count 0.
  @discardableResult
  public static func clip(_ parameters: [Tensor], maxNorm: Double) throws -> Double {
    var sum = 0.0
    for p in parameters {
      guard let g = p.grad else { continue }
      for v in g.scalars { sum += v * v }
    }
    let total = sum.squareRoot()
    guard total > maxNorm else { return total }
    let scale = maxNorm / (total + 1e-6)
    for p in parameters {
      guard let g = p.grad else { continue }
      p.grad = try Tensor(shape: g.shape, scalars: g.scalars.map { $0 * scale })
    }
    return total
  }
}
