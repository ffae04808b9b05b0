import Foundation
import TensorEngine
import Testing

// Every differentiable operation's reverse-mode gradient checked against central finite
// differences (see `checkGradients`). Inputs avoid the points where an operation has no
// derivative: relu and abs at 0, clip at its bounds, ties in max/min.

/// One elementwise function with inputs drawn from a range where it is differentiable.
struct UnaryCase: Sendable, CustomTestStringConvertible {
  let op: UnaryOp
  let range: ClosedRange<Double>
  var testDescription: String { "\(op)" }
}

@Suite struct UnaryGradientTests {
  static let cases: [UnaryCase] = [
    UnaryCase(op: .negate, range: -2...2),
    UnaryCase(op: .exp, range: -2...2),
    UnaryCase(op: .log, range: 0.2...3),
    UnaryCase(op: .sqrt, range: 0.2...3),
    UnaryCase(op: .abs, range: -2...2),
    UnaryCase(op: .relu, range: -2...2),
    UnaryCase(op: .leakyRelu(slope: 0.1), range: -2...2),
    UnaryCase(op: .sigmoid, range: -4...4),
    UnaryCase(op: .tanh, range: -2...2),
    UnaryCase(op: .clip(low: -0.5, high: 0.7), range: -1.5...1.5),
  ]

  @Test(arguments: cases)
  func matchesFiniteDifferences(_ c: UnaryCase) throws {
    let x = try randomParameter([3, 4], seed: 11, in: c.range)
    try checkGradients([x]) { p in try weightedSum(p[0].apply(c.op)) }
  }

  /// The range must hold points on both sides of each kink, or the check proves less.
  @Test func piecewiseInputsCoverBothSides() {
    let values = randomValues(12, seed: 11, in: -1.5...1.5)
    #expect(values.contains { $0 < -0.5 } && values.contains { $0 > 0.7 })
    #expect(values.contains { $0 > -0.5 && $0 < 0 } && values.contains { $0 > 0 && $0 < 0.7 })
  }

  @Test(arguments: [UnaryOp.step, .sign])
  func stepAndSignHaveZeroGradient(_ op: UnaryOp) throws {
    let x = try randomParameter([2, 5], seed: 12, in: -2...2)
    let gradients = try checkGradients([x]) { p in try weightedSum(p[0].apply(op)) }
    #expect(gradients[0] == [Double](repeating: 0, count: 10))
  }

  @Test func theNamedMethodsAreDifferentiable() throws {
    let x = try randomParameter([5], seed: 13, in: 0.3...2)
    try checkGradients([x]) { p in
      let a = try p[0].exp() + p[0].log()
      let b = try p[0].sqrt() * p[0].abs().relu()
      let c = try p[0].leakyRelu(slope: 0.2) - p[0].sigmoid() + p[0].tanh()
      return try weightedSum(try a + b + c + (-p[0]) + p[0].clip(0.5, 1.5))
    }
  }
}

/// The operand shapes of one broadcasting case.
struct ShapePair: Sendable, CustomTestStringConvertible {
  let a: [Int]
  let b: [Int]
  var testDescription: String { "\(a) with \(b)" }
}

@Suite struct BinaryGradientTests {
  static let ops: [BinaryOp] = [.add, .subtract, .multiply, .divide, .power, .maximum, .minimum]
  static let shapes: [ShapePair] = [
    ShapePair(a: [2, 3], b: [2, 3]),
    ShapePair(a: [2, 3], b: [3]),
    ShapePair(a: [3], b: [2, 3]),
    ShapePair(a: [2, 1], b: [1, 3]),
    ShapePair(a: [], b: [2, 3]),
    ShapePair(a: [2, 3], b: []),
    ShapePair(a: [4, 1, 3], b: [2, 3]),
    ShapePair(a: [2, 3], b: [4, 1, 3]),
    ShapePair(a: [2, 1, 3], b: [1, 4, 1]),
  ]

  /// Operands where `op` is differentiable: divisors away from 0, positive bases for powers.
  static func operands(_ op: BinaryOp, _ shapes: ShapePair) throws -> (Tensor, Tensor) {
    switch op {
    case .divide:
      return (
        try randomParameter(shapes.a, seed: 21, in: -2...2),
        try randomParameter(shapes.b, seed: 22, in: 0.5...2)
      )
    case .power:
      return (
        try randomParameter(shapes.a, seed: 21, in: 0.5...2),
        try randomParameter(shapes.b, seed: 22, in: -1.5...2.5)
      )
    default:
      return (
        try randomParameter(shapes.a, seed: 21, in: -2...2),
        try randomParameter(shapes.b, seed: 22, in: -2...2)
      )
    }
  }

  @Test(arguments: ops, shapes)
  func bothOperandsMatchFiniteDifferences(_ op: BinaryOp, _ shapes: ShapePair) throws {
    let (a, b) = try Self.operands(op, shapes)
    try checkGradients([a, b]) { p in try weightedSum(Tensor.binary(op, p[0], p[1])) }
  }

  /// With only one operand a parameter, the other gets no gradient and the first the same
  /// one as before.
  @Test(arguments: ops, [ShapePair(a: [2, 3], b: [3]), ShapePair(a: [2, 1], b: [1, 3])])
  func oneParameterOperand(_ op: BinaryOp, _ shapes: ShapePair) throws {
    let (a, b) = try Self.operands(op, shapes)
    let plainA = a.detached
    let plainB = b.detached
    try checkGradients([a]) { p in try weightedSum(Tensor.binary(op, p[0], plainB)) }
    try checkGradients([b]) { p in try weightedSum(Tensor.binary(op, plainA, p[0])) }
  }

  /// `x ^ p` takes shortcuts for p = 1 and p = 2; the gradient must not.
  @Test(arguments: [0.5, 1, 2, 3, -1])
  func powerByConstant(_ exponent: Double) throws {
    let x = try randomParameter([4], seed: 23, in: 0.5...2)
    try checkGradients([x]) { p in try weightedSum(p[0].pow(exponent)) }
  }

  @Test func operatorsWithNumbers() throws {
    let x = try randomParameter([2, 2], seed: 24, in: 0.5...2)
    try checkGradients([x]) { p in
      let x = p[0]
      let left = try (x + 2) * 3 - 1
      let right = try 2 / x + (1 - x) * (0.5 * x) - (x / 4) + (1 + x)
      return try weightedSum(left + right)
    }
  }
}

/// A reduction along an axis (nil for all elements), keeping the reduced axes or not.
struct AxisCase: Sendable, CustomTestStringConvertible {
  let axis: Int?
  let keepDims: Bool
  var testDescription: String { "axis \(axis.map(String.init) ?? "all") keepDims \(keepDims)" }
}

@Suite struct ReductionGradientTests {
  enum Reduction: String, Sendable, CaseIterable { case sum, mean, max, min }

  static let axes: [AxisCase] = [nil, 0, 1, 2, -1, -3].flatMap { axis in
    [false, true].map { AxisCase(axis: axis, keepDims: $0) }
  }

  static func reduce(_ x: Tensor, _ r: Reduction, _ c: AxisCase) throws -> Tensor {
    switch r {
    case .sum: try x.sum(axis: c.axis, keepDims: c.keepDims)
    case .mean: try x.mean(axis: c.axis, keepDims: c.keepDims)
    case .max: try x.max(axis: c.axis, keepDims: c.keepDims)
    case .min: try x.min(axis: c.axis, keepDims: c.keepDims)
    }
  }

  @Test(arguments: Reduction.allCases, axes)
  func matchesFiniteDifferences(_ r: Reduction, _ c: AxisCase) throws {
    // Distinct values, so that max and min have no ties.
    let x = try randomParameter([2, 3, 4], seed: 31, in: -3...3)
    try checkGradients([x]) { p in try weightedSum(Self.reduce(p[0], r, c)) }
  }

  @Test(arguments: Reduction.allCases)
  func ofAVector(_ r: Reduction) throws {
    let x = try randomParameter([7], seed: 32)
    try checkGradients([x]) { p in try Self.reduce(p[0], r, AxisCase(axis: 0, keepDims: false)) }
  }
}

/// A shaping operation under test, named for the test report.
struct ShapingCase: Sendable, CustomTestStringConvertible {
  let name: String
  let apply: @Sendable (Tensor) throws -> Tensor
  var testDescription: String { name }
}

@Suite struct ShapingGradientTests {
  static let cases: [ShapingCase] = [
    ShapingCase(name: "reshaped [6, 4]") { try $0.reshaped([6, 4]) },
    ShapingCase(name: "reshaped [-1, 2]") { try $0.reshaped([-1, 2]) },
    ShapingCase(name: "flattened") { $0.flattened() },
    ShapingCase(name: "permuted [2, 0, 1]") { try $0.permuted([2, 0, 1]) },
    ShapingCase(name: "permuted [-1, -3, -2]") { try $0.permuted([-1, -3, -2]) },
    ShapingCase(name: "transposed") { $0.transposed() },
    ShapingCase(name: "t[1]") { try $0[[.at(1)]] },
    ShapingCase(name: "index(-1)") { try $0.index(-1) },
    ShapingCase(name: "t[:, -2]") { try $0[[.all, .at(-2)]] },
    ShapingCase(name: "t[0, 1:, ::2]") {
      try $0[[.at(0), .range(start: 1, end: nil, step: nil), .range(start: nil, end: nil, step: 2)]]
    },
    ShapingCase(name: "t[::-1, ::-2, 3:0:-1]") {
      try $0[[
        .range(start: nil, end: nil, step: -1), .range(start: nil, end: nil, step: -2),
        .range(start: 3, end: 0, step: -1),
      ]]
    },
    ShapingCase(name: "t[-1, -3:-1, -1]") {
      try $0[[.at(-1), .range(start: -3, end: -1, step: nil), .at(-1)]]
    },
  ]

  @Test(arguments: cases)
  func matchesFiniteDifferences(_ c: ShapingCase) throws {
    let x = try randomParameter([2, 3, 4], seed: 41)
    try checkGradients([x]) { p in try weightedSum(c.apply(p[0])) }
  }

  @Test(arguments: [0, 1, 2, -1])
  func concat(axis: Int) throws {
    var a = [2, 3, 4]
    var b = [2, 3, 4]
    let normalized = (axis + 3) % 3
    a[normalized] = 1
    b[normalized] = 3
    let x = try randomParameter(a, seed: 42)
    let y = try randomParameter(b, seed: 43)
    let z = try randomParameter([2, 3, 4], seed: 44)
    try checkGradients([x, y, z]) { p in
      try weightedSum(Tensor.concat([p[0], p[1], p[2]], axis: axis))
    }
    // A plain tensor among parameters, and one tensor twice.
    let plain = y.detached
    try checkGradients([x]) { p in try weightedSum(Tensor.concat([p[0], plain, p[0]], axis: axis)) }
  }

  @Test(arguments: [0, 1, 2, -1, -3])
  func stack(axis: Int) throws {
    let x = try randomParameter([2, 3], seed: 45)
    let y = try randomParameter([2, 3], seed: 46)
    try checkGradients([x, y]) { p in try weightedSum(Tensor.stack([p[0], p[1], p[0]], axis: axis))
    }
  }
}

@Suite struct MatMulGradientTests {
  static let shapes: [ShapePair] = [
    ShapePair(a: [3], b: [3]),
    ShapePair(a: [2, 3], b: [3]),
    ShapePair(a: [3], b: [3, 4]),
    ShapePair(a: [2, 3], b: [3, 4]),
    ShapePair(a: [2, 3, 4], b: [4, 5]),
    ShapePair(a: [4, 5], b: [2, 5, 3]),
    ShapePair(a: [2, 3, 4], b: [2, 4, 5]),
    ShapePair(a: [1, 3, 4], b: [2, 4, 5]),
    ShapePair(a: [2, 1, 3, 4], b: [3, 4, 2]),
    ShapePair(a: [2, 3, 4], b: [4]),
    ShapePair(a: [4], b: [2, 4, 5]),
    // At or above `Tensor.blasThreshold` multiply-adds per matrix: OpenBLAS.
    ShapePair(a: [20, 20], b: [20, 20]),
    ShapePair(a: [2, 16, 16], b: [16, 16]),
    ShapePair(a: [1, 16, 24], b: [3, 24, 12]),
    ShapePair(a: [24], b: [24, 200]),
  ]

  @Test(arguments: shapes)
  func matchesFiniteDifferences(_ s: ShapePair) throws {
    let a = try randomParameter(s.a, seed: 51)
    let b = try randomParameter(s.b, seed: 52)
    try checkGradients([a, b]) { p in try weightedSum(Tensor.matmul(p[0], p[1])) }
    let plainA = a.detached
    let plainB = b.detached
    try checkGradients([a]) { p in try weightedSum(Tensor.matmul(p[0], plainB)) }
    try checkGradients([b]) { p in try weightedSum(Tensor.matmul(plainA, p[0])) }
  }

  @Test func theLargeCasesReallyReachTheThreshold() {
    #expect(20 * 20 * 20 >= Tensor.blasThreshold)
    #expect(16 * 16 * 16 >= Tensor.blasThreshold)
    #expect(16 * 24 * 12 >= Tensor.blasThreshold)
    #expect(24 * 200 >= Tensor.blasThreshold)
    #expect(2 * 3 * 4 * 5 < Tensor.blasThreshold)
  }

  /// `linear` with input shape, output count and whether it has a bias.
  struct LinearCase: Sendable, CustomTestStringConvertible {
    let x: [Int]
    let outputs: Int
    let bias: Bool
    var testDescription: String { "x \(x) → \(outputs)\(bias ? " + bias" : "")" }
  }

  @Test(arguments: [
    LinearCase(x: [3], outputs: 4, bias: true),
    LinearCase(x: [3], outputs: 4, bias: false),
    LinearCase(x: [5, 3], outputs: 4, bias: true),
    LinearCase(x: [5, 3], outputs: 4, bias: false),
    LinearCase(x: [1, 3], outputs: 2, bias: true),
    LinearCase(x: [20, 20], outputs: 20, bias: true),
    LinearCase(x: [20, 20], outputs: 20, bias: false),
  ])
  func linear(_ c: LinearCase) throws {
    let inputs = c.x.last!
    let x = try randomParameter(c.x, seed: 53)
    let w = try randomParameter([c.outputs, inputs], seed: 54)
    let b = try randomParameter([c.outputs], seed: 55)
    if c.bias {
      try checkGradients([x, w, b]) { p in
        try weightedSum(Tensor.linear(p[0], weight: p[1], bias: p[2]))
      }
      // Only the bias a parameter; then only the weights.
      let (plainX, plainW) = (x.detached, w.detached)
      try checkGradients([b]) { p in
        try weightedSum(Tensor.linear(plainX, weight: plainW, bias: p[0]))
      }
      let plainB = b.detached
      try checkGradients([w]) { p in
        try weightedSum(Tensor.linear(plainX, weight: p[0], bias: plainB))
      }
    } else {
      try checkGradients([x, w]) { p in
        try weightedSum(Tensor.linear(p[0], weight: p[1], bias: nil))
      }
    }
  }

  /// A small network end to end: tanh(x·W₁ + b₁)·W₂, through a mean.
  @Test func twoLayerNetwork() throws {
    let x = try randomTensor([4, 3], seed: 56)
    let w1 = try randomParameter([3, 5], seed: 57)
    let b1 = try randomParameter([5], seed: 58)
    let w2 = try randomParameter([5, 2], seed: 59)
    try checkGradients([w1, b1, w2]) { p in
      let hidden = try (Tensor.matmul(x, p[0]) + p[1]).tanh()
      return try Tensor.matmul(hidden, p[2]).pow(2).mean()
    }
  }
}

@Suite struct SoftmaxGradientTests {
  @Test(arguments: [0, 1, 2, -1, -2])
  func softmax(axis: Int) throws {
    let x = try randomParameter([2, 3, 4], seed: 61, in: -3...3)
    try checkGradients([x]) { p in try weightedSum(p[0].softmax(axis: axis)) }
  }

  @Test(arguments: [0, 1, 2, -1, -2])
  func logSoftmax(axis: Int) throws {
    let x = try randomParameter([2, 3, 4], seed: 62, in: -3...3)
    try checkGradients([x]) { p in try weightedSum(p[0].logSoftmax(axis: axis)) }
  }

  @Test func ofAVectorByDefaultAxis() throws {
    let x = try randomParameter([6], seed: 63, in: -3...3)
    try checkGradients([x]) { p in try weightedSum(p[0].softmax()) }
    try checkGradients([x]) { p in try weightedSum(p[0].logSoftmax()) }
  }

  /// Large logits, where a softmax without the max shift would overflow.
  @Test func withLargeLogits() throws {
    let x = Tensor.parameter(Tensor([800, 801, 799.5]))
    try checkGradients([x]) { p in try weightedSum(p[0].softmax()) }
    try checkGradients([x]) { p in try weightedSum(p[0].logSoftmax()) }
  }
}
