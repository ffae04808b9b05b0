import CLinux
import Foundation
import Synchronization

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
/// started when first needed. Training calls it once a step, every few tens of
/// microseconds: a worker that has finished watches for the next call for a while
/// (`spins`) before it sleeps on its semaphore, since waking a sleeping thread here took
/// longer than a small network's half step. (Dispatch's `concurrentPerform` was measured
/// leaving both parts to one thread about half the time.)
private final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool(workers: ProcessInfo.processInfo.activeProcessorCount - 1)

  /// One worker's way to sleep and be woken.
  final class Worker: Sendable {
    let asleep = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
  }

  /// How many times a worker looks for the next call before it sleeps (about 0.1 ms).
  private static let spins = 20_000

  private let workers: [Worker]
  /// Held by the call that is running; another finds it taken and runs its parts itself.
  private let running = NSLock()
  /// Counts the calls: a new value tells the workers that `body`, `count` and `helpers`
  /// hold the next call's.
  private let generation = Atomic<Int>(0)
  /// The next part to hand out.
  private let next = Atomic<Int>(0)
  /// Workers still running the current call's parts.
  private let busy = Atomic<Int>(0)
  /// The core the current call's caller runs on, for a worker just woken to compare.
  private let callerCore = Atomic<Int32>(-1)
  private var count = 0
  private var helpers = 0
  private var body: ((Int) -> Void)?
  private var started = false

  init(workers: Int) {
    self.workers = (0..<Swift.max(0, workers)).map { _ in Worker() }
  }

  func run(_ count: Int, _ body: @escaping (Int) -> Void) {
    guard !workers.isEmpty, running.try() else {
      for i in 0..<count { body(i) }
      return
    }
    defer { running.unlock() }
    if !started {
      started = true
      let home = gradbook_current_cpu()
      for w in workers.indices {
        let thread = Thread { [self] in
          // Linux starts a thread on its creator's core and took 30–50 ms to move it
          // away (measured in this project's VMs): all that while the caller, finding no
          // worker running, ran every part itself, and a 512 × 512 product went at one
          // core's speed (90 against 190 GFLOP/s). Moving off at once ends that.
          _ = gradbook_move_off_cpu(home)
          work(w)
        }
        thread.name = "gradbook parallel \(w + 1)"
        thread.start()
      }
    }
    let helpers = Swift.min(workers.count, count - 1)
    (self.body, self.count, self.helpers) = (body, count, helpers)
    next.store(0, ordering: .relaxed)
    busy.store(helpers, ordering: .relaxed)
    // Publishes the fields above; a worker about to sleep either sees the new value or is
    // seen asleep and woken (both sides use sequentially consistent order).
    generation.add(1, ordering: .sequentiallyConsistent)
    for w in 0..<helpers where workers[w].asleep.load(ordering: .sequentiallyConsistent) {
      callerCore.store(gradbook_current_cpu(), ordering: .relaxed)
      workers[w].wake.signal()
    }
    while let i = take() { body(i) }
    var waited = 0
    while busy.load(ordering: .acquiring) > 0 {
      waited += 1
      if waited > 1000 { sched_yield() }
    }
    self.body = nil
  }

  /// The next part to run, or nil when none is left.
  private func take() -> Int? {
    let i = next.add(1, ordering: .relaxed).oldValue
    return i < count ? i : nil
  }

  private func work(_ w: Int) {
    let me = workers[w]
    var seen = 0
    while true {
      var spun = 0
      var now = generation.load(ordering: .acquiring)
      while now == seen {
        spun += 1
        if spun >= Self.spins {
          me.asleep.store(true, ordering: .sequentiallyConsistent)
          if generation.load(ordering: .sequentiallyConsistent) == seen {
            me.wake.wait()
            // Linux may wake a thread on its waker's core (to share its cache); here that
            // put both halves of a training step on one core, and W2 ran at 36–40 µs a
            // step instead of 21, for the rest of the run. Move off at once.
            let core = gradbook_current_cpu()
            if core >= 0 && core == callerCore.load(ordering: .relaxed) {
              _ = gradbook_move_off_cpu(core)
            }
          }
          me.asleep.store(false, ordering: .sequentiallyConsistent)
          spun = 0
        }
        now = generation.load(ordering: .acquiring)
      }
      seen = now
      if w < helpers {
        runParts()
        // Only now: the caller's body must be let go of before the caller returns.
        busy.subtract(1, ordering: .releasing)
      }
    }
  }

  /// Runs parts until none is left.
  private func runParts() {
    guard let body else { return }
    while let i = take() { body(i) }
  }
}
