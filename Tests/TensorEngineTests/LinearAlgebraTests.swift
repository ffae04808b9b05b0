import Foundation
import TensorEngine
import Testing

// LAPACK's results checked by identities (A·solve(A, b) = b, A·inv(A) = I, U·diag(S)·Vᵀ = A,
// A·V = V·diag(λ)) and against values worked out by hand or by numpy:
//
//   import numpy as np
//   A = np.array([[4., 1, 2], [1, 3, 0], [2, 0, 5]])
//   np.linalg.solve(A, [1, 2, 3])  # [-13, 33, 31] / 43
//   np.linalg.inv(A) * 43          # [[15, -5, -6], [-5, 16, 2], [-6, 2, 11]]
//   np.linalg.det(A)               # 43
//   np.linalg.eigh(A)[0]           # [1.854897308799577, 3.476023602918134, 6.669079088282288]
//   np.linalg.svd([[1., 2], [3, 4], [5, 6]], full_matrices=False)[1]
//                                  # [9.525518091565107, 0.5143005806586443]

@Suite struct LinearAlgebraTests {
  static var a: Tensor { try! Tensor([[4, 1, 2], [1, 3, 0], [2, 0, 5]]) }
  /// Not symmetric, so that a transposition mix-up between row- and column-major shows.
  static var n: Tensor { try! Tensor([[0, 1, 2], [3, 1, 1], [1, 2, 0]]) }

  @Test func solveGivesTheHandWorkedSolution() throws {
    let x = try Tensor.solve(Self.a, Tensor([1, 2, 3]))
    expectTensor(x, shape: [3], [-13.0 / 43, 33.0 / 43, 31.0 / 43], tolerance: 1e-14)
    // A non-symmetric A and a matrix of right-hand sides: A·X = B column by column.
    let b = try Tensor([[1, 0], [2, 1], [3, -1]])
    let y = try Tensor.solve(Self.n, b)
    #expect(y.shape == [3, 2])
    expectClose(try Tensor.matmul(Self.n, y).scalars, b.scalars, tolerance: 1e-14)
  }

  @Test func inverseAndDeterminant() throws {
    let inverse = try Self.a.inverse()
    expectTensor(
      inverse, shape: [3, 3], [15, -5, -6, -5, 16, 2, -6, 2, 11].map { $0 / 43 }, tolerance: 1e-14)
    let ni = try Self.n.inverse()
    expectClose(try Tensor.matmul(Self.n, ni).scalars, try Tensor.eye(3).scalars, tolerance: 1e-14)
    // det by the rule of Sarrus: 0·1·0 + 1·1·1 + 2·3·2 − 2·1·1 − 1·3·0 − 0·1·2 = 11.
    expectClose(try Self.n.determinant().scalars, [11], tolerance: 1e-14)
    expectClose(try Self.a.determinant().scalars, [43], tolerance: 1e-14)
    // One row swap flips the sign.
    expectClose(try Tensor([[0, 1], [1, 0]]).determinant().scalars, [-1])
    #expect(try Tensor([[1, 2], [2, 4]]).determinant().scalars == [0])
  }

  @Test func symmetricEigenvaluesAscendWithUnitEigenvectorColumns() throws {
    let (values, vectors) = try Self.a.symmetricEigen()
    expectTensor(
      values, shape: [3], [1.854897308799577, 3.476023602918134, 6.669079088282288],
      tolerance: 1e-13)
    // A·V = V·diag(λ): column j of V is the eigenvector of λ_j.
    let av = try Tensor.matmul(Self.a, vectors)
    let vl = try vectors * values
    expectClose(av.scalars, vl.scalars, tolerance: 1e-13)
    // Vᵀ·V = I.
    expectClose(
      try Tensor.matmul(vectors.transposed(), vectors).scalars, try Tensor.eye(3).scalars,
      tolerance: 1e-13)
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3, with eigenvectors (1, −1)/√2 and (1, 1)/√2.
    let (small, v2) = try Tensor([[2, 1], [1, 2]]).symmetricEigen()
    expectClose(small.scalars, [1, 3], tolerance: 1e-14)
    expectClose(v2.scalars.map(abs), [Double](repeating: 0.5.squareRoot(), count: 4))
    #expect(v2.scalars[0] * v2.scalars[2] < 0 && v2.scalars[1] * v2.scalars[3] > 0)
  }

  @Test func svdRebuildsTheMatrix() throws {
    let m = try Tensor([[1, 2], [3, 4], [5, 6]])
    let (u, s, vt) = try m.svd()
    #expect(u.shape == [3, 2] && s.shape == [2] && vt.shape == [2, 2])
    // S² are the eigenvalues of MᵀM = [[35, 44], [44, 56]]: (91 ± √8185) / 2.
    let root = 8185.0.squareRoot()
    expectClose(s.scalars, [((91 + root) / 2).squareRoot(), ((91 - root) / 2).squareRoot()])
    expectClose(s.scalars, [9.525518091565107, 0.5143005806586443], tolerance: 1e-14)
    expectClose(try Tensor.matmul(u * s, vt).scalars, m.scalars, tolerance: 1e-14)
    // Wide as well as tall, with a column-major mix-up nowhere to hide.
    let wide = try Self.n[[.range(start: 0, end: 2, step: nil)]]
    let (u2, s2, vt2) = try wide.svd()
    #expect(u2.shape == [2, 2] && vt2.shape == [2, 3])
    expectClose(try Tensor.matmul(u2 * s2, vt2).scalars, wide.scalars, tolerance: 1e-14)
  }

  @Test func singularAndUnsuitableMatricesAreClearErrors() {
    let singular = expectTensorError(.argument) { try Tensor([[1, 2], [2, 4]]).inverse() }
    #expect(singular?.message.hasPrefix("inv: the matrix is singular") == true)
    // Singular only up to rounding: LAPACK would give numbers of 1e16 without the check.
    expectTensorError(.argument) {
      try Tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]).inverse()
    }
    expectTensorError(.argument) {
      try Tensor.solve(Tensor([[1, 2], [2, 4]]), Tensor([1, 2]))
    }
    let asymmetric = expectTensorError(.argument) { try Self.n.symmetricEigen() }
    #expect(asymmetric?.message.contains("A[0, 1] = 1 and A[1, 0] = 3") == true)
    expectTensorError(.shape) { try Tensor([[1, 2, 3]]).inverse() }
    expectTensorError(.shape) { try Tensor([1, 2]).determinant() }
    expectTensorError(.shape) { try Tensor.solve(Self.a, Tensor([1, 2])) }
    expectTensorError(.shape) { try Tensor.zeros([0, 0]).inverse() }
    expectTensorError(.shape) { try Tensor.zeros([2, 0]).svd() }
    expectTensorError(.argument) { try Tensor([[1, .nan], [0, 1]]).svd() }
    expectTensorError(.argument) { try Tensor([[1, .infinity], [0, 1]]).determinant() }
    let huge = expectTensorError(.memory) { try Tensor.zeros([3000, 3000]).inverse() }
    #expect(huge?.message.contains("too large") == true)
  }

  @Test func solveInverseAndDeterminantGradientsMatchFiniteDifferences() throws {
    // Well away from singular: the identity plus small entries.
    let a = Tensor.parameter(try Tensor.eye(3) + randomTensor([3, 3], seed: 71, in: -0.3...0.3))
    let b = try randomParameter([3], seed: 72)
    let bm = try randomParameter([3, 2], seed: 73)
    try checkGradients([a, b]) { p in try weightedSum(Tensor.solve(p[0], p[1])) }
    try checkGradients([a, bm]) { p in try weightedSum(Tensor.solve(p[0], p[1])) }
    try checkGradients([a]) { p in try weightedSum(p[0].inverse()) }
    try checkGradients([a]) { p in try p[0].determinant() * 2 }
  }

  @Test func decompositionsWithoutAGradientSaySoInsteadOfGuessing() throws {
    let a = Tensor.parameter(Self.a)
    let (values, _) = try a.symmetricEigen()
    let error = expectTensorError(.gradient) { try values.sum().backward() }
    #expect(error?.message.hasPrefix("eig has no gradient") == true)
    let (_, s, _) = try a.svd()
    expectTensorError(.gradient) { try Tensor.gradients(of: s.sum(), withRespectTo: [a]) }
    // Plain values record nothing and cost nothing.
    let (plain, _) = try Self.a.symmetricEigen()
    #expect(!plain.requiresGrad)
    let singular = Tensor.parameter(try Tensor([[1, 2], [2, 4]]))
    expectTensorError(.gradient) { try singular.determinant().backward() }
  }
}
