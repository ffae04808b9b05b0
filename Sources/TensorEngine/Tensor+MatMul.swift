import CBLAS

extension Tensor {
  /// Products with fewer multiply-adds than this (m·n·k) run as a plain loop: below it the
  /// call into OpenBLAS costs more than the arithmetic it saves.
  public static let blasThreshold = 4096

  /// The matrix product, batched over leading axes that broadcast as in numpy's `matmul`.
  ///
  /// ```
  /// C[..., i, j] = Σ_p A[..., i, p] · B[..., p, j]
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
    let aBatch = Array(aShape.dropLast(2))
    let bBatch = Array(bShape.dropLast(2))
    let batch = try Shape.broadcast(aBatch, bBatch, op: "@")
    var outShape = batch + [m, n]
    let total = try checkedCount(outShape)
    let plan = BatchPlan(batch: batch, aBatch: aBatch, bBatch: bBatch)
    var out = [Double](repeating: 0, count: total)
    // With an empty axis the product is empty or all zeros, and buffers may have no address.
    let nonEmpty = m > 0 && n > 0 && k > 0
    if nonEmpty {
    a.scalars.withUnsafeBufferPointer { pa in
      b.scalars.withUnsafeBufferPointer { pb in
        out.withUnsafeMutableBufferPointer { pc in
          for (i, (ia, ib)) in plan.pairs.enumerated() {
            gemm(
              false, false, m, n, k, pa.baseAddress! + ia * m * k, k, pb.baseAddress! + ib * k * n,
              n, pc.baseAddress! + i * m * n, n, beta: 0)
          }
        }
      }
    }
    }
    if b.rank == 1 { outShape.removeLast() }
    if a.rank == 1 { outShape.remove(at: outShape.count - (b.rank == 1 ? 1 : 2)) }
    let y = Tensor(unchecked: outShape, out)
    guard a.requiresGrad || b.requiresGrad else { return y }
    return y.recorded(from: [a, b]) { g in
      // dA = dC · Bᵀ and dB = Aᵀ · dC per batch, summed where a batch axis was broadcast.
      var da: [Double]? = a.requiresGrad ? [Double](repeating: 0, count: a.count) : nil
      var db: [Double]? = b.requiresGrad ? [Double](repeating: 0, count: b.count) : nil
      if nonEmpty {
      g.scalars.withUnsafeBufferPointer { pg in
        a.scalars.withUnsafeBufferPointer { pa in
          b.scalars.withUnsafeBufferPointer { pb in
            for (i, (ia, ib)) in plan.pairs.enumerated() {
              let gi = pg.baseAddress! + i * m * n
              da?.withUnsafeMutableBufferPointer { pda in
                gemm(
                  false, true, m, k, n, gi, n, pb.baseAddress! + ib * k * n, n,
                  pda.baseAddress! + ia * m * k, k, beta: 1)
              }
              db?.withUnsafeMutableBufferPointer { pdb in
                gemm(
                  true, false, k, n, m, pa.baseAddress! + ia * m * k, k, gi, n,
                  pdb.baseAddress! + ib * k * n, n, beta: 1)
              }
            }
          }
        }
      }
      }
      return [
        da.map { Tensor(unchecked: a.shape, $0) }, db.map { Tensor(unchecked: b.shape, $0) },
      ]
    }
  }

  /// A dense layer's affine map in one step, as PyTorch's `F.linear`:
  ///
  /// ```
  /// y = x · Wᵀ + b        x: [batch, in] or [in],  W: [out, in],  b: [out]
  /// ```
  public static func linear(_ x: Tensor, weight w: Tensor, bias: Tensor?) throws -> Tensor {
    guard w.rank == 2 else {
      throw TensorError(.shape, "weight must be a matrix [out, in], not \(Shape.describe(w.shape))")
    }
    let outputs = w.shape[0]
    let inputs = w.shape[1]
    guard (x.rank == 1 || x.rank == 2), x.shape[x.rank - 1] == inputs else {
      throw TensorError(
        .shape,
        "input \(Shape.describe(x.shape)) does not fit weights \(Shape.describe(w.shape)): "
          + "expected [\(inputs)] or [batch, \(inputs)]")
    }
    if let bias, bias.shape != [outputs] {
      throw TensorError(
        .shape, "bias \(Shape.describe(bias.shape)) does not fit \(outputs) outputs: expected [\(outputs)]")
    }
    let rows = x.rank == 1 ? 1 : x.shape[0]
    let total = try checkedCount([rows, outputs])
    var out = [Double](unsafeUninitializedCapacity: total) { buffer, initialized in
      if let bias {
        for r in 0..<rows {
          for j in 0..<outputs { buffer[r * outputs + j] = bias.scalars[j] }
        }
      } else {
        buffer.initialize(repeating: 0)
      }
      initialized = total
    }
    let nonEmpty = rows > 0 && outputs > 0 && inputs > 0
    if nonEmpty {
    x.scalars.withUnsafeBufferPointer { px in
      w.scalars.withUnsafeBufferPointer { pw in
        out.withUnsafeMutableBufferPointer { py in
          gemm(
            false, true, rows, outputs, inputs, px.baseAddress!, inputs, pw.baseAddress!, inputs,
            py.baseAddress!, outputs, beta: 1)
        }
      }
    }
    }
    let y = Tensor(unchecked: x.rank == 1 ? [outputs] : [rows, outputs], out)
    guard x.requiresGrad || w.requiresGrad || (bias?.requiresGrad ?? false) else { return y }
    let inputs3: [Tensor] = bias.map { [x, w, $0] } ?? [x, w]
    return y.recorded(from: inputs3) { g in
      var grads: [Tensor?] = []
      g.scalars.withUnsafeBufferPointer { pg in
        if x.requiresGrad {
          var dx = [Double](repeating: 0, count: x.count)
          if nonEmpty {
          w.scalars.withUnsafeBufferPointer { pw in
            dx.withUnsafeMutableBufferPointer { pdx in
              gemm(
                false, false, rows, inputs, outputs, pg.baseAddress!, outputs, pw.baseAddress!,
                inputs, pdx.baseAddress!, inputs, beta: 0)
            }
          }
          }
          grads.append(Tensor(unchecked: x.shape, dx))
        } else {
          grads.append(nil)
        }
        if w.requiresGrad {
          var dw = [Double](repeating: 0, count: w.count)
          if nonEmpty {
          x.scalars.withUnsafeBufferPointer { px in
            dw.withUnsafeMutableBufferPointer { pdw in
              gemm(
                true, false, outputs, inputs, rows, pg.baseAddress!, outputs, px.baseAddress!,
                inputs, pdw.baseAddress!, inputs, beta: 0)
            }
          }
          }
          grads.append(Tensor(unchecked: w.shape, dw))
        } else {
          grads.append(nil)
        }
        if let bias {
          if bias.requiresGrad {
            var db = [Double](repeating: 0, count: outputs)
            for r in 0..<rows {
              for j in 0..<outputs { db[j] += pg[r * outputs + j] }
            }
            grads.append(Tensor(unchecked: bias.shape, db))
          } else {
            grads.append(nil)
          }
        }
      }
      return grads
    }
  }

  /// `C = op(A) · op(B) + beta · C` for row-major matrices, where op transposes when asked;
  /// `op(A)` is m×k and `op(B)` is k×n.
  static func gemm(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Double>, _ ldc: Int, beta: Double
  ) {
    guard m > 0, n > 0 else { return }
    let fitsBLAS = Swift.max(m, n, k, lda, ldb, ldc) <= Int(Int32.max)
    if m * n * k >= blasThreshold && fitsBLAS {
      cblas_dgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
      return
    }
    if beta == 0 {
      for i in 0..<m {
        for j in 0..<n { c[i * ldc + j] = 0 }
      }
    }
    // i-p-j order keeps the innermost loop running along rows of B and C.
    for i in 0..<m {
      for p in 0..<k {
        let aip = transA ? a[p * lda + i] : a[i * lda + p]
        if transB {
          for j in 0..<n { c[i * ldc + j] += aip * b[j * ldb + p] }
        } else {
          for j in 0..<n { c[i * ldc + j] += aip * b[p * ldb + j] }
        }
      }
    }
  }
}

/// For each matrix of a broadcast batch, which matrix of A and of B it multiplies.
private struct BatchPlan {
  let pairs: [(Int, Int)]

  init(batch: [Int], aBatch: [Int], bBatch: [Int]) {
    let count = batch.reduce(1, *)
    let sa = Tensor.broadcastStrides(aBatch, to: batch)
    let sb = Tensor.broadcastStrides(bBatch, to: batch)
    var pairs: [(Int, Int)] = []
    pairs.reserveCapacity(count)
    var index = [Int](repeating: 0, count: batch.count)
    for _ in 0..<count {
      pairs.append(
        (zip(index, sa).reduce(0) { $0 + $1.0 * $1.1 }, zip(index, sb).reduce(0) { $0 + $1.0 * $1.1 }))
      var d = batch.count - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < batch[d] { break }
        index[d] = 0
        d -= 1
      }
    }
    self.pairs = pairs
  }
}
