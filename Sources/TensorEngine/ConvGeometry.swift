/// The shapes of a 2-d convolution over samples `[channels, height, width]` with weights
/// `[outputs, channels/groups, kh, kw]` (PyTorch's layout), and its arithmetic over raw
/// buffers, shared by the differentiable `Tensor.conv2d` and compiled training.
///
/// ```
/// oh = ⌊(h + 2·ph − kh) / sh⌋ + 1        ow = ⌊(w + 2·pw − kw) / sw⌋ + 1
/// y[s, o, a, b] = bias[o] + Σ_{c ∈ group(o), i, j} W[o, c, i, j] · x[s, c, a·sh − ph + i, b·sw − pw + j]
/// ```
/// Each sample is laid out as one matrix per group (im2col): row (c, i, j) of `col` holds,
/// for every output position, the input value that weight meets, so that a group's forward
/// pass is a GEMM `W_g · col_g` per sample, giving that sample's output in NCHW, and its
/// backward pass two (`dW_g += dY_g · col_gᵀ`, `dcol_g = W_gᵀ · dY_g`, then col2im adds dcol
/// back into dx).
public struct ConvGeometry: Sendable, Equatable {
  public let channels: Int
  public let height: Int
  public let width: Int
  public let outputs: Int
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let strideHeight: Int
  public let strideWidth: Int
  public let padHeight: Int
  public let padWidth: Int
  public let groups: Int
  public let outHeight: Int
  public let outWidth: Int

  /// Checks that the configuration fits an input of `[channels, height, width]`.
  public init(
    channels: Int, height: Int, width: Int, outputs: Int, kernel: (Int, Int),
    stride: (Int, Int) = (1, 1), pad: (Int, Int) = (0, 0), groups: Int = 1
  ) throws {
    guard kernel.0 >= 1, kernel.1 >= 1, stride.0 >= 1, stride.1 >= 1, pad.0 >= 0, pad.1 >= 0,
      groups >= 1, channels >= 1, outputs >= 1
    else {
      throw TensorError(
        .argument,
        "a convolution needs kernel and stride of at least 1, padding of at least 0 and at "
          + "least one group, input channel and output")
    }
    guard channels % groups == 0, outputs % groups == 0 else {
      throw TensorError(
        .argument,
        "groups: \(groups) must divide both the input channels (\(channels)) and the outputs "
          + "(\(outputs))")
    }
    let (ph, pw) = pad
    // Sizes come from the user (`summary(net, [1, 1e15, 1e15])`): every count the geometry
    // gives later must fit an Int, so they are checked here once.
    let limit = 1 << 40
    guard
      [height, width, ph, pw, kernel.0, kernel.1, channels, outputs].allSatisfy({ $0 <= limit }),
      ConvGeometry.product([
        outputs, (height + 2 * ph) / stride.0 + 1, (width + 2 * pw) / stride.1 + 1,
        channels / groups, kernel.0, kernel.1,
      ]) != nil
    else {
      throw TensorError(
        .shape,
        "a convolution of \(channels)×\(height)×\(width) inputs to \(outputs) channels with a "
          + "\(kernel.0)×\(kernel.1) kernel is too large to count")
    }
    guard height + 2 * ph >= kernel.0, width + 2 * pw >= kernel.1 else {
      throw TensorError(
        .shape,
        "a \(kernel.0)×\(kernel.1) kernel does not fit an input of \(height)×\(width)"
          + (ph + pw > 0 ? " padded by \(ph)×\(pw)" : "")
          + ": the input must be at least as large as the kernel")
    }
    self.channels = channels
    self.height = height
    self.width = width
    self.outputs = outputs
    (kernelHeight, kernelWidth) = kernel
    (strideHeight, strideWidth) = stride
    (padHeight, padWidth) = pad
    self.groups = groups
    outHeight = (height + 2 * ph - kernel.0) / stride.0 + 1
    outWidth = (width + 2 * pw - kernel.1) / stride.1 + 1
  }

  /// The product of `factors`, or nil when it overflows an Int.
  static func product(_ factors: [Int]) -> Int? {
    var total = 1
    for f in factors {
      let (p, overflow) = total.multipliedReportingOverflow(by: f)
      if overflow { return nil }
      total = p
    }
    return total
  }

  public static func == (a: ConvGeometry, b: ConvGeometry) -> Bool {
    a.inputShape == b.inputShape && a.weightShape == b.weightShape
      && (a.strideHeight, a.strideWidth, a.padHeight, a.padWidth, a.groups)
        == (b.strideHeight, b.strideWidth, b.padHeight, b.padWidth, b.groups)
  }

  public var inputShape: [Int] { [channels, height, width] }
  public var outputShape: [Int] { [outputs, outHeight, outWidth] }
  public var weightShape: [Int] { [outputs, channels / groups, kernelHeight, kernelWidth] }
  /// Output positions per channel.
  public var positions: Int { outHeight * outWidth }
  /// Rows of a group's im2col matrix: its input channels times the kernel's size.
  public var groupRows: Int { channels / groups * kernelHeight * kernelWidth }
  /// Multiply-adds per sample.
  public var multiplyAdds: Int { outputs * positions * groupRows }

  /// Values of the im2col matrices of `n` samples (all groups).
  public func columnCount(batch n: Int) -> Int { n * groups * groupRows * positions }

  /// The valid output columns `lo..<hi` of a kernel offset `j` along an axis: those whose
  /// input index `o·s − p + j` lies in `0..<size`.
  @inline(__always)
  private static func validRange(size: Int, out: Int, stride s: Int, pad p: Int, offset j: Int)
    -> (Int, Int)
  {
    let lo = p - j > 0 ? (p - j + s - 1) / s : 0
    let last = size - 1 + p - j
    let hi = last < 0 ? 0 : Swift.min(out, last / s + 1)
    return (Swift.min(lo, hi), hi)
  }

  /// Writes the im2col matrix `[groupRows, positions]` of group `g` of one sample `x`
  /// (`[channels, height, width]`) at `col`.
  public func im2col(
    _ x: UnsafePointer<Double>, group g: Int, into col: UnsafeMutablePointer<Double>
  ) {
    let cg = channels / groups
    let plane = height * width
    for cl in 0..<cg {
      let src = x + (g * cg + cl) * plane
      for i in 0..<kernelHeight {
        for j in 0..<kernelWidth {
          let dst = col + ((cl * kernelHeight + i) * kernelWidth + j) * positions
          let (lo, hi) = Self.validRange(
            size: width, out: outWidth, stride: strideWidth, pad: padWidth, offset: j)
          for oy in 0..<outHeight {
            let d = dst + oy * outWidth
            let iy = oy * strideHeight - padHeight + i
            guard iy >= 0, iy < height else {
              d.update(repeating: 0, count: outWidth)
              continue
            }
            let r = src + iy * width - padWidth + j
            if lo > 0 { d.update(repeating: 0, count: lo) }
            if strideWidth == 1 {
              (d + lo).update(from: r + lo, count: hi - lo)
            } else {
              for ox in lo..<hi { d[ox] = r[ox * strideWidth] }
            }
            if hi < outWidth { (d + hi).update(repeating: 0, count: outWidth - hi) }
          }
        }
      }
    }
  }

  /// Adds the im2col matrix `col` of group `g` of one sample back into the inputs it was
  /// read from, `dx` (`[channels, height, width]`): the adjoint of `im2col`.
  public func col2im(
    _ col: UnsafePointer<Double>, group g: Int, into dx: UnsafeMutablePointer<Double>
  ) {
    let cg = channels / groups
    let plane = height * width
    for cl in 0..<cg {
      let dst = dx + (g * cg + cl) * plane
      for i in 0..<kernelHeight {
        for j in 0..<kernelWidth {
          let src = col + ((cl * kernelHeight + i) * kernelWidth + j) * positions
          let (lo, hi) = Self.validRange(
            size: width, out: outWidth, stride: strideWidth, pad: padWidth, offset: j)
          for oy in 0..<outHeight {
            let iy = oy * strideHeight - padHeight + i
            guard iy >= 0, iy < height else { continue }
            let d = src + oy * outWidth
            let r = dst + iy * width - padWidth + j
            if strideWidth == 1 {
              for ox in lo..<hi { r[ox] += d[ox] }
            } else {
              for ox in lo..<hi { r[ox * strideWidth] += d[ox] }
            }
          }
        }
      }
    }
  }

  /// `y [n, outputs, oh, ow]` from `x [n, channels, h, w]`. `col` holds
  /// `columnCount(batch: n)` values and keeps the im2col matrices for `backward`, sample by
  /// sample.
  ///
  /// One GEMM per sample and group, `W_g [out/groups, groupRows] · col [groupRows,
  /// positions]`, whose product is that sample's output in NCHW as it stands: one GEMM
  /// over the batch would give `[out, n·positions]`, to be reordered, and a layer's GEMMs
  /// are small enough that OpenBLAS runs each on one thread, which for these sizes is
  /// faster than waking a second (and each sample's columns stay in cache between the
  /// im2col and the GEMM).
  public func forward(
    _ x: UnsafePointer<Double>, weight w: UnsafePointer<Double>, bias b: UnsafePointer<Double>?,
    _ y: UnsafeMutablePointer<Double>, batch n: Int, col: UnsafeMutablePointer<Double>
  ) {
    let og = outputs / groups
    let k = groupRows
    let p = positions
    let plane = channels * height * width
    for s in 0..<n {
      for g in 0..<groups {
        let c = col + (s * groups + g) * k * p
        im2col(x + s * plane, group: g, into: c)
        let yg = y + (s * outputs + g * og) * p
        // The bias first, the products added to it.
        if let b {
          for o in 0..<og { (yg + o * p).update(repeating: b[g * og + o], count: p) }
        }
        Tensor.gemm(
          transA: false, transB: false, m: og, n: p, k: k, a: w + g * og * k, lda: k,
          b: c, ldb: p, c: yg, ldc: p, beta: b == nil ? 0 : 1)
      }
    }
  }

  /// From `dy [n, outputs, oh, ow]` and the `col` of `forward`: the weight gradient into
  /// `dw`, the bias gradient into `db`, and ∂loss/∂x into `dx` (each replaced, each skipped
  /// when nil). `dcol` holds `groupRows · positions` values (one sample's columns'
  /// gradient). Sample by sample, as `forward`: `dW_g += dY_s,g · col_s,gᵀ` and
  /// `dcol = W_gᵀ · dY_s,g`, which col2im adds into that sample's dx.
  ///
  /// With no `dcol`, each sample's columns are replaced by their gradient once its weight
  /// gradient has read them (`col` is dead afterwards): compiled training does that, so
  /// that it keeps no scratch of its own.
  public func backward(
    _ dy: UnsafePointer<Double>, weight w: UnsafePointer<Double>, col: UnsafePointer<Double>,
    batch n: Int, dw: UnsafeMutablePointer<Double>?, db: UnsafeMutablePointer<Double>?,
    dx: UnsafeMutablePointer<Double>?, dcol: UnsafeMutablePointer<Double>?
  ) {
    let og = outputs / groups
    let k = groupRows
    let p = positions
    let plane = channels * height * width
    if let db {
      for o in 0..<outputs {
        // Four running sums: one would wait on the adder's latency at every value.
        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
        for s in 0..<n {
          let r = dy + (s * outputs + o) * p
          var q = 0
          while q + 4 <= p {
            s0 += r[q]
            s1 += r[q + 1]
            s2 += r[q + 2]
            s3 += r[q + 3]
            q += 4
          }
          while q < p {
            s0 += r[q]
            q += 1
          }
        }
        db[o] = (s0 + s1) + (s2 + s3)
      }
    }
    if n == 0 { dw?.update(repeating: 0, count: outputs * k) }
    if let dx { dx.update(repeating: 0, count: n * plane) }
    for s in 0..<n {
      for g in 0..<groups {
        let c = col + (s * groups + g) * k * p
        let dys = dy + (s * outputs + g * og) * p
        if let dw {
          Tensor.gemm(
            transA: false, transB: true, m: og, n: k, k: p, a: dys, lda: p, b: c, ldb: p,
            c: dw + g * og * k, ldc: k, beta: s == 0 ? 0 : 1)
        }
        if let dx {
          let d = dcol ?? UnsafeMutablePointer(mutating: c)
          Tensor.gemm(
            transA: true, transB: false, m: k, n: p, k: og, a: w + g * og * k, lda: k,
            b: dys, ldb: p, c: d, ldc: p, beta: 0)
          col2im(d, group: g, into: dx + s * plane)
        }
      }
    }
  }
}
