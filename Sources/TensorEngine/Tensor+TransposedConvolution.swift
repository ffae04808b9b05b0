extension Tensor {
  /// The transposed 2-d convolution of a batch `x [n, in, h, w]` with `weight [in, out, kh,
  /// kw]` (PyTorch's `conv_transpose2d` and its weight layout) and an optional `bias [out]`:
  /// the adjoint of the convolution from `out` to `in` channels with the same weights,
  ///
  /// ```
  /// y[s, o, a·st − p + i, b·st − p + j] += W[c, o, i, j] · x[s, c, a, b],   y = bias[o] + …
  /// H = (h − 1)·stride − 2·pad + kh        W = (w − 1)·stride − 2·pad + kw
  /// ⟨conv2d(z, W), x⟩ = ⟨z, convTranspose2d(x, W)⟩
  /// ```
  /// so that it runs as the convolution's backward pass for the data, on the convolution's
  /// geometry (`ConvGeometry` of `[out, H, W]` inputs to `in` outputs): `col = W_ᵀ · x_s`,
  /// then col2im. Its own backward is that convolution's forward pass and weight gradient:
  ///
  /// ```
  /// ∂L/∂x = conv2d(∂L/∂y, W)      ∂L/∂W = x_s · im2col(∂L/∂y_s)ᵀ summed over s
  /// ∂L/∂b = Σ_{s, positions} ∂L/∂y
  /// ```
  public static func convTranspose2d(
    _ x: Tensor, weight w: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1),
    pad: (Int, Int) = (0, 0)
  ) throws -> Tensor {
    guard x.rank == 4 else {
      throw TensorError(
        .shape,
        "a transposed convolution takes a batch [n, channels, height, width], not "
          + Shape.describe(x.shape))
    }
    guard w.rank == 4, w.shape[0] == x.shape[1] else {
      throw TensorError(
        .shape,
        "transposed convolution weights must be [in, out, kh, kw] with in = \(x.shape[1]) "
          + "(the input's channels), not \(Shape.describe(w.shape))")
    }
    let geometry = try transposedGeometry(
      height: x.shape[2], width: x.shape[3], inputs: w.shape[0], outputs: w.shape[1],
      kernel: (w.shape[2], w.shape[3]), stride: stride, pad: pad)
    if let bias, bias.shape != [geometry.channels] {
      throw TensorError(
        .shape,
        "bias \(Shape.describe(bias.shape)) does not fit \(geometry.channels) outputs: expected "
          + "[\(geometry.channels)]")
    }
    let n = x.shape[0]
    let outShape = [n] + geometry.inputShape
    let total = try checkedCount(outShape)
    let dcolCount = geometry.groupRows * geometry.positions
    try checkMemory(elements: total + dcolCount)
    var out = [Double](repeating: 0, count: total)
    if n > 0 {
      var dcol = [Double](repeating: 0, count: dcolCount)
      x.scalars.withUnsafeBufferPointer { px in
        w.scalars.withUnsafeBufferPointer { pw in
          dcol.withUnsafeMutableBufferPointer { pdcol in
            out.withUnsafeMutableBufferPointer { py in
              // The convolution's data gradient, with x as its output's gradient: no weight
              // gradient is asked for, so its columns are not read (dcol stands in).
              geometry.backward(
                px.baseAddress!, weight: pw.baseAddress!, col: pdcol.baseAddress!, batch: n,
                dw: nil, db: nil, dx: py.baseAddress!, dcol: pdcol.baseAddress!)
            }
          }
        }
      }
      if let bias {
        let b = bias.scalars
        let plane = geometry.height * geometry.width
        for s in 0..<n {
          for o in 0..<geometry.channels {
            let start = (s * geometry.channels + o) * plane
            for q in start..<(start + plane) { out[q] += b[o] }
          }
        }
      }
    }
    let y = Tensor(unchecked: outShape, out)
    let needBias = bias?.requiresGrad ?? false
    guard x.requiresGrad || w.requiresGrad || needBias else { return y }
    return y.recorded(from: [x, w] + (bias.map { [$0] } ?? [])) { g in
      var dx = [Double](repeating: 0, count: x.count)
      var dw = [Double](repeating: 0, count: w.requiresGrad ? w.count : 0)
      var db = [Double](repeating: 0, count: needBias ? geometry.channels : 0)
      if n > 0 {
        try checkMemory(elements: geometry.columnCount(batch: n) + dcolCount)
        var col = [Double](repeating: 0, count: geometry.columnCount(batch: n))
        var dcol = [Double](repeating: 0, count: dcolCount)
        g.scalars.withUnsafeBufferPointer { pg in
          w.scalars.withUnsafeBufferPointer { pw in
            x.scalars.withUnsafeBufferPointer { px in
              col.withUnsafeMutableBufferPointer { pcol in
                dx.withUnsafeMutableBufferPointer { pdx in
                  // The convolution of ∂L/∂y: ∂L/∂x, and im2col(∂L/∂y) for the weights.
                  geometry.forward(
                    pg.baseAddress!, weight: pw.baseAddress!, bias: nil, pdx.baseAddress!,
                    batch: n, col: pcol.baseAddress!)
                }
                guard w.requiresGrad else { return }
                dw.withUnsafeMutableBufferPointer { pdw in
                  dcol.withUnsafeMutableBufferPointer { pdcol in
                    geometry.backward(
                      px.baseAddress!, weight: pw.baseAddress!, col: pcol.baseAddress!,
                      batch: n, dw: pdw.baseAddress!, db: nil, dx: nil,
                      dcol: pdcol.baseAddress!)
                  }
                }
              }
            }
          }
        }
        if needBias {
          let plane = geometry.height * geometry.width
          g.scalars.withUnsafeBufferPointer { pg in
            for s in 0..<n {
              for o in 0..<geometry.channels {
                let start = (s * geometry.channels + o) * plane
                for q in start..<(start + plane) { db[o] += pg[q] }
              }
            }
          }
        }
      }
      var grads: [Tensor?] = [
        x.requiresGrad ? Tensor(unchecked: x.shape, dx) : nil,
        w.requiresGrad ? Tensor(unchecked: w.shape, dw) : nil,
      ]
      if let bias { grads.append(needBias ? Tensor(unchecked: bias.shape, db) : nil) }
      return grads
    }
  }

  /// The convolution whose adjoint a transposed convolution of `[inputs, h, w]` samples to
  /// `outputs` channels is: its inputs are the transposed one's outputs `[outputs, H, W]`,
  /// its outputs the transposed one's inputs, and it maps `[outputs, H, W]` back to `[inputs,
  /// h, w]`. Throws when H or W would be less than 1.
  public static func transposedGeometry(
    height h: Int, width w: Int, inputs: Int, outputs: Int, kernel: (Int, Int),
    stride: (Int, Int), pad: (Int, Int)
  ) throws -> ConvGeometry {
    guard h >= 1, w >= 1, inputs >= 1, outputs >= 1 else {
      throw TensorError(
        .shape,
        "a transposed convolution needs at least 1 channel in and out and inputs of at least "
          + "1×1, not \(inputs) channels of \(h)×\(w) to \(outputs)")
    }
    guard kernel.0 >= 1, kernel.1 >= 1, stride.0 >= 1, stride.1 >= 1, pad.0 >= 0, pad.1 >= 0
    else {
      throw TensorError(
        .argument,
        "a transposed convolution needs kernel and stride of at least 1 and padding of at "
          + "least 0")
    }
    // (h − 1)·stride + kernel, in sizes the user chose: checked before it can overflow.
    let limit = 1 << 40
    guard [h, w, kernel.0, kernel.1, stride.0, stride.1, pad.0, pad.1].allSatisfy({ $0 <= limit }),
      let spanH = ConvGeometry.product([h - 1, stride.0]),
      let spanW = ConvGeometry.product([w - 1, stride.1]), spanH <= limit, spanW <= limit
    else {
      throw TensorError(
        .shape,
        "a transposed convolution of \(h)×\(w) inputs with stride \(stride.0) is too large "
          + "to count")
    }
    let outH = spanH - 2 * pad.0 + kernel.0
    let outW = spanW - 2 * pad.1 + kernel.1
    guard outH >= 1, outW >= 1 else {
      throw TensorError(
        .shape,
        "a transposed convolution of \(h)×\(w) inputs with a \(kernel.0)×\(kernel.1) kernel, "
          + "stride \(stride.0) and pad \(pad.0) gives \(outH)×\(outW) outputs "
          + "((h − 1)·stride − 2·pad + kernel): use less padding")
    }
    return try ConvGeometry(
      channels: outputs, height: outH, width: outW, outputs: inputs, kernel: kernel,
      stride: stride, pad: pad)
  }
}
