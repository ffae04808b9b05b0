extension Tensor {
  /// Max pooling of a batch `x [n, c, h, w]` over windows `kernel` moved by `stride`, as
  /// PyTorch's `max_pool2d` (see `PoolGeometry`). The gradient goes to the input each
  /// window took its maximum from: to the first of equal maxima, and to an input once per
  /// window whose maximum it is.
  public static func maxPool2d(
    _ x: Tensor, kernel: (Int, Int), stride: (Int, Int), ceil: Bool = false,
    pad: (Int, Int) = (0, 0)
  ) throws -> Tensor {
    let geometry = try poolGeometry(
      x, kernel: kernel, stride: stride, ceil: ceil, pad: pad, "maxpool")
    let n = x.shape[0]
    let outShape = [n] + geometry.outputShape
    let total = try checkedCount(outShape)
    var out = [Double](repeating: 0, count: total)
    var argmax = [Double](repeating: 0, count: total)
    if total > 0 {
      x.scalars.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { py in
          argmax.withUnsafeMutableBufferPointer { pa in
            geometry.maxForward(px.baseAddress!, py.baseAddress!, argmax: pa.baseAddress!, batch: n)
          }
        }
      }
    }
    let y = Tensor(unchecked: outShape, out)
    guard x.requiresGrad else { return y }
    return y.recorded(from: [x]) { g in
      var dx = [Double](repeating: 0, count: x.count)
      if total > 0 {
        g.scalars.withUnsafeBufferPointer { pg in
          argmax.withUnsafeBufferPointer { pa in
            dx.withUnsafeMutableBufferPointer { pdx in
              geometry.maxBackward(
                pg.baseAddress!, argmax: pa.baseAddress!, pdx.baseAddress!, batch: n)
            }
          }
        }
      }
      return [Tensor(unchecked: x.shape, dx)]
    }
  }

  /// Average pooling of a batch `x [n, c, h, w]` over windows `kernel` moved by `stride`, as
  /// PyTorch's `avg_pool2d`: each output is its window's mean, and its gradient is shared
  /// equally by the window's inputs.
  public static func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)) throws
    -> Tensor
  {
    let geometry = try poolGeometry(x, kernel: kernel, stride: stride, ceil: false, "avgpool")
    let n = x.shape[0]
    let outShape = [n] + geometry.outputShape
    let total = try checkedCount(outShape)
    var out = [Double](repeating: 0, count: total)
    if total > 0 {
      x.scalars.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { py in
          geometry.avgForward(px.baseAddress!, py.baseAddress!, batch: n)
        }
      }
    }
    let y = Tensor(unchecked: outShape, out)
    guard x.requiresGrad else { return y }
    return y.recorded(from: [x]) { g in
      var dx = [Double](repeating: 0, count: x.count)
      if total > 0 {
        g.scalars.withUnsafeBufferPointer { pg in
          dx.withUnsafeMutableBufferPointer { pdx in
            geometry.avgBackward(pg.baseAddress!, pdx.baseAddress!, batch: n)
          }
        }
      }
      return [Tensor(unchecked: x.shape, dx)]
    }
  }

  private static func poolGeometry(
    _ x: Tensor, kernel: (Int, Int), stride: (Int, Int), ceil: Bool,
    pad: (Int, Int) = (0, 0), _ name: String
  ) throws -> PoolGeometry {
    guard x.rank == 4 else {
      throw TensorError(
        .shape,
        "\(name) takes a batch [n, channels, height, width], not \(Shape.describe(x.shape))")
    }
    return try PoolGeometry(
      channels: x.shape[1], height: x.shape[2], width: x.shape[3], kernel: kernel,
      stride: stride, ceil: ceil, pad: pad, name: name)
  }
}
