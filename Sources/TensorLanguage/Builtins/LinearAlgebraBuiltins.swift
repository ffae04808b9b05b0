import NeuralNet
import TensorEngine

/// Linear algebra of matrices, computed by LAPACK (OpenBLAS), named as in `numpy.linalg`.
extension Builtins {
  static let linearAlgebra: [Builtin] = [
    Builtin(
      "solve", [P("A", "matrix"), P("b", "tensor")], group: "linalg",
      summary: "x with A @ x = b, for a square invertible A and b a vector or matrix; "
        + "differentiable in A and b",
      example: "solve([[2, 1], [1, 3]], [3, 5])"
    ) { args, _ in .tensor(try Tensor.solve(args.tensor("A"), args.tensor("b"))) },
    Builtin(
      "inv", [P("A", "matrix")], group: "linalg",
      summary: "the inverse of a square invertible matrix (an error when it is singular); "
        + "differentiable",
      example: "inv([[2, 1], [1, 3]])"
    ) { args, _ in .tensor(try args.tensor("A").inverse()) },
    Builtin(
      "det", [P("A", "matrix")], group: "linalg",
      summary: "the determinant of a square matrix (0 when singular); differentiable where "
        + "A is invertible",
      example: "det([[2, 1], [1, 3]])"
    ) { args, _ in .tensor(try args.tensor("A").determinant()) },
    Builtin(
      "eig", [P("A", "matrix")], group: "linalg",
      summary: "eigenvalues (ascending) and eigenvectors (the columns) of a symmetric "
        + "matrix, as numpy.linalg.eigh: A @ V = V * values; refuses a non-symmetric one; "
        + "no gradient",
      example: "values, V = eig([[2, 1], [1, 2]])"
    ) { args, _ in
      let (values, vectors) = try args.tensor("A").symmetricEigen()
      return .tuple([.tensor(values), .tensor(vectors)])
    },
    Builtin(
      "svd", [P("A", "matrix")], group: "linalg",
      summary:
        "U, S, Vt with A = (U * S) @ Vt, that is U·diag(S)·Vᵀ: singular values S descending, as "
        + "numpy.linalg.svd(A, full_matrices=False); no gradient",
      example: "U, S, Vt = svd([[3, 0], [4, 5]])"
    ) { args, _ in
      let (u, s, vt) = try args.tensor("A").svd()
      return .tuple([.tensor(u), .tensor(s), .tensor(vt)])
    },
  ]
}
