import Foundation

/// Work split into parts that run at once.
public enum Parallel {
  /// Runs `body(i)` for every `i` in `0..<count`, on the calling thread and the machine's
  /// other cores, and returns when all have finished. The caller answers for the parts
  /// touching disjoint memory; that is why `body` need not be `Sendable`. A call made while
  /// another runs (from one of its parts, or another thread) runs its parts in order.
  public static func forEach(_ count: Int, _ body: (Int) -> Void) {
    guard count > 1 else {
      if count == 1 { body(0) }
      return
    }
    withoutActuallyEscaping(body) { body in
      WorkerPool.shared.run(count, body)
    }
  }
}

/// Threads that wait for parts of a `Parallel.forEach`, one per core besides the caller's,
/// started when first needed. They sleep on semaphores between calls; Dispatch's
/// `concurrentPerform` was measured here to leave its second part to the same thread about
/// half the time.
private final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool(workers: ProcessInfo.processInfo.activeProcessorCount - 1)

  private let workers: Int
  /// Held by the call that is running; another finds it taken and runs its parts itself.
  private let running = NSLock()
  /// Guards `next`.
  private let claim = NSLock()
  private var next = 0
  private var count = 0
  private var body: ((Int) -> Void)?
  private let start: [DispatchSemaphore]
  private let finished = DispatchSemaphore(value: 0)
  private var started = false

  init(workers: Int) {
    self.workers = Swift.max(0, workers)
    start = (0..<Swift.max(0, workers)).map { _ in DispatchSemaphore(value: 0) }
  }

  func run(_ count: Int, _ body: @escaping (Int) -> Void) {
    guard workers > 0, running.try() else {
      for i in 0..<count { body(i) }
      return
    }
    defer { running.unlock() }
    if !started {
      started = true
      for w in 0..<workers {
        let thread = Thread { [self] in work(w) }
        thread.name = "gradbook parallel \(w + 1)"
        thread.start()
      }
    }
    claim.lock()
    (self.body, self.count, next) = (body, count, 0)
    claim.unlock()
    let helpers = Swift.min(workers, count - 1)
    for w in 0..<helpers { start[w].signal() }
    while let i = take() { body(i) }
    for _ in 0..<helpers { finished.wait() }
    claim.lock()
    self.body = nil
    claim.unlock()
  }

  /// The next part to run and the body to run it with, or nil when none is left.
  private func take() -> Int? {
    claim.lock()
    defer { claim.unlock() }
    guard next < count else { return nil }
    next += 1
    return next - 1
  }

  private func work(_ w: Int) {
    while true {
      start[w].wait()
      runParts()
      // Only now: the caller's body must be let go of before the caller returns.
      finished.signal()
    }
  }

  /// Runs parts until none is left.
  private func runParts() {
    claim.lock()
    let body = self.body
    claim.unlock()
    guard let body else { return }
    while let i = take() { body(i) }
  }
}
