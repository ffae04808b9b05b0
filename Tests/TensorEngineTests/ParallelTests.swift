import Foundation
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
}
