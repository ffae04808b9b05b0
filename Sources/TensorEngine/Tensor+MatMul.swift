import CBLAS

extension Tensor {
  /// Products with fewer multiply-adds than this (m·n·k) run as a plain loop: below it the
  /// call into OpenBLAS costs more than the arithmetic it saves. Measured with `:time` on
  /// this project's machines (AMD EPYC, OpenBLAS 0.3.21): 8×8 @ 8×8 costs the same both
  /// ways, 12×12 @ 12×12 and every larger product is faster in OpenBLAS.
  public static let blasThreshold = 512

  /// Products with at least this many multiply-adds run in parts on all cores
  /// (`BLASThreads`); smaller ones on the calling thread, waking no other. Measured on this
  /// project's 2-core machines, two halves against one thread (GFLOP/s): 64³ 73 against 55,
  /// 96³ 99 against 59, 128³ 93 against 56 — with the other core's worker already awake, as
  /// in a loop of products; a worker woken from sleep costs tens of microseconds, most of a
  /// 64³ product, so the split starts at about 100³.
  public static let splitThreshold = 1_000_000

  /// The matrix product, batched over leading axes that broadcast as in numpy's `matmul`.
  ///
  /// ```
  /// C[..., i, j] = Σ_p A[..., i, p] · B[..., p, j]
  /// ∂L/∂A = ∂L/∂C · Bᵀ        ∂L/∂B = Aᵀ · ∂L/∂C
  /// ```
  /// A vector on the left acts as one row and on the right as one column; that axis is
  /// dropped from the result, so vector @ vector is their dot product.
  public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.rank > 0, b.rank > 0 else {
      throw TensorError(
        .shape,
        "cannot multiply \(Shape.describe(a.shape)) @ \(Shape.describe(b.shape)): @ needs "
          + "vectors or matrices; use * to scale by a number")
    }
    let aShape = a.rank == 1 ? [1, a.shape[0]] : a.shape
    let bShape = b.rank == 1 ? [b.shape[0], 1] : b.shape
    let m = aShape[aShape.count - 2]
    let k = aShape[aShape.count - 1]
    let n = bShape[bShape.count - 1]
    guard bShape[bShape.count - 2] == k else {
      throw TensorError(
        .shape,
        "cannot multiply \(Shape.describe(a.shape)) @ \(Shape.describe(b.shape)): inner sizes "
          + "\(k) and \(bShape[bShape.count - 2]) differ")
    }
    // Two matrices, the common case, skip the batch bookkeeping.
    let plain = aShape.count == 2 && bShape.count == 2
    let aBatch = plain ? [] : Array(aShape.dropLast(2))
    let bBatch = plain ? [] : Array(bShape.dropLast(2))
    let batch = plain ? [] : try Shape.broadcast(aBatch, bBatch, op: "@")
    var outShape = plain ? [m, n] : batch + [m, n]
    let total = try checkedCount(outShape)
    let pairs = plain ? [(0, 0)] : batchPairs(batch: batch, aBatch: aBatch, bBatch: bBatch)
    // Not zeroed first: with beta 0 every product writes each element of its matrix, and
    // the matrices of the batch cover the result.
    let out = [Double](unsafeUninitializedCapacity: total) { pc, initialized in
      a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
          for (i, (ia, ib)) in pairs.enumerated() {
            gemm(
              false, false, m, n, k, pa, ia * m * k, k, pb, ib * k * n, n, pc, i * m * n, n,
              beta: 0)
          }
        }
      }
      initialized = total
    }
    if b.rank == 1 { outShape.removeLast() }
    if a.rank == 1 { outShape.remove(at: outShape.count - (b.rank == 1 ? 1 : 2)) }
    let y = Tensor(unchecked: outShape, out)
    guard a.requiresGrad || b.requiresGrad else { return y }
    return y.recorded(from: [a, b]) { g in
      // Accumulating (beta 1) sums the gradient over batch axes that were broadcast.
      var da = [Double](repeating: 0, count: a.requiresGrad ? a.count : 0)
      var db = [Double](repeating: 0, count: b.requiresGrad ? b.count : 0)
      g.scalars.withUnsafeBufferPointer { pg in
        a.scalars.withUnsafeBufferPointer { pa in
          b.scalars.withUnsafeBufferPointer { pb in
            da.withUnsafeMutableBufferPointer { pda in
              db.withUnsafeMutableBufferPointer { pdb in
                for (i, (ia, ib)) in pairs.enumerated() {
                  if a.requiresGrad {
                    gemm(
                      false, true, m, k, n, pg, i * m * n, n, pb, ib * k * n, n, pda, ia * m * k,
                      k, beta: 1)
                  }
                  if b.requiresGrad {
                    gemm(
                      true, false, k, n, m, pa, ia * m * k, k, pg, i * m * n, n, pdb, ib * k * n,
                      n, beta: 1)
                  }
                }
              }
            }
          }
        }
      }
      return [
        a.requiresGrad ? Tensor(unchecked: a.shape, da) : nil,
        b.requiresGrad ? Tensor(unchecked: b.shape, db) : nil,
      ]
    }
  }

  /// A dense layer's affine map in one step, as PyTorch's `F.linear`:
  ///
  /// ```
  /// y = x · Wᵀ + b        x: [batch, in] or [in],  W: [out, in],  b: [out]
  /// ∂L/∂x = g · W        ∂L/∂W = gᵀ · x        ∂L/∂b = Σ_rows g
  /// ```
  public static func linear(_ x: Tensor, weight w: Tensor, bias: Tensor?) throws -> Tensor {
    guard w.rank == 2 else {
      throw TensorError(
        .shape, "weight must be a matrix [out, in], not \(Shape.describe(w.shape))")
    }
    let outputs = w.shape[0]
    let inputs = w.shape[1]
    guard x.rank == 1 || x.rank == 2, x.shape[x.rank - 1] == inputs else {
      throw TensorError(
        .shape,
        "input \(Shape.describe(x.shape)) does not fit weights \(Shape.describe(w.shape)): "
          + "expected [\(inputs)] or [batch, \(inputs)]")
    }
    if let bias, bias.shape != [outputs] {
      throw TensorError(
        .shape,
        "bias \(Shape.describe(bias.shape)) does not fit \(outputs) outputs: expected [\(outputs)]"
      )
    }
    let rows = x.rank == 1 ? 1 : x.shape[0]
    let total = try checkedCount([rows, outputs])
    var out = [Double](repeating: 0, count: total)
    out.withUnsafeMutableBufferPointer { py in
      // Row by row through BLAS: the same values as a loop, which an unoptimized (debug)
      // build runs several times slower than the product itself for a GAN's small layers.
      if let bias, let start = py.baseAddress, outputs > 0 {
        bias.scalars.withUnsafeBufferPointer { pb in
          for r in 0..<rows {
            cblas_dcopy(Int32(outputs), pb.baseAddress, 1, start + r * outputs, 1)
          }
        }
      }
      x.scalars.withUnsafeBufferPointer { px in
        w.scalars.withUnsafeBufferPointer { pw in
          gemm(
            false, true, rows, outputs, inputs, px, 0, inputs, pw, 0, inputs, py, 0, outputs,
            beta: 1)
        }
      }
    }
    let y = Tensor(unchecked: x.rank == 1 ? [outputs] : [rows, outputs], out)
    let needBias = bias?.requiresGrad ?? false
    guard x.requiresGrad || w.requiresGrad || needBias else { return y }
    return y.recorded(from: [x, w] + (bias.map { [$0] } ?? [])) { g in
      var dx = [Double](repeating: 0, count: x.requiresGrad ? x.count : 0)
      var dw = [Double](repeating: 0, count: w.requiresGrad ? w.count : 0)
      var db = [Double](repeating: 0, count: needBias ? outputs : 0)
      g.scalars.withUnsafeBufferPointer { pg in
        if x.requiresGrad {
          w.scalars.withUnsafeBufferPointer { pw in
            dx.withUnsafeMutableBufferPointer { pdx in
              gemm(
                false, false, rows, inputs, outputs, pg, 0, outputs, pw, 0, inputs, pdx, 0,
                inputs, beta: 0)
            }
          }
        }
        if w.requiresGrad {
          x.scalars.withUnsafeBufferPointer { px in
            dw.withUnsafeMutableBufferPointer { pdw in
              gemm(
                true, false, outputs, inputs, rows, pg, 0, outputs, px, 0, inputs, pdw, 0,
                inputs, beta: 0)
            }
          }
        }
        // db[j] = Σ_r g[r, j], summed over r in order as a loop would, one row per call.
        if needBias, let rowsStart = pg.baseAddress, outputs > 0 {
          db.withUnsafeMutableBufferPointer { pdb in
            for r in 0..<rows {
              cblas_daxpy(Int32(outputs), 1, rowsStart + r * outputs, 1, pdb.baseAddress, 1)
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

  /// `C = op(A) · op(B) + beta · C` for row-major matrices starting at the given offsets,
  /// where op transposes when asked; `op(A)` is m×k and `op(B)` is k×n.
  static func gemm(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ a: UnsafeBufferPointer<Double>, _ aOffset: Int, _ lda: Int,
    _ b: UnsafeBufferPointer<Double>, _ bOffset: Int, _ ldb: Int,
    _ c: UnsafeMutableBufferPointer<Double>, _ cOffset: Int, _ ldc: Int, beta: Double
  ) {
    guard m > 0, n > 0 else { return }
    // Every buffer holds at least one element here (k = 0 reads nothing), so C has an address.
    guard let pc = c.baseAddress else { return }
    // An empty A or B (k = 0) is never read; any address will do.
    let pa = a.baseAddress.map { $0 + aOffset } ?? UnsafePointer(pc)
    let pb = b.baseAddress.map { $0 + bOffset } ?? UnsafePointer(pc)
    gemm(
      transA: transA, transB: transB, m: m, n: n, k: k, a: pa, lda: lda, b: pb, ldb: ldb,
      c: pc + cOffset, ldc: ldc, beta: beta)
  }

  /// `C = op(A) · op(B) + beta · C` for row-major matrices, op transposing when asked:
  ///
  /// ```
  /// C[i, j] = Σ_p op(A)[i, p] · op(B)[p, j] + beta · C[i, j]      op(A): m×k, op(B): k×n
  /// ```
  /// At or above `blasThreshold` multiply-adds this is OpenBLAS's `dgemm`; below it a plain
  /// loop, which sums in order of p. The training loop's compiled path calls it on its own
  /// buffers so that its products are the graph's.
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int, beta: Double
  ) {
    // An empty inner axis (k = 0) leaves beta · C, which the loop below gives.
    guard m > 0, n > 0 else { return }
    let fitsBLAS = Swift.max(m, n, k, lda, ldb, ldc) <= Int(Int32.max)
    if m * n * k >= blasThreshold && fitsBLAS {
      let parts = m * n * k >= splitThreshold ? BLASThreads.available : 1
      guard parts > 1, Swift.max(m, n) >= 16 * parts else {
        _ = BLASThreads.available  // OpenBLAS single-threaded before its first product
        blasGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, beta)
        return
      }
      // Parts of C's rows (or of its columns, when it has more of those), each one core's
      // single-threaded product; the bounds are multiples of 8, the width of OpenBLAS's
      // kernels, so that no part ends in a narrow edge.
      let byRows = m >= n
      let extent = byRows ? m : n
      Parallel.forEach(parts) { part in
        let lo = part == 0 ? 0 : extent * part / parts / 8 * 8
        let hi = part == parts - 1 ? extent : extent * (part + 1) / parts / 8 * 8
        guard hi > lo else { return }
        if byRows {
          blasGemm(
            transA, transB, hi - lo, n, k, a + (transA ? lo : lo * lda), lda, b, ldb,
            c + lo * ldc, ldc, beta)
        } else {
          blasGemm(
            transA, transB, m, hi - lo, k, a, lda, b + (transB ? lo * ldb : lo), ldb, c + lo,
            ldc, beta)
        }
      }
      return
    }
    // Below the threshold the sizes are tiny, so the loop is written for few instructions
    // per product rather than for vectors: each C[i, j] starts from beta · C[i, j] (never
    // read when beta is 0) and adds its products in order of p, two columns at a time
    // sharing each element of A. The strides walk A or Aᵀ, B or Bᵀ alike.
    let (aRow, aStep) = transA ? (1, lda) : (lda, 1)
    let (bStep, bColumn) = transB ? (1, ldb) : (ldb, 1)
    for i in 0..<m {
      let ai = a + i * aRow
      let ci = c + i * ldc
      var j = 0
      while j + 1 < n {
        let b0 = b + j * bColumn
        let b1 = b0 + bColumn
        var s0 = beta == 0 ? 0 : beta * ci[j]
        var s1 = beta == 0 ? 0 : beta * ci[j + 1]
        for p in 0..<k {
          let x = ai[p * aStep]
          s0 += x * b0[p * bStep]
          s1 += x * b1[p * bStep]
        }
        ci[j] = s0
        ci[j + 1] = s1
        j += 2
      }
      if j < n {
        let b0 = b + j * bColumn
        var s0 = beta == 0 ? 0 : beta * ci[j]
        for p in 0..<k { s0 += ai[p * aStep] * b0[p * bStep] }
        ci[j] = s0
      }
    }
  }

  /// OpenBLAS's row-major `dgemm`: `C = op(A) · op(B) + beta · C`.
  private static func blasGemm(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Double>, _ ldc: Int, _ beta: Double
  ) {
    cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// For each matrix of a broadcast batch, which matrix of A and of B it multiplies.
  private static func batchPairs(batch: [Int], aBatch: [Int], bBatch: [Int]) -> [(Int, Int)] {
    let a = offsets(shape: batch, strides: broadcastStrides(aBatch, to: batch))
    let b = offsets(shape: batch, strides: broadcastStrides(bBatch, to: batch))
    return Array(zip(a, b))
  }
}
