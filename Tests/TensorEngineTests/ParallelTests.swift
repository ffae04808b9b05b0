import CLinux
import Foundation
import Synchronization
import TensorEngine
import Testing

@Suite struct ParallelTests {
  @Test(arguments: [0, 1, 2, 3, 17]) func everyPartRunsOnce(_ count: Int) {
    var runs = [Int](repeating: 0, count: count)
    runs.withUnsafeMutableBufferPointer { runs in
      Parallel.forEach(count) { runs[$0] += 1 }
    }
    #expect(runs == [Int](repeating: 1, count: count))
  }

  @Test func aCallFromInsideAPartRunsItsPartsInOrder() {
    // The inner call finds the workers busy and runs its own parts; nothing waits forever.
    var cells = [Int](repeating: 0, count: 6)
    cells.withUnsafeMutableBufferPointer { cells in
      Parallel.forEach(2) { outer in
        Parallel.forEach(3) { inner in cells[outer * 3 + inner] = outer * 3 + inner + 1 }
      }
    }
    #expect(cells == [1, 2, 3, 4, 5, 6])
  }

  @Test func manyCallsInARowAllFinish() {
    // Each call hands the workers its body and must take it back before returning.
    var total = [0, 0]
    total.withUnsafeMutableBufferPointer { total in
      for _ in 0..<2000 { Parallel.forEach(2) { total[$0] += 1 } }
    }
    #expect(total == [2000, 2000])
  }

  @Test func aThreadMovedOffItsCoreRunsOnAnotherAndMayComeBack() {
    // What each new worker does first, so that it does not start on its creator's core.
    // Run on a thread of its own: the test's thread is left where it was.
    // The cores this process may use (taskset narrows them), not the machine's.
    let cores = gradbook_allowed_cpus()
    let seen = Mutex<[Int32]>([])
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      let home = gradbook_current_cpu()
      let moved = gradbook_move_off_cpu(home)
      let now = gradbook_current_cpu()
      // Allowed everywhere again: moving off the core it is on now works too.
      let movedAgain = gradbook_move_off_cpu(now)
      seen.withLock { $0 = [home, moved, now, movedAgain, gradbook_current_cpu()] }
      done.signal()
    }
    thread.start()
    done.wait()
    let (home, moved, now, movedAgain, last) = seen.withLock { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
    #expect(home >= 0)
    if cores > 1 {
      #expect(moved == 0)
      #expect(now != home)
      #expect(movedAgain == 0)
      #expect(last != now)
    } else {
      // One core: there is nowhere to go, and the call says so.
      #expect(moved == -1 && movedAgain == -1 && now == home)
    }
  }

  @Test(arguments: [Int32(-1), 1 << 20]) func aCoreThatIsNotThereIsRefused(_ cpu: Int32) {
    #expect(gradbook_move_off_cpu(cpu) == -1)
  }
}
