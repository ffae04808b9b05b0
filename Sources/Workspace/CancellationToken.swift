import Synchronization

/// Whether the user asked to stop the work under way: Ctrl-C (SIGINT) in the REPL and a
/// script, a kernel's `interrupt_request` arriving on another thread, or a test. Long work
/// (fit, loops, large fills) asks it between steps and stops there, keeping its last finished
/// step and every binding.
///
/// A signal handler may only touch a global atomic, so SIGINT sets `Interrupts`' flag and a
/// token made with `followsInterrupts` reads it too; `cancel()` sets the token's own flag
/// from any thread.
public final class CancellationToken: @unchecked Sendable {
  // @unchecked: the flags are atomics, and `check` is only read.
  private let flag = Atomic<Bool>(false)
  private let followsInterrupts: Bool
  private let check: (() -> Bool)?

  /// - Parameters:
  ///   - followsInterrupts: whether Ctrl-C (the process's SIGINT, see `Interrupts.listen`)
  ///     cancels too.
  ///   - check: asked as well at each step (a test's hook); true cancels.
  public init(followsInterrupts: Bool = false, check: (() -> Bool)? = nil) {
    self.followsInterrupts = followsInterrupts
    self.check = check
  }

  /// Asks the work under way to stop at its next step. Safe from any thread.
  public func cancel() { flag.store(true, ordering: .relaxed) }

  /// Whether `cancel()` was called (or Ctrl-C pressed, or `check` said so) since `clear()`.
  public var isCancelled: Bool {
    flag.load(ordering: .relaxed) || (followsInterrupts && Interrupts.requested)
      || (check?() ?? false)
  }

  /// Forgets a request to stop: the workspace clears it before each evaluation, so a Ctrl-C
  /// pressed at the prompt does not stop the next statement.
  public func clear() {
    flag.store(false, ordering: .relaxed)
    if followsInterrupts { Interrupts.clear() }
  }
}
