extension Tensor {
  /// 2-d convolution (cross-correlation, as PyTorch's `conv2d`) of a batch `x [n, c, h, w]`
  /// with `weight [out, c/groups, kh, kw]` and an optional `bias [out]`; see `ConvGeometry`
  /// for the formula and how it runs (im2col and a GEMM per sample and group).
  ///
  /// ```
  /// ∂L/∂W_g = ∂L/∂Y_g · col_gᵀ      ∂L/∂b = Σ_{s, positions} ∂L/∂Y
  /// ∂L/∂x = col2im(W_gᵀ · ∂L/∂Y_g)
  /// ```
  public static func conv2d(
    _ x: Tensor, weight w: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1),
    pad: (Int, Int) = (0, 0), groups: Int = 1
  ) throws -> Tensor {
    guard x.rank == 4 else {
      throw TensorError(
        .shape,
        "a convolution takes a batch [n, channels, height, width], not \(Shape.describe(x.shape))")
    }
    guard w.rank == 4 else {
      throw TensorError(
        .shape,
        "convolution weights must be [out, in/groups, kh, kw], not \(Shape.describe(w.shape))")
    }
    let geometry = try ConvGeometry(
      channels: x.shape[1], height: x.shape[2], width: x.shape[3], outputs: w.shape[0],
      kernel: (w.shape[2], w.shape[3]), stride: stride, pad: pad, groups: groups)
    guard w.shape == geometry.weightShape else {
      throw TensorError(
        .shape,
        "weights \(Shape.describe(w.shape)) do not fit \(x.shape[1]) input channels in "
          + "\(groups) group\(groups == 1 ? "" : "s"): expected "
          + Shape.describe(geometry.weightShape))
    }
    if let bias, bias.shape != [geometry.outputs] {
      throw TensorError(
        .shape,
        "bias \(Shape.describe(bias.shape)) does not fit \(geometry.outputs) outputs: expected "
          + "[\(geometry.outputs)]")
    }
    let n = x.shape[0]
    let outShape = [n] + geometry.outputShape
    let total = try checkedCount(outShape)
    try checkMemory(elements: geometry.columnCount(batch: n) + total)
    var col = [Double](repeating: 0, count: geometry.columnCount(batch: n))
    var out = [Double](repeating: 0, count: total)
    if n > 0 {
      let biasValues = bias?.scalars ?? []
      x.scalars.withUnsafeBufferPointer { px in
        w.scalars.withUnsafeBufferPointer { pw in
          biasValues.withUnsafeBufferPointer { pb in
            col.withUnsafeMutableBufferPointer { pcol in
              out.withUnsafeMutableBufferPointer { py in
                geometry.forward(
                  px.baseAddress!, weight: pw.baseAddress!,
                  bias: bias == nil ? nil : pb.baseAddress, py.baseAddress!,
                  batch: n, col: pcol.baseAddress!)
              }
            }
          }
        }
      }
    }
    let y = Tensor(unchecked: outShape, out)
    let needBias = bias?.requiresGrad ?? false
    guard x.requiresGrad || w.requiresGrad || needBias else { return y }
    let savedCol = col
    return y.recorded(from: [x, w] + (bias.map { [$0] } ?? [])) { g in
      var dx = [Double](repeating: 0, count: x.requiresGrad ? x.count : 0)
      var dw = [Double](repeating: 0, count: w.requiresGrad ? w.count : 0)
      var db = [Double](repeating: 0, count: needBias ? geometry.outputs : 0)
      if n > 0 {
        var dcol = [Double](repeating: 0, count: geometry.groupRows * geometry.positions)
        g.scalars.withUnsafeBufferPointer { pg in
          w.scalars.withUnsafeBufferPointer { pw in
            savedCol.withUnsafeBufferPointer { pcol in
              dx.withUnsafeMutableBufferPointer { pdx in
                dw.withUnsafeMutableBufferPointer { pdw in
                  db.withUnsafeMutableBufferPointer { pdb in
                    dcol.withUnsafeMutableBufferPointer { pdcol in
                      geometry.backward(
                        pg.baseAddress!, weight: pw.baseAddress!, col: pcol.baseAddress!,
                        batch: n, dw: w.requiresGrad ? pdw.baseAddress : nil,
                        db: needBias ? pdb.baseAddress : nil,
                        dx: x.requiresGrad ? pdx.baseAddress : nil, dcol: pdcol.baseAddress!)
                    }
                  }
                }
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
}
