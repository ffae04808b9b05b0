import Foundation

extension Tensor {
  /// The softmax along `axis` (the last by default), shifted by the maximum so that exp
  /// never overflows:
  ///
  /// ```
  /// softmax(x)_i = e^(x_i − max x) / Σ_j e^(x_j − max x)
  /// ∂L/∂x = y ⊙ (g − Σ_j g_j y_j)
  /// ```
  public func softmax(axis: Int = -1) throws -> Tensor {
    try normalized(axis: axis, log: false)
  }

  /// The logarithm of the softmax, computed without forming the softmax:
  ///
  /// ```
  /// log_softmax(x)_i = x_i − max x − log Σ_j e^(x_j − max x)
  /// ∂L/∂x = g − softmax(x) · Σ_j g_j
  /// ```
  public func logSoftmax(axis: Int = -1) throws -> Tensor {
    try normalized(axis: axis, log: true)
  }

  private func normalized(axis: Int, log takeLog: Bool) throws -> Tensor {
    if rank == 0 { return try Tensor(shape: [], scalars: [takeLog ? 0 : 1]) }
    let a = try Shape.axis(axis, rank: rank)
    let outer = shape[..<a].reduce(1, *)
    let n = shape[a]
    let inner = shape[(a + 1)...].reduce(1, *)
    var out = scalars
    out.withUnsafeMutableBufferPointer { y in
      for o in 0..<outer {
        for i in 0..<inner {
          let base = o * n * inner + i
          var top = -Double.infinity
          for k in 0..<n { top = Swift.max(top, y[base + k * inner]) }
          if !top.isFinite { top = 0 }
          var total = 0.0
          for k in 0..<n {
            let e = Foundation.exp(y[base + k * inner] - top)
            total += e
            if !takeLog { y[base + k * inner] = e }
          }
          if takeLog {
            let shift = top + Foundation.log(total)
            for k in 0..<n { y[base + k * inner] -= shift }
          } else {
            for k in 0..<n { y[base + k * inner] /= total }
          }
        }
      }
    }
    let y = Tensor(unchecked: shape, out)
    guard requiresGrad else { return y }
    return y.recorded(from: [self]) { [unowned y] g in
      var dx = g.scalars
      y.scalars.withUnsafeBufferPointer { py in
        dx.withUnsafeMutableBufferPointer { d in
          for o in 0..<outer {
            for i in 0..<inner {
              let base = o * n * inner + i
              var dot = 0.0
              for k in 0..<n {
                dot += takeLog ? d[base + k * inner] : d[base + k * inner] * py[base + k * inner]
              }
              for k in 0..<n {
                let j = base + k * inner
                d[j] = takeLog ? d[j] - Foundation.exp(py[j]) * dot : py[j] * (d[j] - dot)
              }
            }
          }
        }
      }
      return [Tensor(unchecked: g.shape, dx)]
    }
  }
}
