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
    // No slices to normalise, however many empty ones the other axes count.
    if count == 0 { return Tensor(unchecked: shape, []) }
    let outer = shape[..<a].reduce(1, *)
    let n = shape[a]
    let inner = shape[(a + 1)...].reduce(1, *)
    var out = scalars
    out.withUnsafeMutableBufferPointer { y in
      guard let base = y.baseAddress else { return }
      for o in 0..<outer {
        for i in 0..<inner {
          Tensor.softmaxSlice(base + o * n * inner + i, count: n, stride: inner, log: takeLog)
        }
      }
    }
    let y = Tensor(unchecked: shape, out)
    guard requiresGrad else { return y }
    return y.recorded(from: [self]) { [unowned y] g in
      var dx = g.scalars
      y.scalars.withUnsafeBufferPointer { py in
        dx.withUnsafeMutableBufferPointer { d in
          guard let pd = d.baseAddress, let py = py.baseAddress else { return }
          for o in 0..<outer {
            for i in 0..<inner {
              let start = o * n * inner + i
              Tensor.softmaxSliceBackward(
                pd + start, output: py + start, count: n, stride: inner, log: takeLog)
            }
          }
        }
      }
      return [Tensor(unchecked: g.shape, dx)]
    }
  }

  /// The softmax (or log-softmax) of the `n` values `y[0], y[stride], …`, in place, shifted
  /// by their maximum so that exp never overflows.
  public static func softmaxSlice(
    _ y: UnsafeMutablePointer<Double>, count n: Int, stride: Int, log takeLog: Bool
  ) {
    var top = -Double.infinity
    for k in 0..<n { top = Swift.max(top, y[k * stride]) }
    if !top.isFinite { top = 0 }
    var total = 0.0
    for k in 0..<n {
      let e = Foundation.exp(y[k * stride] - top)
      total += e
      if !takeLog { y[k * stride] = e }
    }
    if takeLog {
      let shift = top + Foundation.log(total)
      for k in 0..<n { y[k * stride] -= shift }
    } else {
      for k in 0..<n { y[k * stride] /= total }
    }
  }

  /// The pullback of `softmaxSlice` in place: `d ← y ⊙ (d − Σ_j d_j y_j)` for the softmax,
  /// `d ← d − e^y · Σ_j d_j` for the log-softmax, where `y` is the slice's output.
  public static func softmaxSliceBackward(
    _ d: UnsafeMutablePointer<Double>, output y: UnsafePointer<Double>, count n: Int, stride: Int,
    log takeLog: Bool
  ) {
    var dot = 0.0
    for k in 0..<n { dot += takeLog ? d[k * stride] : d[k * stride] * y[k * stride] }
    for k in 0..<n {
      let j = k * stride
      d[j] = takeLog ? d[j] - Foundation.exp(y[j]) * dot : y[j] * (d[j] - dot)
    }
  }
}
