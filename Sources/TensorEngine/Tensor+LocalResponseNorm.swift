import Foundation

extension Tensor {
  /// Local response normalisation across `axis` (the channels), in the form of the AlexNet
  /// paper: each value divided by a power of the sum of squares of its neighbouring channels,
  ///
  /// ```
  /// b_c = a_c / D_c^β,   D_c = k + α Σ_{c' ∈ W(c)} a_{c'}²
  /// W(c) = c − ⌊size/2⌋ … c + ⌊(size − 1)/2⌋, clipped to the channels
  /// ∂L/∂a_j = g_j D_j^−β − 2αβ a_j Σ_{c : j ∈ W(c)} g_c a_c D_c^(−β−1)
  /// ```
  /// An even `size` reaches one channel further down than up, as PyTorch's
  /// `LocalResponseNorm` does. PyTorch and Caffe divide their α by `size`: their α is
  /// `size` times this one.
  public func localResponseNorm(
    size: Int, alpha: Double, beta: Double, k: Double, axis: Int = 1
  ) throws -> Tensor {
    guard size >= 1 else {
      throw TensorError(.argument, "lrn's size must be at least 1, not \(size)")
    }
    guard k > 0, k.isFinite, alpha >= 0, alpha.isFinite, beta.isFinite else {
      throw TensorError(
        .argument,
        "lrn needs k > 0, alpha ≥ 0 and a finite beta (so that k + α Σ a² stays positive), "
          + "not k = \(k), alpha = \(alpha), beta = \(beta)")
    }
    let a = try Shape.axis(axis, rank: rank)
    // The output and the denominators kept for the pullback.
    try Tensor.checkMemory(elements: 2 * count)
    let outer = shape[..<a].reduce(1, *)
    let channels = shape[a]
    let inner = shape[(a + 1)...].reduce(1, *)
    let below = size / 2
    let above = (size - 1) / 2
    // D for every value, kept for the pullback.
    var d = [Double](repeating: 0, count: count)
    var out = [Double](repeating: 0, count: count)
    scalars.withUnsafeBufferPointer { x in
      for o in 0..<outer {
        for i in 0..<inner {
          let base = o * channels * inner + i
          for c in 0..<channels {
            var sum = 0.0
            for c2 in Swift.max(0, c - below)...Swift.min(channels - 1, c + above) {
              let v = x[base + c2 * inner]
              sum += v * v
            }
            let j = base + c * inner
            d[j] = k + alpha * sum
            out[j] = x[j] * Foundation.pow(d[j], -beta)
          }
        }
      }
    }
    let y = Tensor(unchecked: shape, out)
    guard requiresGrad else { return y }
    return y.recorded(from: [self]) { [scalars] g in
      var dx = [Double](repeating: 0, count: g.count)
      // q_c = g_c a_c D_c^(−β−1), summed over the windows that hold each j.
      var q = [Double](repeating: 0, count: g.count)
      for j in 0..<g.count {
        q[j] = g.scalars[j] * scalars[j] * Foundation.pow(d[j], -beta - 1)
      }
      for o in 0..<outer {
        for i in 0..<inner {
          let base = o * channels * inner + i
          for jc in 0..<channels {
            // j ∈ W(c) ⇔ c − below ≤ j ≤ c + above ⇔ j − above ≤ c ≤ j + below.
            var sum = 0.0
            for c in Swift.max(0, jc - above)...Swift.min(channels - 1, jc + below) {
              sum += q[base + c * inner]
            }
            let j = base + jc * inner
            dx[j] =
              g.scalars[j] * Foundation.pow(d[j], -beta) - 2 * alpha * beta * scalars[j] * sum
          }
        }
      }
      return [Tensor(unchecked: g.shape, dx)]
    }
  }
}
