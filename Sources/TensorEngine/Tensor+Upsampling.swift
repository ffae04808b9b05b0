extension Tensor {
  /// Nearest-neighbour upsampling of a batch `x [n, c, h, w]` by a whole `scale`, as
  /// PyTorch's `Upsample(scale_factor: s, mode: "nearest")`: each value becomes an s × s
  /// block, and each input's gradient is the sum of its block's,
  ///
  /// ```
  /// y[s, c, a, b] = x[s, c, ⌊a / scale⌋, ⌊b / scale⌋]      y: [n, c, h·scale, w·scale]
  /// ∂L/∂x[s, c, i, j] = Σ_{a, b in block (i, j)} ∂L/∂y[s, c, a, b]
  /// ```
  public static func upsampleNearest2d(_ x: Tensor, scale: Int) throws -> Tensor {
    guard x.rank == 4 else {
      throw TensorError(
        .shape,
        "upsampling takes a batch [n, channels, height, width], not \(Shape.describe(x.shape))")
    }
    guard scale >= 1, scale <= 1 << 20 else {
      throw TensorError(.argument, "upsampling needs a scale from 1 to 2²⁰, not \(scale)")
    }
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    guard let oh = ConvGeometry.product([h, scale]), let ow = ConvGeometry.product([w, scale])
    else {
      throw TensorError(.shape, "upsampling \(h)×\(w) images by \(scale) is too large to count")
    }
    let outShape = [n, c, oh, ow]
    let total = try checkedCount(outShape)
    let planes = n * c
    var out = [Double](repeating: 0, count: total)
    x.scalars.withUnsafeBufferPointer { px in
      out.withUnsafeMutableBufferPointer { py in
        for p in 0..<planes {
          for a in 0..<oh {
            let src = p * h * w + (a / scale) * w
            let dst = (p * oh + a) * ow
            for b in 0..<ow { py[dst + b] = px[src + b / scale] }
          }
        }
      }
    }
    let y = Tensor(unchecked: outShape, out)
    guard x.requiresGrad else { return y }
    return y.recorded(from: [x]) { g in
      var dx = [Double](repeating: 0, count: x.count)
      g.scalars.withUnsafeBufferPointer { pg in
        dx.withUnsafeMutableBufferPointer { pdx in
          for p in 0..<planes {
            for a in 0..<oh {
              let dst = p * h * w + (a / scale) * w
              let src = (p * oh + a) * ow
              for b in 0..<ow { pdx[dst + b / scale] += pg[src + b] }
            }
          }
        }
      }
      return [Tensor(unchecked: x.shape, dx)]
    }
  }
}
