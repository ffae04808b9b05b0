import CLinux

/// Whether the C heap keeps the memory of a large tensor, once freed, for the next one.
///
/// glibc gives every block above its mmap threshold (at most 32 MiB, raised as blocks are
/// freed) pages of its own and hands them back to the system on free. The next tensor that
/// large then faults in every page again, each one zeroed by the kernel: a loop of
/// 2048 × 2048 products (32 MiB out) took 8,192 page faults a product and ran at 184
/// GFLOP/s, against 205 with the block kept. Raising the mmap and trim thresholds to
/// `reuseBelow` keeps blocks smaller than that in the heap, at the price of holding up to
/// that much freed memory at the heap's top.
public enum HeapPolicy {
  /// Blocks below this size are kept in the heap once freed (256 MiB: a 5792 × 5792
  /// float64 matrix).
  public static let reuseBelow = 256 << 20

  /// Sets the thresholds; front ends call it once at start, before large tensors exist.
  /// Returns false where malloc refused (the defaults then stay).
  @discardableResult public static func reuseLargeBlocks() -> Bool {
    gradbook_set_malloc_thresholds(reuseBelow) == 1
  }
}
