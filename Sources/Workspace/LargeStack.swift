import Foundation

/// The evaluation thread's stack: far more than the parser's and interpreter's depth limits
/// can use, so that they, not the thread, decide how deep a program may go.
let evaluationStackSize = 256 << 20

/// Runs `body` on a new thread with a large stack and waits for its result. The caller is
/// blocked meanwhile, so nothing runs concurrently with `body`.
func onLargeStack<T>(_ body: @escaping () -> T) -> T {
  let task = UncheckedBox(body)
  let result = UncheckedBox<T?>(nil)
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    result.value = task.value()
    done.signal()
  }
  thread.stackSize = evaluationStackSize
  thread.start()
  done.wait()
  // The thread stored the result before signalling, so it is there.
  return result.value ?? body()
}

/// Carries a value to the evaluation thread; safe because the caller waits for it.
private final class UncheckedBox<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}
