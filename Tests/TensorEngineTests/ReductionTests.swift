import Foundation
import TensorEngine
import Testing

@Suite struct ReductionTests {
  /// Reduces a [2, 3, 4] tensor along `axis` with `combine`, by loops over the kept axes.
  static func reference(
    _ x: Tensor, axis: Int, _ combine: ([Double]) -> Double
  ) -> (shape: [Int], values: [Double]) {
    let shape = x.shape
    var kept = shape
    kept.remove(at: axis)
    var values: [Double] = []
    for u in 0..<kept[0] {
      for v in 0..<kept[1] {
        var slice: [Double] = []
        for k in 0..<shape[axis] {
          var index = [u, v]
          index.insert(k, at: axis)
          slice.append(x.scalars[(index[0] * shape[1] + index[1]) * shape[2] + index[2]])
        }
        values.append(combine(slice))
      }
    }
    return (kept, values)
  }

  static let sum: @Sendable ([Double]) -> Double = { $0.reduce(0, +) }
  static let mean: @Sendable ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
  static let largest: @Sendable ([Double]) -> Double = {
    $0.reduce(-.infinity) { $0 > $1 ? $0 : $1 }
  }
  static let smallest: @Sendable ([Double]) -> Double = {
    $0.reduce(.infinity) { $0 < $1 ? $0 : $1 }
  }

  @Test(arguments: [0, 1, 2])
  func alongEachAxis(axis: Int) throws {
    let x = try randomTensor([2, 3, 4], seed: 91, in: -5...5)
    let cases: [(Tensor, ([Double]) -> Double)] = [
      (try x.sum(axis: axis), Self.sum), (try x.mean(axis: axis), Self.mean),
      (try x.max(axis: axis), Self.largest), (try x.min(axis: axis), Self.smallest),
    ]
    for (y, combine) in cases {
      let (shape, values) = Self.reference(x, axis: axis, combine)
      expectTensor(y, shape: shape, values, tolerance: 1e-14)
    }
    // A negative axis counts from the end.
    #expect(try x.sum(axis: axis - 3).scalars == x.sum(axis: axis).scalars)
    #expect(try x.max(axis: axis - 3).scalars == x.max(axis: axis).scalars)
  }

  @Test(arguments: [0, 1, 2])
  func keepDimsLeavesAOne(axis: Int) throws {
    let x = try randomTensor([2, 3, 4], seed: 92)
    var shape = [2, 3, 4]
    shape[axis] = 1
    for y in [
      try x.sum(axis: axis, keepDims: true), try x.mean(axis: axis, keepDims: true),
      try x.max(axis: axis, keepDims: true), try x.min(axis: axis, keepDims: true),
      try x.argmax(axis: axis, keepDims: true),
    ] {
      #expect(y.shape == shape)
    }
    #expect(try x.sum(axis: axis, keepDims: true).scalars == x.sum(axis: axis).scalars)
    // Kept dimensions broadcast back against the input: each slice minus its mean sums to 0.
    let centered = try x - x.mean(axis: axis, keepDims: true)
    let residual = try centered.sum(axis: axis).scalars
    #expect(residual.allSatisfy { abs($0) < 1e-14 })
  }

  @Test func overAllElements() throws {
    let x = try Tensor([[3, -1, 4], [1, -5, 9]])
    #expect(try x.sum().item() == 11)
    #expect(abs(try x.mean().item() - 11.0 / 6) < 1e-15)
    #expect(try x.max().item() == 9)
    #expect(try x.min().item() == -5)
    #expect(try x.sum().shape == [])
    #expect(try x.sum(keepDims: true).shape == [1, 1])
    #expect(try x.max(keepDims: true).shape == [1, 1])
    #expect(try Tensor(2.5).sum().item() == 2.5)
    #expect(try Tensor(2.5).max().item() == 2.5)
  }

  @Test func smallMatrixByHand() throws {
    let x = try Tensor([[1, 2, 3], [4, 5, 6]])
    expectTensor(try x.sum(axis: 0), shape: [3], [5, 7, 9])
    expectTensor(try x.sum(axis: 1), shape: [2], [6, 15])
    expectTensor(try x.mean(axis: -1), shape: [2], [2, 5])
    expectTensor(try x.mean(axis: 0, keepDims: true), shape: [1, 3], [2.5, 3.5, 4.5])
    expectTensor(try x.max(axis: 0), shape: [3], [4, 5, 6])
    expectTensor(try x.min(axis: 1), shape: [2], [1, 4])
  }

  @Test func argmaxTakesTheFirstLargest() throws {
    let x = try Tensor([[1, 5, 3, 5], [7, 2, 7, 0], [-1, -3, -2, -1]])
    // Flattened: the first 7 is element 4.
    #expect(try x.argmax().item() == 4)
    #expect(try x.argmax().shape == [])
    expectTensor(try x.argmax(axis: 1), shape: [3], [1, 0, 0])
    expectTensor(try x.argmax(axis: -1), shape: [3], [1, 0, 0])
    expectTensor(try x.argmax(axis: 0), shape: [4], [1, 0, 1, 0])
    expectTensor(try x.argmax(axis: 0, keepDims: true), shape: [1, 4], [1, 0, 1, 0])
    #expect(try Tensor([0, 0, 0]).argmax().item() == 0)
  }

  @Test func argmaxAgreesWithALoop() throws {
    let x = try randomTensor([5, 7], seed: 93)
    var expected: [Double] = []
    for r in 0..<5 {
      let row = Array(x.scalars[(r * 7)..<(r * 7 + 7)])
      expected.append(Double(row.firstIndex(of: row.max()!)!))
    }
    #expect(try x.argmax(axis: 1).scalars == expected)
  }

  /// A diverged value must show, not hide behind the numbers around it.
  @Test func nanWins() throws {
    let x = Tensor([1, .nan, 3])
    #expect(try x.max().item().isNaN)
    #expect(try x.min().item().isNaN)
    #expect(try x.argmax().item() == 1)
    #expect(try Tensor([.nan, 5]).max().item().isNaN)
  }

  @Test func emptyAxes() throws {
    #expect(try Tensor.zeros([0]).sum().item() == 0)
    expectTensor(try Tensor.zeros([2, 0]).sum(axis: 1), shape: [2], [0, 0])
    expectTensor(try Tensor.zeros([0, 3]).max(axis: 1), shape: [0], [])
  }

  @Test func reductionsOfPlainTensorsRecordNothing() throws {
    let x = try Tensor([[1, 2], [3, 4]])
    #expect(try !x.sum().requiresGrad)
    #expect(try !x.mean(axis: 0).requiresGrad)
    #expect(try !x.max(axis: 1).requiresGrad)
    let p = Tensor.parameter(x)
    #expect(try p.sum().requiresGrad)
    #expect(try !p.argmax().requiresGrad)
  }
}
