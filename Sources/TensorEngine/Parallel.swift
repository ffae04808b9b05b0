import Dispatch

/// Work split into parts that run at once.
public enum Parallel {
  /// Runs `body(i)` for every `i` in `0..<count`, on as many threads as the machine gives
  /// (the caller's among them), and returns when all have finished. The caller answers for
  /// the parts touching disjoint memory; that is why `body` need not be `Sendable`.
  public static func forEach(_ count: Int, _ body: (Int) -> Void) {
    guard count > 1 else {
      if count == 1 { body(0) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let part = Unchecked(body)
      DispatchQueue.concurrentPerform(iterations: count) { part.value($0) }
    }
  }

  /// A value handed to other threads on the caller's word that they share it safely.
  private struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
  }
}
