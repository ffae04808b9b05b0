import Foundation
import TensorEngine
import Testing

@Suite struct MatMulTests {
  @Test func knownMatrices() throws {
    let a = try Tensor([[1, 2], [3, 4]])
    let b = try Tensor([[5, 6], [7, 8]])
    // [1·5 + 2·7, 1·6 + 2·8; 3·5 + 4·7, 3·6 + 4·8]
    expectTensor(try Tensor.matmul(a, b), shape: [2, 2], [19, 22, 43, 50])
    let c = try Tensor([[1, 0, -1], [2, 1, 0]])
    let d = try Tensor([[1, 2], [0, 1], [3, 0]])
    expectTensor(try Tensor.matmul(c, d), shape: [2, 2], [-2, 2, 2, 5])
    expectTensor(try Tensor.matmul(d, c), shape: [3, 3], [5, 2, -1, 2, 1, 0, 3, 0, -3])
    expectTensor(try Tensor.matmul(a, Tensor.eye(2)), shape: [2, 2], [1, 2, 3, 4])
  }

  @Test func vectors() throws {
    let v = Tensor([1, 2, 3])
    let m = try Tensor([[1, 0], [0, 1], [1, 1]])
    // Vector @ vector is the dot product 1·4 + 2·5 + 3·6.
    expectTensor(try Tensor.matmul(v, Tensor([4, 5, 6])), shape: [], [32])
    // Vector @ matrix: the vector is one row.
    expectTensor(try Tensor.matmul(v, m), shape: [2], [4, 5])
    // Matrix @ vector: the vector is one column.
    expectTensor(try Tensor.matmul(m.transposed(), v), shape: [2], [4, 5])
    expectTensor(try Tensor.matmul(m, Tensor([2, 3])), shape: [3], [2, 3, 5])
  }

  /// Each batch matrix of the result is the product of the matching (broadcast) operands.
  static func batchReference(
    _ a: Tensor, _ b: Tensor, aIndex: (Int) -> Int, bIndex: (Int) -> Int, batches: Int
  ) -> [Double] {
    let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let n = b.shape[b.rank - 1]
    var out: [Double] = []
    for i in 0..<batches {
      let ia = aIndex(i)
      let ib = bIndex(i)
      out += naiveMatmul(
        Array(a.scalars[(ia * m * k)..<((ia + 1) * m * k)]),
        Array(b.scalars[(ib * k * n)..<((ib + 1) * k * n)]), m: m, k: k, n: n)
    }
    return out
  }

  @Test func batched() throws {
    let a = try randomTensor([2, 3, 4], seed: 101)
    let b = try randomTensor([2, 4, 5], seed: 102)
    expectTensor(
      try Tensor.matmul(a, b), shape: [2, 3, 5],
      Self.batchReference(a, b, aIndex: { $0 }, bIndex: { $0 }, batches: 2))
    // One matrix on the right, shared by each batch of the left.
    let w = try randomTensor([4, 5], seed: 103)
    expectTensor(
      try Tensor.matmul(a, w), shape: [2, 3, 5],
      Self.batchReference(a, w, aIndex: { $0 }, bIndex: { _ in 0 }, batches: 2))
  }

  @Test func broadcastBatches() throws {
    let a = try randomTensor([1, 3, 4], seed: 104)
    let b = try randomTensor([2, 4, 5], seed: 105)
    expectTensor(
      try Tensor.matmul(a, b), shape: [2, 3, 5],
      Self.batchReference(a, b, aIndex: { _ in 0 }, bIndex: { $0 }, batches: 2))
    // [2, 1] batches with [3]: result batch (i, j) uses a's i and b's j.
    let c = try randomTensor([2, 1, 3, 4], seed: 106)
    let d = try randomTensor([3, 4, 2], seed: 107)
    expectTensor(
      try Tensor.matmul(c, d), shape: [2, 3, 3, 2],
      Self.batchReference(c, d, aIndex: { $0 / 3 }, bIndex: { $0 % 3 }, batches: 6))
  }

  @Test func batchedWithVectors() throws {
    let a = try randomTensor([2, 3, 4], seed: 108)
    let v = try randomTensor([4], seed: 109)
    let av = try Tensor.matmul(a, v)
    #expect(av.shape == [2, 3])
    expectClose(av.scalars, naiveMatmul(a.scalars, v.scalars, m: 6, k: 4, n: 1))
    let b = try randomTensor([2, 4, 5], seed: 110)
    let vb = try Tensor.matmul(v, b)
    #expect(vb.shape == [2, 5])
    expectClose(
      vb.scalars,
      naiveMatmul(v.scalars, Array(b.scalars[0..<20]), m: 1, k: 4, n: 5)
        + naiveMatmul(v.scalars, Array(b.scalars[20..<40]), m: 1, k: 4, n: 5))
  }

  /// (m, k, n) of products on either side of `Tensor.blasThreshold`.
  @Test(arguments: [(5, 6, 7), (1, 30, 40), (20, 30, 25), (64, 33, 17), (1, 4096, 1)])
  func agreesWithAPlainLoop(m: Int, k: Int, n: Int) throws {
    let a = try randomTensor([m, k], seed: 111)
    let b = try randomTensor([k, n], seed: 112)
    expectTensor(
      try Tensor.matmul(a, b), shape: [m, n], naiveMatmul(a.scalars, b.scalars, m: m, k: k, n: n))
  }

  /// A product above the threshold (OpenBLAS) row by row through products below it (the
  /// engine's own loop): both paths must give the same numbers.
  @Test func blasAndLoopPathsAgree() throws {
    let (m, k, n) = (24, 20, 20)
    #expect(m * k * n >= Tensor.blasThreshold && k * n < Tensor.blasThreshold)
    let a = try randomTensor([m, k], seed: 113)
    let b = try randomTensor([k, n], seed: 114)
    let whole = try Tensor.matmul(a, b)
    for i in 0..<m {
      let row = try Tensor.matmul(a.index(i), b)
      expectClose(Array(whole.scalars[(i * n)..<((i + 1) * n)]), row.scalars, tolerance: 1e-13)
    }
  }

  @Test func emptyInnerSizeGivesZeros() throws {
    expectTensor(
      try Tensor.matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])), shape: [2, 3],
      [0, 0, 0, 0, 0, 0])
    #expect(try Tensor.matmul(Tensor.zeros([0, 3]), Tensor.ones([3, 2])).shape == [0, 2])
    #expect(try Tensor.matmul(Tensor.ones([2, 3]), Tensor.ones([3, 0])).shape == [2, 0])
    // The gradient of an empty product is zeros of each operand's shape.
    let a = Tensor.parameter(try Tensor.zeros([2, 0]))
    let b = Tensor.parameter(try Tensor.ones([0, 3]))
    let grads = try Tensor.gradients(of: try Tensor.matmul(a, b).sum(), withRespectTo: [a, b])
    #expect(grads[0].shape == [2, 0] && grads[1].shape == [0, 3])
  }

  @Test(arguments: [false, true])
  func linearIsXTimesWTransposedPlusB(bias: Bool) throws {
    let x = try randomTensor([5, 3], seed: 115)
    let w = try randomTensor([4, 3], seed: 116)
    let b = try randomTensor([4], seed: 117)
    var expected = naiveMatmul(x.scalars, w.transposed().scalars, m: 5, k: 3, n: 4)
    if bias {
      for i in expected.indices { expected[i] += b.scalars[i % 4] }
    }
    expectTensor(
      try Tensor.linear(x, weight: w, bias: bias ? b : nil), shape: [5, 4], expected)
    // A vector input gives a vector: the first row's result.
    expectTensor(
      try Tensor.linear(x.index(0), weight: w, bias: bias ? b : nil), shape: [4],
      Array(expected[0..<4]))
  }

  @Test func linearAboveTheThreshold() throws {
    let x = try randomTensor([30, 20], seed: 118)
    let w = try randomTensor([25, 20], seed: 119)
    let b = try randomTensor([25], seed: 120)
    var expected = naiveMatmul(x.scalars, w.transposed().scalars, m: 30, k: 20, n: 25)
    for i in expected.indices { expected[i] += b.scalars[i % 25] }
    expectTensor(try Tensor.linear(x, weight: w, bias: b), shape: [30, 25], expected)
  }

  @Test func productsOfPlainTensorsRecordNothing() throws {
    let a = try randomTensor([2, 3], seed: 121)
    let b = try randomTensor([3, 2], seed: 122)
    #expect(try !Tensor.matmul(a, b).requiresGrad)
    #expect(try !Tensor.linear(a, weight: b.transposed(), bias: nil).requiresGrad)
    #expect(try Tensor.matmul(a, Tensor.parameter(b)).requiresGrad)
  }
}

/// The public `gemm` kernel, which the compiled training loop calls on its own buffers,
/// against a triple loop written from the definition.
@Suite struct GemmKernelTests {
  /// C = op(A) · op(B) + beta · C, element by element, with A, B and C in row-major storage
  /// with leading dimensions lda, ldb and ldc.
  func reference(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: [Double], _ lda: Int,
    _ b: [Double], _ ldb: Int, _ c: [Double], _ ldc: Int, beta: Double
  ) -> [Double] {
    var out = c
    for i in 0..<m {
      for j in 0..<n {
        var sum = 0.0
        for p in 0..<k {
          let aip = transA ? a[p * lda + i] : a[i * lda + p]
          let bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
          sum += aip * bpj
        }
        out[i * ldc + j] = sum + beta * c[i * ldc + j]
      }
    }
    return out
  }

  @Test(arguments: [
    (3, 4, 2), (4, 1, 4), (9, 11, 7), (16, 16, 16), (33, 5, 40), (120, 100, 90), (24, 500, 100),
    (101, 103, 97),
  ])
  func everyTransposeAgreesWithTheDefinition(_ size: (Int, Int, Int)) {
    let (m, n, k) = size
    // Sizes on both sides of the BLAS threshold and of the split into parts on all cores (by
    // rows, by columns when there are more of those, and at sizes no multiple of 8), and
    // leading dimensions wider than the matrices so that a stride mix-up shows.
    #expect((3 * 4 * 2) < Tensor.blasThreshold && (16 * 16 * 16) >= Tensor.blasThreshold)
    #expect((33 * 5 * 40) < Tensor.splitThreshold && (101 * 103 * 97) >= Tensor.splitThreshold)
    var g = RandomGenerator(seed: UInt64(m * 100 + n * 10 + k))
    for transA in [false, true] {
      for transB in [false, true] {
        for beta in [0.0, 1.0, 0.5] {
          let (aRows, aCols) = transA ? (k, m) : (m, k)
          let (bRows, bCols) = transB ? (n, k) : (k, n)
          let (lda, ldb, ldc) = (aCols + 2, bCols + 1, n + 3)
          let a = (0..<(aRows * lda)).map { _ in g.normal() }
          let b = (0..<(bRows * ldb)).map { _ in g.normal() }
          var c = (0..<(m * ldc)).map { _ in g.normal() }
          let expected = reference(
            transA, transB, m, n, k, a, lda, b, ldb, c, ldc, beta: beta)
          a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
              c.withUnsafeMutableBufferPointer { pc in
                Tensor.gemm(
                  transA: transA, transB: transB, m: m, n: n, k: k, a: pa.baseAddress!,
                  lda: lda, b: pb.baseAddress!, ldb: ldb, c: pc.baseAddress!, ldc: ldc,
                  beta: beta)
              }
            }
          }
          let error = zip(c, expected).map { abs($0 - $1) }.max() ?? 0
          #expect(error < 1e-12, "transA \(transA) transB \(transB) beta \(beta)")
        }
      }
    }
  }
}

/// OpenBLAS's own threads stay asleep: Gradbook splits large products itself and gives
/// OpenBLAS its threads only while a LAPACK routine runs.
@Suite struct BLASThreadsTests {
  @Test func openBLASRunsSingleThreadedAroundProductsAndLAPACK() throws {
    #expect(BLASThreads.available >= 1)
    let a = try Tensor.randn([200, 200])
    let product = try Tensor.matmul(a, a)
    #expect(200 * 200 * 200 >= Tensor.splitThreshold)
    #expect(BLASThreads.openBLASThreads == 1)
    // A·X = A·A has the solution X = A.
    let x = try Tensor.solve(a, product)
    #expect(zip(x.scalars, a.scalars).map { abs($0 - $1) }.max()! < 1e-8)
    #expect(BLASThreads.openBLASThreads == 1)
  }
}
