import CBLAS

/// Linear algebra of matrices through LAPACK, as OpenBLAS ships it, named as in
/// `numpy.linalg`: `solve`, `inv`, `det`, `eigh` (here `eig`, for symmetric matrices only)
/// and `svd`.
///
/// LAPACK works on column-major matrices and our tensors are row-major, so every matrix is
/// copied across before the call and back after it. A matrix holding nan or inf is refused
/// (LAPACK's answer would be meaningless), and so is one whose work would take too long to
/// be stopped with Ctrl-C.
extension Tensor {
  /// The most multiply-adds one decomposition may need (about a 2000×2000 inverse); larger
  /// ones are refused because LAPACK cannot be interrupted.
  public static let linearAlgebraWorkLimit = 10_000_000_000

  /// X with A·X = B, for a square, invertible A and B a vector `[n]` or a matrix `[n, k]`.
  ///
  /// ```
  /// X = A⁻¹B        ∂L/∂B = A⁻ᵀ·G        ∂L/∂A = −(A⁻ᵀ·G)·Xᵀ
  /// ```
  public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let n = try a.squareSize("solve")
    guard b.rank == 1 || b.rank == 2, b.shape[0] == n else {
      throw TensorError(
        .shape,
        "solve(A, b) with A \(Shape.describe(a.shape)) needs b of shape [\(n)] or [\(n), k], "
          + "not \(Shape.describe(b.shape))")
    }
    try b.checkFinite("solve")
    let k = b.rank == 1 ? 1 : b.shape[1]
    guard k > 0 else { return try zeros(b.shape) }
    try b.checkWork(n * n * k, "solve")
    var lu = a.columnMajor()
    var x = b.rank == 1 ? b.scalars : b.columnMajor()
    var pivots = [Int32](repeating: 0, count: n)
    var (n32, k32, info) = (Int32(n), try Tensor.lapackSize(k), Int32(0))
    BLASThreads.lapack { dgesv_(&n32, &k32, &lu, &n32, &pivots, &x, &n32, &info) }
    try checkInvertible(info: info, lu: lu, original: a, name: "solve")
    let y = Tensor(
      unchecked: b.shape, b.rank == 1 ? x : Tensor.rowMajor(x, rows: n, columns: k))
    guard a.requiresGrad || b.requiresGrad else { return y }
    let plainA = a.detached
    return y.recorded(from: [a, b]) { [unowned y] g in
      let gb = try solve(plainA.transposed(), g)
      let ga =
        a.requiresGrad
        ? try -matmul(
          gb.rank == 1 ? gb.reshaped([n, 1]) : gb,
          (y.rank == 1 ? y.detached.reshaped([1, n]) : y.detached.transposed()))
        : nil
      return [ga, b.requiresGrad ? gb : nil]
    }
  }

  /// The inverse A⁻¹ of a square, invertible matrix.
  ///
  /// ```
  /// ∂L/∂A = −A⁻ᵀ·G·A⁻ᵀ
  /// ```
  public func inverse() throws -> Tensor {
    let factorisation = try luFactorisation("inv")
    let n = factorisation.n
    var (lu, pivots, info) = (factorisation.lu, factorisation.pivots, factorisation.info)
    try Tensor.checkInvertible(info: info, lu: lu, original: self, name: "inv")
    var n32 = Int32(n)
    // A workspace query first: LAPACK says how much room runs fastest.
    var size = 0.0
    var query = Int32(-1)
    BLASThreads.lapack { dgetri_(&n32, &lu, &n32, &pivots, &size, &query, &info) }
    var lwork = try Tensor.workspace(Swift.max(Double(n), size))
    var work = [Double](repeating: 0, count: Int(lwork))
    BLASThreads.lapack { dgetri_(&n32, &lu, &n32, &pivots, &work, &lwork, &info) }
    guard info == 0 else {
      throw TensorError(.argument, "inv: the matrix is singular, so it has no inverse")
    }
    let y = Tensor(unchecked: shape, Tensor.rowMajor(lu, rows: n, columns: n))
    guard requiresGrad else { return y }
    return y.recorded(from: [self]) { [unowned y] g in
      let yt = y.detached.transposed()
      return [try -Tensor.matmul(Tensor.matmul(yt, g), yt)]
    }
  }

  /// The determinant of a square matrix, from its LU factorisation: the product of U's
  /// diagonal, negated for each row swap. 0 for a singular matrix.
  ///
  /// ```
  /// ∂det/∂A = det(A)·A⁻ᵀ
  /// ```
  /// The gradient needs A⁻¹, so at a singular matrix it is an error rather than a guess.
  public func determinant() throws -> Tensor {
    let (n, lu, pivots, _) = try luFactorisation("det")
    var d = 1.0
    for i in 0..<n {
      d *= lu[i * n + i]
      if pivots[i] != Int32(i + 1) { d = -d }
    }
    let y = Tensor(d)
    guard requiresGrad else { return y }
    let a = detached
    return y.recorded(from: [self]) { g in
      let inverse: Tensor
      do {
        inverse = try a.inverse()
      } catch {
        throw TensorError(
          .gradient,
          "det has no gradient here: the matrix is singular, and det's gradient det(A)·A⁻ᵀ "
            + "needs its inverse")
      }
      return [try inverse.transposed() * (g.scalars[0] * d)]
    }
  }

  /// The eigenvalues, ascending, and eigenvectors (as columns, each of length 1) of a
  /// symmetric matrix, as `numpy.linalg.eigh`: A·V = V·diag(values). A matrix that is not
  /// symmetric is refused: its eigenvalues may be complex. No gradient.
  public func symmetricEigen() throws -> (values: Tensor, vectors: Tensor) {
    let n = try squareSize("eig")
    try checkSymmetric()
    // Symmetric, so row-major and column-major storage are the same matrix.
    var a = scalars
    var w = [Double](repeating: 0, count: n)
    var (n32, info) = (Int32(n), Int32(0))
    var jobz = CChar(UInt8(ascii: "V"))
    var uplo = CChar(UInt8(ascii: "L"))
    var size = 0.0
    var isize = Int32(0)
    var query = Int32(-1)
    BLASThreads.lapack {
      dsyevd_(&jobz, &uplo, &n32, &a, &n32, &w, &size, &query, &isize, &query, &info, 1, 1)
    }
    var lwork = try Tensor.workspace(size)
    var liwork = try Tensor.workspace(Double(isize))
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    BLASThreads.lapack {
      dsyevd_(&jobz, &uplo, &n32, &a, &n32, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
    }
    guard info == 0 else {
      throw TensorError(.argument, "eig: LAPACK's eigenvalue iteration did not converge")
    }
    let values = Tensor(unchecked: [n], w)
    let vectors = Tensor(unchecked: [n, n], Tensor.rowMajor(a, rows: n, columns: n))
    return (noGradient(values, "eig"), noGradient(vectors, "eig"))
  }

  /// The singular value decomposition A = U·diag(S)·Vᵀ of an m×n matrix, as
  /// `numpy.linalg.svd(A, full_matrices=False)`: with k = min(m, n), U is m×k, S the k
  /// singular values in descending order, and Vᵀ is k×n. No gradient.
  public func svd() throws -> (u: Tensor, s: Tensor, vt: Tensor) {
    guard rank == 2, shape[0] > 0, shape[1] > 0 else {
      throw TensorError(
        .shape, "svd needs a matrix with at least one row and column, not \(Shape.describe(shape))")
    }
    let (m, n) = (shape[0], shape[1])
    let k = Swift.min(m, n)
    try checkWork(m * n * k, "svd")
    try checkFinite("svd")
    var a = columnMajor()
    var s = [Double](repeating: 0, count: k)
    var u = [Double](repeating: 0, count: m * k)
    var vt = [Double](repeating: 0, count: k * n)
    var (m32, n32, k32, info) = (
      try Tensor.lapackSize(m), try Tensor.lapackSize(n), try Tensor.lapackSize(k), Int32(0)
    )
    var jobz = CChar(UInt8(ascii: "S"))
    var iwork = [Int32](repeating: 0, count: 8 * k)
    var size = 0.0
    var query = Int32(-1)
    BLASThreads.lapack {
      dgesdd_(
        &jobz, &m32, &n32, &a, &m32, &s, &u, &m32, &vt, &k32, &size, &query, &iwork, &info, 1)
    }
    var lwork = try Tensor.workspace(size)
    var work = [Double](repeating: 0, count: Int(lwork))
    BLASThreads.lapack {
      dgesdd_(
        &jobz, &m32, &n32, &a, &m32, &s, &u, &m32, &vt, &k32, &work, &lwork, &iwork, &info, 1)
    }
    guard info == 0 else {
      throw TensorError(.argument, "svd: LAPACK's iteration did not converge")
    }
    return (
      noGradient(Tensor(unchecked: [m, k], Tensor.rowMajor(u, rows: m, columns: k)), "svd"),
      noGradient(Tensor(unchecked: [k], s), "svd"),
      noGradient(Tensor(unchecked: [k, n], Tensor.rowMajor(vt, rows: k, columns: n)), "svd")
    )
  }

  // MARK: Helpers

  /// The size n of this n×n matrix, after checking that it is one, finite and small enough.
  private func squareSize(_ name: String) throws -> Int {
    guard rank == 2, shape[0] == shape[1], shape[0] > 0 else {
      throw TensorError(
        .shape,
        "\(name) needs a square matrix (n×n, n ≥ 1), not a tensor of shape "
          + Shape.describe(shape))
    }
    let n = shape[0]
    let (cube, overflow) = n.multipliedReportingOverflow(by: n * n)
    try checkWork(overflow ? Int.max : cube, name)
    try checkFinite(name)
    return n
  }

  /// LAPACK's LU factorisation P·A = L·U of this square matrix (dgetrf): its size, L and U in
  /// one column-major matrix, the row swaps (1-based) and LAPACK's info (> 0 at a zero
  /// pivot, a singular matrix).
  private func luFactorisation(_ name: String) throws -> (
    n: Int, lu: [Double], pivots: [Int32], info: Int32
  ) {
    let n = try squareSize(name)
    var lu = columnMajor()
    var pivots = [Int32](repeating: 0, count: n)
    var (n32, info) = (Int32(n), Int32(0))
    BLASThreads.lapack { dgetrf_(&n32, &n32, &lu, &n32, &pivots, &info) }
    return (n, lu, pivots, info)
  }

  /// A size as LAPACK's 32-bit integers hold it.
  private static func lapackSize(_ n: Int) throws -> Int32 {
    guard let size = Int32(exactly: n) else {
      throw TensorError(.memory, "a matrix with \(n) rows or columns is too large for LAPACK")
    }
    return size
  }

  /// The workspace size LAPACK asked for, within the memory cap and LAPACK's 32-bit sizes.
  private static func workspace(_ size: Double) throws -> Int32 {
    guard size.isFinite, size < Double(Int32.max) else {
      throw TensorError(.memory, "LAPACK asked for a workspace of \(size) values, too many")
    }
    let n = Swift.max(1, Int(size))
    try checkMemory(elements: n)
    return Int32(n)
  }

  private func checkWork(_ work: Int, _ name: String) throws {
    guard work <= Tensor.linearAlgebraWorkLimit else {
      throw TensorError(
        .memory,
        "\(name) of a matrix of shape \(Shape.describe(shape)) is too large: it needs about "
          + "\(work) multiply-adds, more than the \(Tensor.linearAlgebraWorkLimit) allowed "
          + "(about a 2000×2000 inverse)")
    }
  }

  private func checkFinite(_ name: String) throws {
    guard scalars.allSatisfy(\.isFinite) else {
      throw TensorError(
        .argument, "\(name): the matrix holds nan or inf, so its result would be meaningless")
    }
  }

  /// Refuses a matrix whose mirrored entries differ by more than rounding.
  private func checkSymmetric() throws {
    let n = shape[0]
    let scale = Swift.max(1, scalars.map { Swift.abs($0) }.max() ?? 0)
    var worst: (i: Int, j: Int, gap: Double) = (0, 0, 0)
    for i in 0..<n {
      for j in (i + 1)..<Swift.max(i + 1, n) {
        let gap = Swift.abs(scalars[i * n + j] - scalars[j * n + i])
        if gap > worst.gap { worst = (i, j, gap) }
      }
    }
    guard worst.gap <= 1e-10 * scale else {
      let f = TensorFormatter()
      throw TensorError(
        .argument,
        "eig handles symmetric matrices (as numpy.linalg.eigh), but here "
          + "A[\(worst.i), \(worst.j)] = \(f.format(scalars[worst.i * n + worst.j])) and "
          + "A[\(worst.j), \(worst.i)] = \(f.format(scalars[worst.j * n + worst.i])); "
          + "a non-symmetric matrix may have complex eigenvalues. For A'A or AA' use svd")
    }
  }

  /// Throws when LU factorisation found A singular, exactly (a zero pivot) or to working
  /// precision (a reciprocal condition number below float64's epsilon), where an answer
  /// would be rounding noise.
  private static func checkInvertible(info: Int32, lu: [Double], original: Tensor, name: String)
    throws
  {
    let n = original.shape[0]
    let hint =
      "its rows are linearly dependent, so \(name == "inv" ? "it has no inverse" : "A·x = b has no single solution")"
    guard info == 0 else {
      throw TensorError(.argument, "\(name): the matrix is singular: \(hint)")
    }
    // The 1-norm, the largest column sum of magnitudes, which dgecon compares against.
    var norm = 0.0
    for j in 0..<n {
      var column = 0.0
      for i in 0..<n { column += Swift.abs(original.scalars[i * n + j]) }
      norm = Swift.max(norm, column)
    }
    var (n32, info) = (Int32(n), Int32(0))
    var which = CChar(UInt8(ascii: "1"))
    var rcond = 0.0
    var work = [Double](repeating: 0, count: 4 * n)
    var iwork = [Int32](repeating: 0, count: n)
    var factors = lu
    BLASThreads.lapack {
      dgecon_(&which, &n32, &factors, &n32, &norm, &rcond, &work, &iwork, &info, 1)
    }
    guard rcond >= Double.ulpOfOne else {
      throw TensorError(
        .argument,
        "\(name): the matrix is singular to working precision (reciprocal condition number "
          + "\(TensorFormatter().format(rcond))): \(hint)")
    }
  }

  /// The elements in column-major order: A[i, j] at j·rows + i.
  private func columnMajor() -> [Double] {
    let (rows, columns) = (shape[0], shape[1])
    var out = [Double](repeating: 0, count: count)
    for i in 0..<rows {
      for j in 0..<columns { out[j * rows + i] = scalars[i * columns + j] }
    }
    return out
  }

  /// Column-major values back in row-major order.
  private static func rowMajor(_ values: [Double], rows: Int, columns: Int) -> [Double] {
    var out = [Double](repeating: 0, count: rows * columns)
    for i in 0..<rows {
      for j in 0..<columns { out[i * columns + j] = values[j * rows + i] }
    }
    return out
  }

  /// `result` as it is, when its input needs no gradient; otherwise with a pullback that says
  /// the decomposition has none, so that no gradient is ever silently wrong.
  private func noGradient(_ result: Tensor, _ name: String) -> Tensor {
    guard requiresGrad else { return result }
    return result.recorded(from: [self]) { _ in
      throw TensorError(
        .gradient,
        "\(name) has no gradient: its result was used in what you differentiate; "
          + "use detach(A) (or the values of A without param) if it is meant as a constant")
    }
  }
}
