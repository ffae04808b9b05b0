import Foundation
import TensorEngine
import Testing

@Suite struct ShapingTests {
  /// 0, 1, …, n − 1 as a tensor of `shape`, so that each value names its own flat position.
  static func counting(_ shape: [Int]) throws -> Tensor {
    let n = shape.reduce(1, *)
    return try Tensor(shape: shape, scalars: (0..<n).map(Double.init))
  }

  @Test func reshapeKeepsRowMajorOrder() throws {
    let x = try Self.counting([2, 3])
    expectTensor(try x.reshaped([3, 2]), shape: [3, 2], [0, 1, 2, 3, 4, 5])
    expectTensor(try x.reshaped([-1]), shape: [6], [0, 1, 2, 3, 4, 5])
    #expect(try x.reshaped([3, -1]).shape == [3, 2])
    #expect(try x.reshaped([-1, 1, 2]).shape == [3, 1, 2])
    #expect(try Tensor([7]).reshaped([]).shape == [])
    #expect(try Tensor.zeros([0, 3]).reshaped([-1, 3]).shape == [0, 3])
    expectTensor(x.flattened(), shape: [6], [0, 1, 2, 3, 4, 5])
  }

  /// A slice of an empty tensor counts its positions instead of listing them; the count
  /// must be the length of the list a non-empty tensor's slice takes, for every bound and
  /// step, in range or clamped, forward or back.
  @Test func sliceOfAnEmptyTensorCountsAsTheListIsLong() throws {
    let empty = try Tensor.zeros([0, 7])
    let bounds: [Int?] = [nil, -9, -7, -3, -1, 0, 2, 6, 7, 9]
    for start in bounds {
      for end in bounds {
        for step in [1, 2, 3, 7, 8, -1, -2, -3, -8, Int.min] {
          let positions = try Tensor.rangePositions(start, end, step, size: 7)
          let slice = try empty[[.all, .range(start: start, end: end, step: step)]]
          #expect(
            slice.shape == [0, positions.count],
            "[\(String(describing: start)):\(String(describing: end)):\(step)]")
        }
      }
    }
  }

  @Test func transposeOfAMatrix() throws {
    let x = try Tensor([[1, 2, 3], [4, 5, 6]])
    expectTensor(x.transposed(), shape: [3, 2], [1, 4, 2, 5, 3, 6])
    expectTensor(x.transposed().transposed(), shape: [2, 3], [1, 2, 3, 4, 5, 6])
    expectTensor(Tensor([1, 2, 3]).transposed(), shape: [3], [1, 2, 3])
  }

  /// y[i, j, k] = x[k, i, j] for the permutation [2, 0, 1] of a [2, 3, 4] tensor.
  @Test func permuteMovesEachElement() throws {
    let x = try Self.counting([2, 3, 4])
    let y = try x.permuted([2, 0, 1])
    #expect(y.shape == [4, 2, 3])
    var expected: [Double] = []
    for i in 0..<4 {
      for j in 0..<2 {
        for k in 0..<3 { expected.append(Double((j * 3 + k) * 4 + i)) }
      }
    }
    #expect(y.scalars == expected)
    #expect(try x.permuted([-1, 0, 1]).scalars == expected)
    // The transpose of a rank-3 tensor reverses all axes: y[i, j, k] = x[k, j, i].
    let t = x.transposed()
    #expect(t.shape == [4, 3, 2])
    #expect(t.scalars[(1 * 3 + 2) * 2 + 1] == Double((1 * 3 + 2) * 4 + 1))
    #expect(try x.permuted([0, 1, 2]).scalars == x.scalars)
  }

  @Test func indexingAVector() throws {
    let t = try Self.counting([10])
    #expect(try t.index(3).item() == 3)
    #expect(try t.index(-1).item() == 9)
    #expect(try t.index(-10).item() == 0)
    #expect(try t.index(3).shape == [])
    func slice(_ start: Int?, _ end: Int?, _ step: Int?) throws -> [Double] {
      try t[[.range(start: start, end: end, step: step)]].scalars
    }
    #expect(try slice(nil, nil, nil) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(try slice(-3, nil, nil) == [7, 8, 9])
    #expect(try slice(nil, -7, nil) == [0, 1, 2])
    #expect(try slice(2, 8, 3) == [2, 5])
    #expect(try slice(nil, nil, -1) == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    #expect(try slice(nil, nil, -3) == [9, 6, 3, 0])
    #expect(try slice(8, 2, -2) == [8, 6, 4])
    #expect(try slice(-2, -5, -1) == [8, 7, 6])
    #expect(try slice(2, nil, -1) == [2, 1, 0])
    // Out-of-range bounds are clamped as in Python.
    #expect(try slice(-100, 100, nil) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(try slice(100, -100, -4) == [9, 5, 1])
    #expect(try slice(5, -100, -1) == [5, 4, 3, 2, 1, 0])
    #expect(try slice(-100, 3, nil) == [0, 1, 2])
    #expect(try slice(5, 2, nil) == [])
    #expect(try slice(2, 5, -1) == [])
    #expect(try t[[.range(start: 5, end: 2, step: nil)]].shape == [0])
  }

  @Test func indexingAMatrix() throws {
    let m = try Self.counting([3, 4])
    expectTensor(try m.index(-1), shape: [4], [8, 9, 10, 11])
    expectTensor(try m[[.all, .at(-1)]], shape: [3], [3, 7, 11])
    expectTensor(try m[[.at(1), .at(-2)]], shape: [], [6])
    expectTensor(
      try m[[.range(start: 1, end: nil, step: nil), .range(start: nil, end: nil, step: 2)]],
      shape: [2, 2], [4, 6, 8, 10])
    expectTensor(
      try m[[.range(start: nil, end: nil, step: -1), .range(start: -1, end: 0, step: -2)]],
      shape: [3, 2], [11, 9, 7, 5, 3, 1])
    // Fewer indices than axes keep the rest whole.
    #expect(try m[[]].scalars == m.scalars)
    #expect(try m[[.range(start: 0, end: 1, step: nil)]].shape == [1, 4])
  }

  @Test func concatAlongEachAxis() throws {
    let a = try Tensor([[1, 2], [3, 4]])
    let b = try Tensor([[5, 6]])
    let c = try Tensor([[7], [8]])
    expectTensor(try Tensor.concat([a, b]), shape: [3, 2], [1, 2, 3, 4, 5, 6])
    expectTensor(try Tensor.concat([a, c], axis: 1), shape: [2, 3], [1, 2, 7, 3, 4, 8])
    expectTensor(try Tensor.concat([c, a, c], axis: -1), shape: [2, 4], [7, 1, 2, 7, 8, 3, 4, 8])
    expectTensor(try Tensor.concat([Tensor([1]), Tensor([2, 3])]), shape: [3], [1, 2, 3])
    expectTensor(try Tensor.concat([a]), shape: [2, 2], [1, 2, 3, 4])
    expectTensor(
      try Tensor.concat([Tensor.zeros([0, 2]), b]), shape: [1, 2], [5, 6])
  }

  @Test func concatOfRank3AlongTheMiddle() throws {
    let a = try Self.counting([2, 1, 2])
    let b = try Self.counting([2, 2, 2]) + 100
    let y = try Tensor.concat([a, b], axis: 1)
    #expect(y.shape == [2, 3, 2])
    // Each outer block is a's row then b's two rows.
    #expect(y.scalars == [0, 1, 100, 101, 102, 103, 2, 3, 104, 105, 106, 107])
  }

  @Test func stackMakesANewAxis() throws {
    let a = Tensor([1, 2, 3])
    let b = Tensor([4, 5, 6])
    expectTensor(try Tensor.stack([a, b]), shape: [2, 3], [1, 2, 3, 4, 5, 6])
    expectTensor(try Tensor.stack([a, b], axis: 1), shape: [3, 2], [1, 4, 2, 5, 3, 6])
    expectTensor(try Tensor.stack([a, b], axis: -1), shape: [3, 2], [1, 4, 2, 5, 3, 6])
    expectTensor(try Tensor.stack([Tensor(1), Tensor(2)]), shape: [2], [1, 2])
    let m = try Tensor([[1, 2], [3, 4]])
    let n = try Tensor([[5, 6], [7, 8]])
    expectTensor(try Tensor.stack([m, n], axis: 1), shape: [2, 2, 2], [1, 2, 5, 6, 3, 4, 7, 8])
    expectTensor(try Tensor.stack([m, n], axis: 2), shape: [2, 2, 2], [1, 5, 2, 6, 3, 7, 4, 8])
  }

  @Test func shapingPlainTensorsRecordsNothing() throws {
    let x = try Self.counting([2, 3])
    #expect(try !x.reshaped([3, 2]).requiresGrad)
    #expect(!x.transposed().requiresGrad)
    #expect(try !x.index(0).requiresGrad)
    #expect(try !Tensor.concat([x, x]).requiresGrad)
    let p = Tensor.parameter(x)
    #expect(try Tensor.concat([x, p]).requiresGrad)
    #expect(try p[[.all, .at(0)]].requiresGrad)
  }
}
