/// The shapes of 2-d max or average pooling over samples `[channels, height, width]`, and its
/// arithmetic over raw buffers, shared by `Tensor.maxPool2d`/`avgPool2d` and compiled
/// training.
///
/// ```
/// oh = ⌊(h + 2p − kh) / sh⌋ + 1  (ceil mode: ⌈(h + 2p − kh) / sh⌉ + 1, less one if that
///                                 window would start past the input and its padding, as
///                                 PyTorch's ceil_mode)
/// max:  y[s, c, a, b] = max over the window x[s, c, a·sh − p ..< a·sh − p + kh, …] of the
///       positions inside the input (padding, max pooling's only, is −∞, as PyTorch's)
/// avg:  y[s, c, a, b] = (1 / (kh·kw)) · Σ over the window
/// ```
/// In ceil mode the last window may run past the input's edge and covers only what lies
/// inside. Max pooling records where each maximum came from (the first of equal maxima in
/// a window, scanning rows then columns, as PyTorch does; a nan counts as the maximum), and
/// its gradient goes there alone; an input that is the maximum of two overlapping windows
/// receives both windows' gradients.
public struct PoolGeometry: Sendable, Equatable {
  public let channels: Int
  public let height: Int
  public let width: Int
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let strideHeight: Int
  public let strideWidth: Int
  public let ceil: Bool
  /// Rows and columns of padding on each side (max pooling only; at most half the window,
  /// so that every window holds an input).
  public let padHeight: Int
  public let padWidth: Int
  public let outHeight: Int
  public let outWidth: Int

  public init(
    channels: Int, height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int),
    ceil: Bool = false, pad: (Int, Int) = (0, 0), name: String = "pooling"
  ) throws {
    guard kernel.0 >= 1, kernel.1 >= 1, stride.0 >= 1, stride.1 >= 1 else {
      throw TensorError(.argument, "\(name) needs a size and stride of at least 1")
    }
    guard pad.0 >= 0, pad.1 >= 0, 2 * pad.0 <= kernel.0, 2 * pad.1 <= kernel.1 else {
      throw TensorError(
        .argument,
        "\(name) pad must be between 0 and half the window (\(kernel.0 / 2) for size "
          + "\(kernel.0)), not \(pad.0)")
    }
    guard height + 2 * pad.0 >= kernel.0, width + 2 * pad.1 >= kernel.1 else {
      throw TensorError(
        .shape,
        "\(name) \(kernel.0)×\(kernel.1) does not fit an input of \(height)×\(width): the "
          + "input must be at least as large as the window")
    }
    self.channels = channels
    self.height = height
    self.width = width
    (kernelHeight, kernelWidth) = kernel
    (strideHeight, strideWidth) = stride
    self.ceil = ceil
    (padHeight, padWidth) = pad
    func size(_ n: Int, _ k: Int, _ s: Int, _ p: Int) -> Int {
      guard ceil else { return (n + 2 * p - k) / s + 1 }
      var o = (n + 2 * p - k + s - 1) / s + 1
      if (o - 1) * s >= n + p { o -= 1 }
      return o
    }
    outHeight = size(height, kernel.0, stride.0, pad.0)
    outWidth = size(width, kernel.1, stride.1, pad.1)
  }

  public var inputShape: [Int] { [channels, height, width] }
  public var outputShape: [Int] { [channels, outHeight, outWidth] }

  /// Max pooling of `n` samples; `argmax` receives, for each output, the offset in `x` of
  /// the input it took (as a Double: exact for any tensor that fits in memory).
  public func maxForward(
    _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
    argmax: UnsafeMutablePointer<Double>, batch n: Int
  ) {
    if kernelHeight == 2, kernelWidth == 2, strideWidth == 2, padHeight == 0, padWidth == 0,
      (outHeight - 1) * strideHeight + 2 <= height, 2 * outWidth <= width
    {
      maxForward2x2(x, y, argmax: argmax, batch: n)
      return
    }
    let plane = height * width
    let kh = kernelHeight
    let kw = kernelWidth
    var out = 0
    for sc in 0..<(n * channels) {
      let base = sc * plane
      for oy in 0..<outHeight {
        let top = oy * strideHeight - padHeight
        let y0 = Swift.max(top, 0)
        let rows = Swift.min(top + kh, height) - y0
        for ox in 0..<outWidth {
          let left = ox * strideWidth - padWidth
          let x0 = Swift.max(left, 0)
          let columns = Swift.min(left + kw, width) - x0
          let start = base + y0 * width + x0
          var best = start
          var value = x[start]
          // The first maximum wins: a later value replaces it only when strictly larger.
          // Selects rather than branches: on real data which input wins is unpredictable,
          // and a mispredicted branch per comparison costs more than the pooling itself. A
          // nan, never larger, is looked for afterwards, in the rare window that has one.
          var r = start
          var nan = false
          for _ in 0..<rows {
            for j in 0..<columns {
              let v = x[r &+ j]
              let better = v > value
              value = better ? v : value
              best = better ? r &+ j : best
              nan = nan || v != v
            }
            r &+= width
          }
          if nan { (value, best) = firstNaN(x, start: start, rows: rows, columns: columns) }
          y[out] = value
          argmax[out] = Double(best)
          out += 1
        }
      }
    }
  }

  /// `maxForward` for the commonest pool, 2×2 windows two columns apart that all lie inside
  /// the input, four windows at a time: the two rows' even and odd columns are the windows'
  /// four corners; each row's pair is compared, then the rows' winners, so the first of equal
  /// maxima still wins. Four windows with a nan among them (their sums are nan then) and the
  /// windows left over at the end of a row go through `maxWindow`.
  private func maxForward2x2(
    _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
    argmax: UnsafeMutablePointer<Double>, batch n: Int
  ) {
    let plane = height * width
    let lanes = SIMD4<Double>(0, 2, 4, 6)
    let raw = UnsafeRawPointer(x)
    var out = 0
    for sc in 0..<(n * channels) {
      for oy in 0..<outHeight {
        let row = sc * plane + oy * strideHeight * width
        var ox = 0
        while ox + 4 <= outWidth {
          let i = row + 2 * ox
          let upper = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
          let lower = raw.loadUnaligned(fromByteOffset: (i + width) * 8, as: SIMD8<Double>.self)
          let (a, b) = (upper.evenHalf, upper.oddHalf)
          let (c, d) = (lower.evenHalf, lower.oddHalf)
          let sum = (a + b) + (c + d)
          guard !any(sum .!= sum) else {
            for k in 0..<4 {
              (y[out + k], argmax[out + k]) = maxWindow(x, start: i + 2 * k, rows: 2, columns: 2)
            }
            out += 4
            ox += 4
            continue
          }
          let first = SIMD4<Double>(repeating: Double(i)) + lanes
          let second = b .> a
          let top = a.replacing(with: b, where: second)
          let topAt = first.replacing(with: first + 1, where: second)
          let fourth = d .> c
          let bottom = c.replacing(with: d, where: fourth)
          let below = first + Double(width)
          let bottomAt = below.replacing(with: below + 1, where: fourth)
          let lowerWins = bottom .> top
          let value = top.replacing(with: bottom, where: lowerWins)
          let at = topAt.replacing(with: bottomAt, where: lowerWins)
          UnsafeMutableRawPointer(y + out).storeBytes(of: value, as: SIMD4<Double>.self)
          UnsafeMutableRawPointer(argmax + out).storeBytes(of: at, as: SIMD4<Double>.self)
          out += 4
          ox += 4
        }
        while ox < outWidth {
          (y[out], argmax[out]) = maxWindow(x, start: row + 2 * ox, rows: 2, columns: 2)
          out += 1
          ox += 1
        }
      }
    }
  }

  /// The maximum of the window of `rows` × `columns` inputs at `start` and its offset (as a
  /// Double): the first maximum, or the first nan if there is one.
  private func maxWindow(_ x: UnsafePointer<Double>, start: Int, rows: Int, columns: Int)
    -> (Double, Double)
  {
    var best = start
    for i in 0..<rows {
      for j in 0..<columns {
        let at = start + i * width + j
        if x[best].isNaN { return (x[best], Double(best)) }
        if x[at].isNaN || x[at] > x[best] { best = at }
      }
    }
    return (x[best], Double(best))
  }

  /// The first nan of a window, row by row, and its offset: a nan is a window's maximum.
  private func firstNaN(_ x: UnsafePointer<Double>, start: Int, rows: Int, columns: Int)
    -> (Double, Int)
  {
    for i in 0..<rows {
      for j in 0..<columns where x[start + i * width + j].isNaN {
        return (x[start + i * width + j], start + i * width + j)
      }
    }
    return (x[start], start)
  }

  /// ∂loss/∂x of max pooling (replaced): each output's gradient added at its argmax.
  public func maxBackward(
    _ dy: UnsafePointer<Double>, argmax: UnsafePointer<Double>,
    _ dx: UnsafeMutablePointer<Double>, batch n: Int
  ) {
    dx.update(repeating: 0, count: n * channels * height * width)
    for i in 0..<(n * channels * outHeight * outWidth) { dx[Int(argmax[i])] += dy[i] }
  }

  /// Average pooling of `n` samples; each window's sum is divided by kh·kw.
  public func avgForward(
    _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, batch n: Int
  ) {
    let plane = height * width
    let scale = 1 / Double(kernelHeight * kernelWidth)
    var out = 0
    for sc in 0..<(n * channels) {
      let base = x + sc * plane
      for oy in 0..<outHeight {
        let y0 = oy * strideHeight
        let y1 = Swift.min(y0 + kernelHeight, height)
        for ox in 0..<outWidth {
          let x0 = ox * strideWidth
          let x1 = Swift.min(x0 + kernelWidth, width)
          var sum = 0.0
          for iy in y0..<y1 {
            for ix in x0..<x1 { sum += base[iy * width + ix] }
          }
          y[out] = sum * scale
          out += 1
        }
      }
    }
  }

  /// ∂loss/∂x of average pooling (replaced).
  public func avgBackward(
    _ dy: UnsafePointer<Double>, _ dx: UnsafeMutablePointer<Double>, batch n: Int
  ) {
    let plane = height * width
    let scale = 1 / Double(kernelHeight * kernelWidth)
    dx.update(repeating: 0, count: n * channels * plane)
    var out = 0
    for sc in 0..<(n * channels) {
      let base = dx + sc * plane
      for oy in 0..<outHeight {
        let y0 = oy * strideHeight
        let y1 = Swift.min(y0 + kernelHeight, height)
        for ox in 0..<outWidth {
          let x0 = ox * strideWidth
          let x1 = Swift.min(x0 + kernelWidth, width)
          let g = dy[out] * scale
          for iy in y0..<y1 {
            for ix in x0..<x1 { base[iy * width + ix] += g }
          }
          out += 1
        }
      }
    }
  }
}
