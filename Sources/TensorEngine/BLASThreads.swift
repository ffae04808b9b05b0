import CBLAS

/// Who runs OpenBLAS's work on more than one core: Gradbook, not OpenBLAS.
///
/// OpenBLAS 0.3.21 (Debian's) shares a product between its own threads worse than it could:
/// on this project's 2-core machines a 256 × 256 product ran at 82 GFLOP/s on its two
/// threads, against 109 for two halves of rows each given to one core by `Parallel`, each a
/// single-threaded `dgemm` (512: 99 against 111; 1024: 113 against 122). And its threads,
/// once woken, spin for a long while after the product (seconds of system time in a
/// training notebook on a busy machine), where `Parallel`'s workers watch for 0.1 ms. So
/// OpenBLAS runs single-threaded for every product and level-1 call, `Tensor.gemm` splits
/// large products itself, and only LAPACK's routines, which cannot be split from outside,
/// get OpenBLAS's threads back while they run (`lapack`).
public enum BLASThreads {
  /// How many threads OpenBLAS would have used (`OPENBLAS_NUM_THREADS`, else one per core),
  /// and so how many parts `Tensor.gemm` splits a large product into. The first use sets
  /// OpenBLAS to one thread.
  public static let available: Int = {
    let threads = Int(openblas_get_num_threads())
    openblas_set_num_threads(1)
    return Swift.max(1, threads)
  }()

  /// The threads OpenBLAS is set to use now: 1 but while a LAPACK routine runs.
  public static var openBLASThreads: Int { Int(openblas_get_num_threads()) }

  /// Runs `body`, a LAPACK call, with OpenBLAS's threads, then sets it back to one.
  static func lapack<T>(_ body: () throws -> T) rethrows -> T {
    let threads = available
    guard threads > 1 else { return try body() }
    openblas_set_num_threads(Int32(threads))
    defer { openblas_set_num_threads(1) }
    return try body()
  }
}
