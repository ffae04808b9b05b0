import Foundation
import TensorEngine
import Testing

/// An elementwise function with its definition written out independently of the engine.
struct UnaryReference: Sendable, CustomTestStringConvertible {
  let op: UnaryOp
  let f: @Sendable (Double) -> Double
  var testDescription: String { "\(op)" }
}

@Suite struct UnaryForwardTests {
  static let inputs: [Double] = [-3, -1.5, -0.25, 0, 0.25, 0.5, 1, 2.5]

  static let references: [UnaryReference] = [
    UnaryReference(op: .negate) { -$0 },
    UnaryReference(op: .exp) { Foundation.exp($0) },
    UnaryReference(op: .abs) { $0 < 0 ? -$0 : $0 },
    UnaryReference(op: .relu) { $0 > 0 ? $0 : 0 },
    UnaryReference(op: .leakyRelu(slope: 0.1)) { $0 > 0 ? $0 : 0.1 * $0 },
    UnaryReference(op: .sigmoid) { 1 / (1 + Foundation.exp(-$0)) },
    UnaryReference(op: .tanh) { (Foundation.exp(2 * $0) - 1) / (Foundation.exp(2 * $0) + 1) },
    UnaryReference(op: .step) { $0 < 0 ? 0 : 1 },
    UnaryReference(op: .sign) { $0 == 0 ? 0 : ($0 < 0 ? -1 : 1) },
    UnaryReference(op: .clip(low: -1, high: 0.5)) { $0 < -1 ? -1 : ($0 > 0.5 ? 0.5 : $0) },
  ]

  @Test(arguments: references)
  func matchesItsDefinition(_ r: UnaryReference) throws {
    let x = try Tensor(shape: [2, 4], scalars: Self.inputs)
    let y = x.apply(r.op)
    expectTensor(y, shape: [2, 4], Self.inputs.map(r.f), tolerance: 1e-14)
  }

  @Test func logAndSqrtOfPositiveValues() {
    let x = Tensor([0.25, 1, 4, M_E, 100])
    expectClose(x.log().scalars, [-2 * M_LN2, 0, 2 * M_LN2, 1, 2 * M_LN10], tolerance: 1e-15)
    expectClose(x.sqrt().scalars, [0.5, 1, 2, M_E.squareRoot(), 10], tolerance: 1e-15)
    // Outside the domain: NaN and −∞ as IEEE 754 says, not a trap.
    let bad = Tensor([-1, 0])
    #expect(bad.log().scalars[0].isNaN)
    #expect(bad.log().scalars[1] == -.infinity)
    #expect(bad.sqrt().scalars[0].isNaN)
  }

  @Test func namedMethodsAreTheirOps() throws {
    let x = Tensor(Self.inputs)
    #expect((-x).scalars == x.apply(.negate).scalars)
    #expect(x.exp().scalars == x.apply(.exp).scalars)
    #expect(x.abs().scalars == x.apply(.abs).scalars)
    #expect(x.relu().scalars == x.apply(.relu).scalars)
    #expect(x.leakyRelu().scalars == x.apply(.leakyRelu(slope: 0.01)).scalars)
    #expect(x.sigmoid().scalars == x.apply(.sigmoid).scalars)
    #expect(x.tanh().scalars == x.apply(.tanh).scalars)
    #expect(x.step().scalars == x.apply(.step).scalars)
    #expect(x.sign().scalars == x.apply(.sign).scalars)
    #expect(try x.clip(-1, 1).scalars == x.apply(.clip(low: -1, high: 1)).scalars)
  }

  @Test func stepIsOneAtZeroAsInThePerceptron() {
    #expect(Tensor([-1e-300, 0, -0.0, 1e-300]).step().scalars == [0, 1, 1, 1])
  }

  @Test func sigmoidOfLargeValuesIsFiniteAndAccurate() {
    let y = Tensor([-1000, -745, -40, 40, 745, 1000]).sigmoid().scalars
    #expect(y.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    #expect(y[0] == 0)
    #expect(y[5] == 1)
    // σ(−40) = e^−40 / (1 + e^−40) ≈ e^−40, kept to full relative precision.
    #expect(abs(y[2] - Foundation.exp(-40)) / Foundation.exp(-40) < 1e-14)
    #expect(abs(y[3] - 1) < 1e-15)
  }

  @Test func tanhOfLargeValuesIsFinite() {
    #expect(Tensor([-1000, 1000]).tanh().scalars == [-1, 1])
  }
}

@Suite struct BinaryForwardTests {
  @Test func sameShape() throws {
    let a = try Tensor([[1, 2, 3], [4, 5, 6]])
    let b = try Tensor([[6, 5, 4], [3, 2, 1]])
    expectTensor(try a + b, shape: [2, 3], [7, 7, 7, 7, 7, 7])
    expectTensor(try a - b, shape: [2, 3], [-5, -3, -1, 1, 3, 5])
    expectTensor(try a * b, shape: [2, 3], [6, 10, 12, 12, 10, 6])
    expectTensor(try a / b, shape: [2, 3], [1.0 / 6, 2.0 / 5, 3.0 / 4, 4.0 / 3, 5.0 / 2, 6])
    expectTensor(try Tensor.binary(.maximum, a, b), shape: [2, 3], [6, 5, 4, 4, 5, 6])
    expectTensor(try Tensor.binary(.minimum, a, b), shape: [2, 3], [1, 2, 3, 3, 2, 1])
  }

  @Test func matrixWithRow() throws {
    let a = try Tensor([[1, 2, 3], [4, 5, 6]])
    let row = Tensor([10, 20, 30])
    expectTensor(try a + row, shape: [2, 3], [11, 22, 33, 14, 25, 36])
    expectTensor(try row - a, shape: [2, 3], [9, 18, 27, 6, 15, 24])
  }

  @Test func columnWithRowIsAnOuterOperation() throws {
    let column = try Tensor([[1], [2]])
    let row = try Tensor([[10, 20, 30]])
    expectTensor(try column * row, shape: [2, 3], [10, 20, 30, 20, 40, 60])
    expectTensor(try row - column, shape: [2, 3], [9, 19, 29, 8, 18, 28])
  }

  @Test func scalarWithMatrix() throws {
    let m = try Tensor([[1, 2], [4, 8]])
    expectTensor(try Tensor(8) / m, shape: [2, 2], [8, 4, 2, 1])
    expectTensor(try m / Tensor(2), shape: [2, 2], [0.5, 1, 2, 4])
    expectTensor(try m - 1, shape: [2, 2], [0, 1, 3, 7])
    expectTensor(try 1 - m, shape: [2, 2], [0, -1, -3, -7])
    expectTensor(try 2 * m + 1, shape: [2, 2], [3, 5, 9, 17])
    expectTensor(try 16 / m / 2, shape: [2, 2], [8, 4, 2, 1])
    expectTensor(try Tensor(3) + Tensor(4), shape: [], [7])
  }

  /// [4, 1, 3] with [2, 3] → [4, 2, 3]: out[i, j, k] = a[i, 0, k] − b[j, k].
  @Test func threeAxesWithTwo() throws {
    let a = try randomTensor([4, 1, 3], seed: 71)
    let b = try randomTensor([2, 3], seed: 72)
    var expected: [Double] = []
    for i in 0..<4 {
      for j in 0..<2 {
        for k in 0..<3 { expected.append(a.scalars[i * 3 + k] - b.scalars[j * 3 + k]) }
      }
    }
    expectTensor(try a - b, shape: [4, 2, 3], expected)
    // And the other way round, for the operand order in the loop.
    expectTensor(try b - a, shape: [4, 2, 3], expected.map { -$0 })
  }

  /// [2, 1, 3] with [1, 4, 1] → [2, 4, 3]: both operands broadcast on different axes.
  @Test func bothOperandsBroadcast() throws {
    let a = try randomTensor([2, 1, 3], seed: 73)
    let b = try randomTensor([1, 4, 1], seed: 74)
    var expected: [Double] = []
    for i in 0..<2 {
      for j in 0..<4 {
        for k in 0..<3 { expected.append(a.scalars[i * 3 + k] * b.scalars[j]) }
      }
    }
    expectTensor(try a * b, shape: [2, 4, 3], expected)
  }

  /// A one-element operand of higher rank still broadcasts to the larger rank.
  @Test func oneElementOfHigherRank() throws {
    let one = try Tensor(shape: [1, 1, 1], scalars: [10])
    expectTensor(try Tensor([1, 2, 3]) + one, shape: [1, 1, 3], [11, 12, 13])
    expectTensor(try one - Tensor([1, 2, 3]), shape: [1, 1, 3], [9, 8, 7])
  }

  @Test func emptyOperands() throws {
    let empty = try Tensor.zeros([0, 3])
    #expect(try (empty + Tensor([1, 2, 3])).shape == [0, 3])
    #expect(try (empty * Tensor(2)).shape == [0, 3])
    #expect(try (Tensor.zeros([2, 0]) + Tensor.zeros([2, 1])).shape == [2, 0])
  }

  @Test func powers() throws {
    expectTensor(try Tensor([4, 9, 0.25]).pow(0.5), shape: [3], [2, 3, 0.5])
    expectTensor(try Tensor([-2, 3]).pow(2), shape: [2], [4, 9])
    expectTensor(try Tensor([-2, 3]).pow(3), shape: [2], [-8, 27])
    expectTensor(try Tensor([-2, 3]).pow(1), shape: [2], [-2, 3])
    expectTensor(try Tensor([-2, 3]).pow(0), shape: [2], [1, 1])
    expectTensor(try Tensor(2).pow(Tensor([0, 1, 2, 3, -1])), shape: [5], [1, 2, 4, 8, 0.5])
  }

  @Test func divisionByZeroFollowsIEEE() throws {
    let y = try Tensor([1, -1, 0]) / Tensor(0)
    #expect(y.scalars[0] == .infinity)
    #expect(y.scalars[1] == -.infinity)
    #expect(y.scalars[2].isNaN)
  }

  @Test func comparisonsGiveZeroOrOne() throws {
    let a = Tensor([1, 2, 3])
    let b = Tensor([2, 2, 2])
    let expected: [(BinaryOp, [Double])] = [
      (.equal, [0, 1, 0]), (.notEqual, [1, 0, 1]), (.less, [1, 0, 0]),
      (.lessEqual, [1, 1, 0]), (.greater, [0, 0, 1]), (.greaterEqual, [0, 1, 1]),
    ]
    for (op, values) in expected {
      #expect(try Tensor.binary(op, a, b).scalars == values, "\(op)")
    }
    // Broadcast like the arithmetic operators.
    let m = try Tensor.binary(.greater, Tensor([[1], [3]]), Tensor([0, 2, 4]))
    expectTensor(m, shape: [2, 3], [1, 0, 0, 1, 1, 0])
  }

  /// Comparisons are steps: they record nothing even on parameters.
  @Test func comparisonsOfParametersAreNotDifferentiable() throws {
    let p = Tensor.parameter(Tensor([1, 2, 3]))
    let c = try Tensor.binary(.less, p, Tensor(2))
    #expect(!c.requiresGrad)
  }

  @Test func maximumAndMinimumBroadcast() throws {
    let a = try Tensor([[1, 5], [3, -2]])
    expectTensor(try Tensor.binary(.maximum, a, Tensor(2)), shape: [2, 2], [2, 5, 3, 2])
    expectTensor(try Tensor.binary(.minimum, a, Tensor([0, 4])), shape: [2, 2], [0, 4, 0, -2])
  }
}

@Suite struct SoftmaxForwardTests {
  /// softmax along `axis` of a [2, 3, 4] tensor, by a loop over the other two axes.
  static func reference(_ x: Tensor, axis: Int, log takeLog: Bool) -> [Double] {
    let shape = x.shape
    var out = x.scalars
    func offset(_ i: [Int]) -> Int { (i[0] * shape[1] + i[1]) * shape[2] + i[2] }
    let others = [0, 1, 2].filter { $0 != axis }
    for u in 0..<shape[others[0]] {
      for v in 0..<shape[others[1]] {
        var positions: [Int] = []
        for k in 0..<shape[axis] {
          var index = [0, 0, 0]
          index[others[0]] = u
          index[others[1]] = v
          index[axis] = k
          positions.append(offset(index))
        }
        let total = positions.map { Foundation.exp(x.scalars[$0]) }.reduce(0, +)
        for p in positions {
          out[p] =
            takeLog ? x.scalars[p] - Foundation.log(total) : Foundation.exp(x.scalars[p]) / total
        }
      }
    }
    return out
  }

  @Test(arguments: [0, 1, 2])
  func matchesExpOverSum(axis: Int) throws {
    let x = try randomTensor([2, 3, 4], seed: 81, in: -3...3)
    let y = try x.softmax(axis: axis)
    expectTensor(y, shape: [2, 3, 4], Self.reference(x, axis: axis, log: false), tolerance: 1e-14)
    let logY = try x.logSoftmax(axis: axis)
    expectTensor(
      logY, shape: [2, 3, 4], Self.reference(x, axis: axis, log: true), tolerance: 1e-14)
    // The same through the negative spelling of the axis.
    #expect(try x.softmax(axis: axis - 3).scalars == y.scalars)
    // Every slice along the axis sums to 1.
    let sums = try y.sum(axis: axis)
    expectClose(sums.scalars, [Double](repeating: 1, count: sums.count), tolerance: 1e-15)
  }

  @Test func rowsOfAMatrixSumToOne() throws {
    let logits = try Tensor([[1, 2, 3], [0, 0, 0], [-5, 10, 2]])
    let p = try logits.softmax()
    for r in 0..<3 {
      let row = Array(p.scalars[(r * 3)..<(r * 3 + 3)])
      #expect(abs(row.reduce(0, +) - 1) < 1e-15)
    }
    expectClose(Array(p.scalars[3..<6]), [1.0 / 3, 1.0 / 3, 1.0 / 3], tolerance: 1e-15)
    let e = [Foundation.exp(1.0), Foundation.exp(2.0), Foundation.exp(3.0)]
    let total = e.reduce(0, +)
    expectClose(Array(p.scalars[0..<3]), e.map { $0 / total }, tolerance: 1e-15)
  }

  @Test func largeLogitsDoNotOverflow() throws {
    let p = try Tensor([1000, 1001, 1002]).softmax().scalars
    #expect(p.allSatisfy { $0.isFinite })
    // Shifting the logits does not change the softmax.
    expectClose(p, try Tensor([0, 1, 2]).softmax().scalars, tolerance: 1e-15)
    let logP = try Tensor([-1000, 0]).logSoftmax().scalars
    #expect(logP.allSatisfy { $0.isFinite })
    expectClose(logP, [-1000, 0], tolerance: 1e-15)
  }

  @Test func logSoftmaxIsTheLogOfSoftmax() throws {
    let x = try randomTensor([3, 5], seed: 82, in: -4...4)
    expectClose(try x.logSoftmax().scalars, try x.softmax().log().scalars, tolerance: 1e-14)
  }

  @Test func ofAScalar() throws {
    #expect(try Tensor(5).softmax().item() == 1)
    #expect(try Tensor(5).logSoftmax().item() == 0)
  }
}
