import CLinux
import TensorEngine
import Testing

@Suite struct HeapPolicyTests {
  @Test func aFreedLargeTensorsMemoryStaysInTheHeap() {
    #expect(HeapPolicy.reuseLargeBlocks())
    // 32 MiB, a 2048 × 2048 product's result: glibc's defaults always map a block this
    // size on its own. With the policy it comes from the heap and no mapped bytes are
    // added for it (a concurrent test could only add blocks of 256 MiB or more).
    let before = gradbook_malloc_mapped_bytes()
    let count = 2048 * 2048
    let block = UnsafeMutablePointer<Double>.allocate(capacity: count)
    block.initialize(repeating: 1, count: count)
    let during = gradbook_malloc_mapped_bytes()
    block.deallocate()
    #expect(Int(during - before) < count * 8)
  }
}
