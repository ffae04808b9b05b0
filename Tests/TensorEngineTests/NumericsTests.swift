import Foundation
import TensorEngine
import Testing

// Values checked against numpy; the script that gave each is quoted beside it. Gradients are
// checked against central finite differences (see `checkGradients`).

@Suite struct TrigonometryTests {
  @Test func valuesAtKnownAngles() {
    let x = Tensor([0, Double.pi / 6, Double.pi / 4, Double.pi / 2, Double.pi])
    expectClose(x.sin().scalars, [0, 0.5, 0.5.squareRoot(), 1, 0], tolerance: 1e-15)
    expectClose(x.cos().scalars, [1, 0.75.squareRoot(), 0.5.squareRoot(), 0, -1], tolerance: 1e-15)
    let t = Tensor([0, Double.pi / 4, -Double.pi / 3])
    expectClose(t.tan().scalars, [0, 1, -(3.0.squareRoot())], tolerance: 1e-15)
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    // tan stays away from its poles at ±π/2.
    let x = try randomParameter([3, 4], seed: 51, in: -1.2...1.2)
    try checkGradients([x]) { p in try weightedSum(p[0].sin()) }
    try checkGradients([x]) { p in try weightedSum(p[0].cos()) }
    try checkGradients([x]) { p in try weightedSum(p[0].tan()) }
    try checkGradients([x]) { p in try weightedSum(p[0].sin() * p[0].cos() + p[0].tan()) }
  }
}

@Suite struct RoundingTests {
  @Test func floorCeilAndRoundHalfToEvenAsNumpy() {
    // np.round([0.5, 1.5, 2.5, -0.5, -1.5, 2.7]) → [0, 2, 2, -0, -2, 3]
    let x = Tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.7])
    #expect(x.round().scalars == [0, 2, 2, 0, -2, 3])
    #expect(x.floor().scalars == [0, 1, 2, -1, -2, 2])
    #expect(x.ceil().scalars == [1, 2, 3, 0, -1, 3])
  }

  @Test func roundingHasZeroGradientNotNone() throws {
    let x = try randomParameter([2, 3], seed: 52, in: -3...3)
    for op in [{ (t: Tensor) in t.floor() }, { $0.ceil() }, { $0.round() }, { $0.sign() }] {
      let gradients = try checkGradients([x]) { p in try weightedSum(op(p[0])) }
      #expect(gradients[0] == [Double](repeating: 0, count: 6))
      // The zero reaches the parameter as a gradient, not as a missing one.
      try weightedSum(op(x)).backward()
      #expect(x.grad?.scalars == [Double](repeating: 0, count: 6))
      x.zeroGrad()
    }
  }
}

@Suite struct VarianceTests {
  static var x: Tensor { try! Tensor(shape: [2, 3], scalars: [1, 2, 4, 3, 5, 9]) }

  @Test func populationByDefaultAndSampleWithDdof1() throws {
    // np.var(x) = 6.666…, np.var(x, ddof=1) = 8.0
    expectClose(try Self.x.variance().scalars, [20.0 / 3])
    expectClose(try Self.x.variance(ddof: 1).scalars, [8])
    // np.var(x, axis=0) = [1, 2.25, 6.25]; np.var(x, axis=1, ddof=1) = [7/3, 28/3]
    expectTensor(try Self.x.variance(axis: 0), shape: [3], [1, 2.25, 6.25])
    expectTensor(try Self.x.variance(axis: 1, ddof: 1), shape: [2], [7.0 / 3, 28.0 / 3])
    expectTensor(
      try Self.x.variance(axis: -1, keepDims: true), shape: [2, 1], [14.0 / 9, 56.0 / 9])
    // np.std(x, axis=1) = [1.247219128924647, 2.494438257849294]
    expectTensor(
      try Self.x.standardDeviation(axis: 1), shape: [2], [1.247219128924647, 2.494438257849294])
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let x = try randomParameter([3, 4], seed: 53, in: -2...2)
    for axis in [nil, 0, 1] as [Int?] {
      for ddof in [0, 1] {
        try checkGradients([x]) { p in try weightedSum(p[0].variance(axis: axis, ddof: ddof)) }
        try checkGradients([x]) { p in
          try weightedSum(p[0].standardDeviation(axis: axis, ddof: ddof))
        }
      }
    }
  }

  @Test func tooFewValuesForTheDdofIsAnError() {
    let error = expectTensorError(.argument) { try Tensor([5]).variance(ddof: 1) }
    #expect(error?.message.contains("needs more than 1 value") == true)
    expectTensorError(.argument) { try Tensor([1, 2]).variance(ddof: -1) }
    expectTensorError(.index) { try Tensor([1, 2]).variance(axis: 1) }
  }
}

@Suite struct SortingTests {
  @Test func sortAndArgsortAlongEachAxis() throws {
    let x = try Tensor(shape: [2, 3], scalars: [3, 1, 2, 0, 5, -1])
    expectTensor(try x.sorted(), shape: [2, 3], [1, 2, 3, -1, 0, 5])
    expectTensor(try x.argsort(), shape: [2, 3], [1, 2, 0, 2, 0, 1])
    expectTensor(try x.sorted(axis: 0), shape: [2, 3], [0, 1, -1, 3, 5, 2])
    expectTensor(try x.argsort(axis: 0), shape: [2, 3], [1, 0, 1, 0, 1, 0])
    expectTensor(try x.sorted(descending: true), shape: [2, 3], [3, 2, 1, 5, 0, -1])
  }

  @Test func tiesKeepTheirOrderAndNanGoesLast() throws {
    let x = Tensor([2, .nan, 1, 2, 1])
    #expect(try x.argsort().scalars == [2, 4, 0, 3, 1])
    #expect(try x.argsort(descending: true).scalars == [1, 0, 3, 2, 4])
    let (values, indices) = try x.topk(2)
    #expect(values.scalars[0].isNaN && values.scalars[1] == 2)
    #expect(indices.scalars == [1, 0])
  }

  @Test func topkGivesTheBestFirstWithPositions() throws {
    // torch.topk(torch.tensor([3., 1., 4., 1., 5.]), 2) → values [5, 4], indices [4, 2]
    let (values, indices) = try Tensor([3, 1, 4, 1, 5]).topk(2)
    #expect(values.scalars == [5, 4] && indices.scalars == [4, 2])
    let (low, at) = try Tensor([3, 1, 4, 1, 5]).topk(3, largest: false)
    #expect(low.scalars == [1, 1, 3] && at.scalars == [1, 3, 0])
    let m = try Tensor([[1, 9, 5], [7, 2, 8]])
    let (rows, columns) = try m.topk(1, axis: 0)
    #expect(rows.shape == [1, 3] && rows.scalars == [7, 9, 8] && columns.scalars == [1, 0, 1])
    expectTensorError(.argument) { try m.topk(4) }
    expectTensorError(.argument) { try m.topk(-1) }
    expectTensorError(.shape) { try Tensor(3).sorted() }
  }

  @Test func sortedValuesCarryTheirGradient() throws {
    let x = try randomParameter([3, 4], seed: 54, in: -3...3)
    try checkGradients([x]) { p in try weightedSum(p[0].sorted()) }
    try checkGradients([x]) { p in try weightedSum(p[0].sorted(axis: 0, descending: true)) }
    try checkGradients([x]) { p in try weightedSum(p[0].topk(2).values) }
    try checkGradients([x]) { p in try weightedSum(p[0].topk(1, axis: 0, largest: false).values) }
  }
}

@Suite struct OneHotTests {
  @Test func labelsBecomeRows() throws {
    let y = try Tensor.oneHot(Tensor([0, 2, 1]), classes: 3)
    expectTensor(y, shape: [3, 3], [1, 0, 0, 0, 0, 1, 0, 1, 0])
    // A data set's [n, 1] labels give [n, classes]; the count defaults to the largest + 1.
    let z = try Tensor.oneHot(try Tensor([[1], [0]]))
    expectTensor(z, shape: [2, 2], [0, 1, 1, 0])
  }

  @Test func badLabelsAreErrors() {
    expectTensorError(.argument) { try Tensor.oneHot(Tensor([0, 3]), classes: 3) }
    expectTensorError(.argument) { try Tensor.oneHot(Tensor([0.5])) }
    expectTensorError(.argument) { try Tensor.oneHot(Tensor([-1])) }
    expectTensorError(.argument) { try Tensor.oneHot(Tensor([.nan])) }
    expectTensorError(.argument) { try Tensor.oneHot(Tensor([Double]())) }
    expectTensorError(.argument) { try Tensor.oneHot(Tensor([0]), classes: 0) }
  }
}

@Suite struct WhereTests {
  @Test func choosesElementwiseWithBroadcasting() throws {
    // np.where([[1], [0]], [10, 20], -1) → [[10, 20], [-1, -1]]
    let y = try Tensor.select(try Tensor([[1], [0]]), Tensor([10, 20]), Tensor(-1))
    expectTensor(y, shape: [2, 2], [10, 20, -1, -1])
    expectTensorError(.shape) { try Tensor.select(Tensor([1, 0]), Tensor([1, 2, 3]), Tensor(0)) }
  }

  @Test func gradientsGoToTheChosenSide() throws {
    let condition = Tensor([1, 0, 1])
    let a = try randomParameter([2, 3], seed: 55)
    let b = try randomParameter([3], seed: 56)
    let gradients = try checkGradients([a, b]) { p in
      try weightedSum(Tensor.select(condition, p[0], p[1]))
    }
    // b is chosen only in the middle column, so only that entry gets a gradient.
    #expect(gradients[1][0] == 0 && gradients[1][2] == 0 && gradients[1][1] != 0)
  }
}

/// Empty tensors give empty results of the right shape, whatever the other sizes, at no cost
/// in proportion to those sizes.
@Suite struct EmptyNumericsTests {
  @Test func emptyInputsGiveEmptyResults() throws {
    let wide = try Tensor.zeros([10_000_000, 0])
    let start = ContinuousClock.now
    #expect(try wide.sorted().shape == [10_000_000, 0])
    #expect(try wide.argsort(axis: 0).shape == [10_000_000, 0])
    #expect(try wide.topk(0).values.shape == [10_000_000, 0])
    #expect(try Tensor.select(Tensor(1), wide, Tensor(2)).shape == [10_000_000, 0])
    #expect(try wide[[.positions([0, 1])]].shape == [2, 0])
    #expect(wide.sin().shape == [10_000_000, 0] && wide.round().shape == [10_000_000, 0])
    #expect(try Tensor.oneHot(Tensor([Double]()), classes: 3).shape == [0, 3])
    // A long axis of an empty tensor allocates nothing in its length.
    let long = try Tensor.zeros([0, 200_000_000])
    #expect(try long.sorted().shape == [0, 200_000_000])
    #expect(try long.topk(5).values.shape == [0, 5])
    #expect(try long.argsort(axis: 0).shape == [0, 200_000_000])
    #expect(ContinuousClock.now - start < .seconds(2))
    expectTensorError(.argument) { try wide.variance() }
  }
}
