import Foundation
import TensorEngine
import Testing

/// Shapes are bounded when made — at most `Shape.maxRank` axes, no axis longer than the
/// memory cap allows even in an empty tensor — and work on an empty tensor costs nothing,
/// whatever the sizes of its other axes.
@Suite(.serialized) struct ShapeLimitTests {
  /// The longest axis the default 2 GiB cap allows: 2^31 / 8 values.
  static let longest = (2 << 30) / 8

  @Test func rankIsCappedAt16() throws {
    #expect(try Tensor.zeros([Int](repeating: 1, count: 16)).rank == 16)
    let error = expectTensorError(.argument) {
      try Tensor.zeros([Int](repeating: 1, count: 100_000))
    }
    #expect(error?.message == "a tensor may have at most 16 axes, not 100000")
    expectTensorError(.argument) { try Tensor.zeros([3]).reshaped([Int](repeating: 1, count: 17)) }
    // A stack adds an axis, and the 17th is refused.
    let t = try Tensor.zeros([Int](repeating: 1, count: 16))
    expectTensorError(.argument) { try Tensor.stack([t, t]) }
  }

  @Test func everyAxisOfAnEmptyTensorIsBounded() throws {
    for shape in [[1_000_000_000, 0], [0, 1_000_000_000_000], [2, 0, 1_000_000_000]] {
      let error = expectTensorError(.memory) { try Tensor.full(shape, 1) }
      #expect(error?.message.contains("no axis may be longer than the memory cap allows") == true)
    }
    // Just under the bound an empty tensor is made; one more is refused.
    #expect(try Tensor.zeros([Self.longest, 0]).count == 0)
    expectTensorError(.memory) { try Tensor.zeros([Self.longest + 1, 0]) }
    // Joining empty tensors can pass the bound too.
    let t = try Tensor.zeros([Self.longest / 2 + 1, 0])
    expectTensorError(.memory) { try Tensor.concat([t, t], axis: 0) }
  }

  /// Each operation on [longest, 0] (and friends) must return at once: before, each walked
  /// or allocated along the long axis (8 GB for [1e9, 0]) although there was nothing there.
  @Test func workOnAnEmptyTensorCostsNothing() throws {
    let n = Self.longest
    let tall = try Tensor.full([n, 0], 1)
    let wide = try Tensor.full([0, n], 1)
    let deep = try Tensor.full([2, 0, n], 1)
    let start = Date()
    let results: [Tensor] = [
      tall.abs(), tall.exp(), tall.relu(), tall.sigmoid(), tall.sign(), -tall,
      try tall.softmax(), try tall.softmax(axis: 0), try tall.logSoftmax(),
      tall.transposed(), wide.transposed(), deep.transposed(),
      try deep.permuted([2, 0, 1]),
      try tall.sum(axis: 0), try wide.sum(axis: 1), try deep.sum(axis: 2),
      try tall.sum(), try tall.mean(axis: 0),
      try tall[[.range(start: 1, end: nil, step: nil)]],
      try tall[[.range(start: nil, end: nil, step: -1)]],
      try deep[[.all, .all, .range(start: nil, end: nil, step: -3)]],
      try wide[[.all, .range(start: 5, end: -5, step: 2)]],
      try Tensor.concat([tall, tall], axis: 1), try Tensor.concat([deep, deep], axis: 1),
      try tall + tall, try tall * Tensor(2), try Tensor.matmul(wide, tall),
      try Tensor.matmul(deep, Tensor.zeros([n, 0])),
    ]
    // As in numpy: the maxima along the long axis of [n, 0] are none, and those along the
    // empty axis are n maxima of nothing, an error (not n of them worked out first).
    #expect(try tall.max(axis: 0).shape == [0])
    expectTensorError(.argument) { try tall.max(axis: 1) }
    let seconds = Date().timeIntervalSince(start)
    // Slicing sizes are worked out without listing positions: [n − 1, 0], [n, 0], …
    #expect(results[18].shape == [n - 1, 0])
    #expect(results[19].shape == [n, 0])
    #expect(results[20].shape == [2, 0, (n + 2) / 3])
    #expect(results[21].shape == [0, (n - 10 + 1) / 2])
    #expect(results[26].shape == [0, 0])
    #expect(seconds < 2, "work on empty tensors took \(seconds) s")
  }

  @Test func emptySlicesHaveNumpysSizes() throws {
    // Checked against numpy: np.zeros((7, 0))[a:b:c].shape[0] for each case below.
    let cases: [(Int?, Int?, Int?, Int)] = [
      (nil, nil, nil, 7), (1, nil, nil, 6), (nil, nil, -1, 7), (nil, nil, 2, 4), (nil, nil, -3, 3),
      (5, 1, -2, 2), (1, 5, -1, 0), (-2, nil, nil, 2), (100, nil, nil, 0), (nil, -100, -1, 7),
      (3, 3, nil, 0), (-100, 100, 3, 3),
    ]
    let t = try Tensor.zeros([7, 0])
    let full = try Tensor.zeros([7, 1])
    for (start, end, step, expected) in cases {
      let item = TensorIndex.range(start: start, end: end, step: step)
      #expect(try t[[item]].shape == [expected, 0], "\(start as Any):\(end as Any):\(step as Any)")
      // The same count as the positions a tensor with elements gives.
      #expect(try full[[item]].shape == [expected, 1])
    }
  }
}
