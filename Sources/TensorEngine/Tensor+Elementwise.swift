import Foundation

/// The elementwise functions of one tensor, each with its derivative.
public enum UnaryOp: Sendable, Equatable {
  case negate, exp, log, sqrt, abs
  /// Rectified linear unit: max(0, x); derivative 1 for x > 0, else 0.
  case relu
  /// x for x > 0, slope · x otherwise.
  case leakyRelu(slope: Double)
  /// The logistic function 1 / (1 + e^−x); derivative σ(x)(1 − σ(x)).
  case sigmoid
  /// Hyperbolic tangent; derivative 1 − tanh²(x).
  case tanh
  /// Heaviside step as in Rosenblatt's perceptron: 1 for x ≥ 0, else 0; derivative 0.
  case step
  /// −1, 0 or 1; derivative 0.
  case sign
  /// x limited to [low, high]; derivative 1 inside, 0 outside.
  case clip(low: Double, high: Double)
  /// sin x in radians; derivative cos x.
  case sin
  /// cos x; derivative −sin x.
  case cos
  /// tan x; derivative 1 / cos² x.
  case tan
  /// Rounded down, up, or to the nearest whole number with halves to the even one (as numpy
  /// and PyTorch round); step functions, derivative 0.
  case floor, ceil, round

  /// y = f(x) elementwise; `y` may be `x`.
  public func forward(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
    let n = x.count
    switch self {
    case .negate: for i in 0..<n { y[i] = -x[i] }
    // SLEEF's vector functions, within 1 ulp of libm's (see VectorMath).
    case .exp: VectorMath.exp(x, y)
    case .log: VectorMath.log(x, y)
    case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
    case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
    case .relu: for i in 0..<n { y[i] = x[i] > 0 ? x[i] : 0 }
    case .leakyRelu(let slope): for i in 0..<n { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
    case .sigmoid: VectorMath.sigmoid(x, y)
    case .tanh: VectorMath.tanh(x, y)
    case .step: for i in 0..<n { y[i] = x[i] >= 0 ? 1 : 0 }
    case .sign: for i in 0..<n { y[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0) }
    case .clip(let low, let high): for i in 0..<n { y[i] = Swift.min(Swift.max(x[i], low), high) }
    case .sin: for i in 0..<n { y[i] = Foundation.sin(x[i]) }
    case .cos: for i in 0..<n { y[i] = Foundation.cos(x[i]) }
    case .tan: for i in 0..<n { y[i] = Foundation.tan(x[i]) }
    case .floor: for i in 0..<n { y[i] = x[i].rounded(.down) }
    case .ceil: for i in 0..<n { y[i] = x[i].rounded(.up) }
    case .round: for i in 0..<n { y[i] = x[i].rounded(.toNearestOrEven) }
    }
  }

  /// dx = g · f′(x), written with the input `x` or the output `y`, whichever is cheaper;
  /// `dx` may be `g`.
  public func backward(
    _ g: UnsafeBufferPointer<Double>, _ x: UnsafeBufferPointer<Double>,
    _ y: UnsafeBufferPointer<Double>, _ dx: UnsafeMutableBufferPointer<Double>
  ) {
    let n = g.count
    switch self {
    case .negate: for i in 0..<n { dx[i] = -g[i] }
    case .exp: for i in 0..<n { dx[i] = g[i] * y[i] }
    case .log: for i in 0..<n { dx[i] = g[i] / x[i] }
    case .sqrt: for i in 0..<n { dx[i] = g[i] / (2 * y[i]) }
    // Each gradient is read before the select: a load made only under a condition keeps
    // the compiler from vectorizing the loop.
    case .abs:
      for i in 0..<n {
        let gi = g[i]
        dx[i] = x[i] > 0 ? gi : (x[i] < 0 ? -gi : 0)
      }
    case .relu:
      for i in 0..<n {
        let gi = g[i]
        dx[i] = x[i] > 0 ? gi : 0
      }
    case .leakyRelu(let slope):
      for i in 0..<n {
        let gi = g[i]
        dx[i] = x[i] > 0 ? gi : slope * gi
      }
    case .sigmoid: for i in 0..<n { dx[i] = g[i] * y[i] * (1 - y[i]) }
    case .tanh: for i in 0..<n { dx[i] = g[i] * (1 - y[i] * y[i]) }
    case .step, .sign, .floor, .ceil, .round: for i in 0..<n { dx[i] = 0 }
    case .sin: for i in 0..<n { dx[i] = g[i] * Foundation.cos(x[i]) }
    case .cos: for i in 0..<n { dx[i] = g[i] * -Foundation.sin(x[i]) }
    case .tan:
      for i in 0..<n {
        let c = Foundation.cos(x[i])
        dx[i] = g[i] * (1 / (c * c))
      }
    case .clip(let low, let high):
      for i in 0..<n {
        let gi = g[i]
        dx[i] = x[i] >= low && x[i] <= high ? gi : 0
      }
    }
  }
}

/// The elementwise functions of two tensors, broadcast by numpy's rules.
public enum BinaryOp: String, Sendable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case power = "^"
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case maximum = "max"
  case minimum = "min"

  /// Of two masks, `*` is their and, `max` their or, `min` their and: a mask again.
  var keepsMasks: Bool { self == .multiply || self == .maximum || self == .minimum }

  /// Comparisons give 0/1 tensors and have no gradient.
  var isComparison: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
    default: false
    }
  }
}

extension Tensor {
  /// Applies `op` to every element.
  public func apply(_ op: UnaryOp) -> Tensor {
    let x = self
    let y = Tensor(unchecked: shape, x.mapBuffer { op.forward($0, $1) })
    guard requiresGrad else { return y }
    return y.recorded(from: [x]) { [unowned y] g in
      // `y` is the tensor this node belongs to; it is alive whenever its pullback runs.
      [Tensor(unchecked: x.shape, Tensor.zip3(g, x, y) { op.backward($0, $1, $2, $3) })]
    }
  }

  public func exp() -> Tensor { apply(.exp) }
  public func log() -> Tensor { apply(.log) }
  public func sqrt() -> Tensor { apply(.sqrt) }
  public func abs() -> Tensor { apply(.abs) }
  public func relu() -> Tensor { apply(.relu) }
  public func leakyRelu(slope: Double = 0.01) -> Tensor { apply(.leakyRelu(slope: slope)) }
  public func sigmoid() -> Tensor { apply(.sigmoid) }
  public func tanh() -> Tensor { apply(.tanh) }
  public func step() -> Tensor { apply(.step) }
  public func sign() -> Tensor { apply(.sign) }

  /// Limits every element to [low, high].
  public func clip(_ low: Double, _ high: Double) throws -> Tensor {
    guard low <= high else {
      throw TensorError(.argument, "clip needs low ≤ high, but got low \(low) and high \(high)")
    }
    return apply(.clip(low: low, high: high))
  }

  /// Applies `op` elementwise after broadcasting `a` and `b` to a common shape.
  public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    let y = try broadcastApply(op, a, b)
    y.isMask = op.isComparison || (a.isMask && b.isMask && op.keepsMasks)
    guard !op.isComparison, a.requiresGrad || b.requiresGrad else { return y }
    return y.recorded(from: [a, b]) { [unowned y] g in
      try binaryPullback(op, a, b, y, g)
    }
  }

  private static func binaryPullback(
    _ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ y: Tensor, _ g: Tensor
  ) throws -> [Tensor?] {
    let needA = a.requiresGrad
    let needB = b.requiresGrad
    func reduce(_ t: Tensor, _ to: Tensor) throws -> Tensor { try t.sumToShape(to.shape) }
    switch op {
    case .add:
      return [needA ? try reduce(g, a) : nil, needB ? try reduce(g, b) : nil]
    case .subtract:
      return [
        needA ? try reduce(g, a) : nil,
        needB ? try reduce(g.detached.apply(.negate), b) : nil,
      ]
    case .multiply:
      return [
        needA ? try reduce(broadcastApply(.multiply, g, b), a) : nil,
        needB ? try reduce(broadcastApply(.multiply, g, a), b) : nil,
      ]
    case .divide:
      // d(a/b)/da = 1/b; d(a/b)/db = −a/b² = −y/b.
      return [
        needA ? try reduce(broadcastApply(.divide, g, b), a) : nil,
        needB
          ? try reduce(
            broadcastApply(.divide, broadcastApply(.multiply, g, y), b).apply(.negate), b)
          : nil,
      ]
    case .power:
      // d(a^b)/da = b·a^(b−1); d(a^b)/db = a^b·ln a (taken as 0 where a^b is 0).
      var ga: Tensor? = nil
      var gb: Tensor? = nil
      if needA {
        let exponent = try broadcastApply(.subtract, b, Tensor(1))
        let local = try broadcastApply(.multiply, b, broadcastApply(.power, a, exponent))
        ga = try reduce(broadcastApply(.multiply, g, local), a)
      }
      if needB {
        let logA = a.detached.apply(.log)
        var local = try broadcastApply(.multiply, y, logA)
        local.mapInPlace(y) { l, yv in yv == 0 ? 0 : l }
        local = try broadcastApply(.multiply, g, local)
        gb = try reduce(local, b)
      }
      return [ga, gb]
    case .maximum, .minimum:
      // The gradient goes to the operand that was chosen (to `a` on ties).
      let pickA = try broadcastApply(op == .maximum ? .greaterEqual : .lessEqual, a, b)
      let pickB = try broadcastApply(.subtract, Tensor(1), pickA)
      return [
        needA ? try reduce(broadcastApply(.multiply, g, pickA), a) : nil,
        needB ? try reduce(broadcastApply(.multiply, g, pickB), b) : nil,
      ]
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
      return [nil, nil]
    }
  }

  /// The forward computation of `binary`, recording nothing.
  static func broadcastApply(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    switch op {
    case .add: return try broadcast(a, b, op) { $0 + $1 }
    case .subtract: return try broadcast(a, b, op) { $0 - $1 }
    case .multiply: return try broadcast(a, b, op) { $0 * $1 }
    case .divide: return try broadcast(a, b, op) { $0 / $1 }
    case .power:
      return try broadcast(a, b, op) { x, p in
        p == 2 ? x * x : (p == 1 ? x : Foundation.pow(x, p))
      }
    case .equal: return try broadcast(a, b, op) { $0 == $1 ? 1 : 0 }
    case .notEqual: return try broadcast(a, b, op) { $0 != $1 ? 1 : 0 }
    case .less: return try broadcast(a, b, op) { $0 < $1 ? 1 : 0 }
    case .lessEqual: return try broadcast(a, b, op) { $0 <= $1 ? 1 : 0 }
    case .greater: return try broadcast(a, b, op) { $0 > $1 ? 1 : 0 }
    case .greaterEqual: return try broadcast(a, b, op) { $0 >= $1 ? 1 : 0 }
    case .maximum: return try broadcast(a, b, op) { Swift.max($0, $1) }
    case .minimum: return try broadcast(a, b, op) { Swift.min($0, $1) }
    }
  }

  /// The broadcasting loop: the last axis runs as a tight inner loop with stride 0 or 1 per
  /// operand, and a counter walks the outer axes.
  @inline(__always)
  private static func broadcast(
    _ a: Tensor, _ b: Tensor, _ op: BinaryOp, _ f: (Double, Double) -> Double
  ) throws -> Tensor {
    // Equal shapes, the common case, skip working out the broadcast shape.
    let shape =
      a.shape == b.shape ? a.shape : try Shape.broadcast(a.shape, b.shape, op: op.rawValue)
    let n = a.shape == b.shape ? a.count : try checkedCount(shape)
    if a.shape == b.shape {
      try MemoryBudget.check(bytes: n &* MemoryLayout<Double>.size, for: "the result")
    }
    let scalars = [Double](unsafeUninitializedCapacity: n) { out, initialized in
      a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
          if a.shape == b.shape {
            for i in 0..<n { out[i] = f(pa[i], pb[i]) }
          } else if pb.count == 1 {
            let s = pb[0]
            for i in 0..<n { out[i] = f(pa[i], s) }
          } else if pa.count == 1 {
            let s = pa[0]
            for i in 0..<n { out[i] = f(s, pb[i]) }
          } else if n > 0 {
            let sa = broadcastStrides(a.shape, to: shape)
            let sb = broadcastStrides(b.shape, to: shape)
            let rank = shape.count
            let inner = shape[rank - 1]
            let ia = sa[rank - 1]
            let ib = sb[rank - 1]
            var index = [Int](repeating: 0, count: rank)
            var oa = 0
            var ob = 0
            var o = 0
            while o < n {
              for j in 0..<inner { out[o + j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
              o += inner
              var d = rank - 2
              while d >= 0 {
                index[d] += 1
                oa += sa[d]
                ob += sb[d]
                if index[d] < shape[d] { break }
                oa -= sa[d] * shape[d]
                ob -= sb[d] * shape[d]
                index[d] = 0
                d -= 1
              }
            }
          }
        }
      }
      initialized = n
    }
    return Tensor(unchecked: shape, scalars)
  }

  /// Strides of `shape` seen as `target` (same rank or fewer axes), 0 on broadcast axes.
  static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = Shape.strides(shape)
    let pad = target.count - shape.count
    return (0..<target.count).map { i in
      i < pad || shape[i - pad] == 1 ? 0 : own[i - pad]
    }
  }

  /// Sums a broadcast gradient back down to `target`, the shape of the operand it came from.
  func sumToShape(_ target: [Int]) throws -> Tensor {
    if shape == target { return self }
    let n = try Shape.count(target)
    var out = [Double](repeating: 0, count: n)
    let st = Tensor.broadcastStrides(target, to: shape)
    let rank = shape.count
    if count > 0 {
      var index = [Int](repeating: 0, count: rank)
      var offset = 0
      scalars.withUnsafeBufferPointer { g in
        out.withUnsafeMutableBufferPointer { o in
          for i in 0..<g.count {
            o[offset] += g[i]
            var d = rank - 1
            while d >= 0 {
              index[d] += 1
              offset += st[d]
              if index[d] < shape[d] { break }
              offset -= st[d] * shape[d]
              index[d] = 0
              d -= 1
            }
          }
        }
      }
    }
    return Tensor(unchecked: target, out)
  }

  /// A new array of `count` elements written by `body` from this tensor's storage.
  @inline(__always)
  func mapBuffer(
    _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
  ) -> [Double] {
    let n = count
    return [Double](unsafeUninitializedCapacity: n) { out, initialized in
      scalars.withUnsafeBufferPointer { body($0, out) }
      initialized = n
    }
  }

  /// A new array written by `body` from three same-sized buffers.
  @inline(__always)
  static func zip3(
    _ a: Tensor, _ b: Tensor, _ c: Tensor,
    _ body: (
      UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>,
      UnsafeMutableBufferPointer<Double>
    ) -> Void
  ) -> [Double] {
    let n = a.count
    return [Double](unsafeUninitializedCapacity: n) { out, initialized in
      a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
          c.scalars.withUnsafeBufferPointer { pc in body(pa, pb, pc, out) }
        }
      }
      initialized = n
    }
  }

  /// Rewrites each element from itself and the element of `other` (same count) at its index.
  func mapInPlace(_ other: Tensor, _ f: (Double, Double) -> Double) {
    other.scalars.withUnsafeBufferPointer { o in
      scalars.withUnsafeMutableBufferPointer { s in
        for i in 0..<s.count { s[i] = f(s[i], o[i]) }
      }
    }
  }
}

// MARK: - Operators

extension Tensor {
  public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary(.add, a, b) }
  public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary(.subtract, a, b) }
  public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary(.multiply, a, b) }
  public static func / (a: Tensor, b: Tensor) throws -> Tensor { try binary(.divide, a, b) }
  public static prefix func - (a: Tensor) -> Tensor { a.apply(.negate) }

  public static func + (a: Tensor, b: Double) throws -> Tensor { try binary(.add, a, Tensor(b)) }
  public static func - (a: Tensor, b: Double) throws -> Tensor {
    try binary(.subtract, a, Tensor(b))
  }
  public static func * (a: Tensor, b: Double) throws -> Tensor {
    try binary(.multiply, a, Tensor(b))
  }
  public static func / (a: Tensor, b: Double) throws -> Tensor {
    try binary(.divide, a, Tensor(b))
  }
  public static func + (a: Double, b: Tensor) throws -> Tensor { try binary(.add, Tensor(a), b) }
  public static func - (a: Double, b: Tensor) throws -> Tensor {
    try binary(.subtract, Tensor(a), b)
  }
  public static func * (a: Double, b: Tensor) throws -> Tensor {
    try binary(.multiply, Tensor(a), b)
  }
  public static func / (a: Double, b: Tensor) throws -> Tensor {
    try binary(.divide, Tensor(a), b)
  }

  /// Elementwise power `self^exponent`, broadcast.
  public func pow(_ exponent: Tensor) throws -> Tensor { try Tensor.binary(.power, self, exponent) }
  public func pow(_ exponent: Double) throws -> Tensor {
    try Tensor.binary(.power, self, Tensor(exponent))
  }
}
