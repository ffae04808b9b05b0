import CVectorMath

/// Elementwise e^x, ln x, tanh x and the logistic function 1 / (1 + e^−x) over arrays, by
/// SLEEF's vectorised functions, accurate to 1 ulp (its `u10` forms): eight doubles at a time
/// with AVX-512, four with AVX2 and FMA, chosen once for the processor at run time; libm's
/// scalar functions on a processor with neither. The AVX2 and AVX-512 forms compute the same
/// bits, so every machine with either gives the same numbers; they are within 1 ulp of libm's
/// (the tests measure it over a sweep that includes ±0, subnormals, ±inf, nan and where each
/// function saturates).
///
/// Each function writes `y[i] = f(x[i])` for every index of `x`; `y` holds at least as many
/// elements and may be `x` itself.
public enum VectorMath {
  /// The instruction sets the functions come in.
  public enum InstructionSet: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// libm, one element at a time.
    case scalar = 0
    /// SLEEF's AVX2 functions (with FMA).
    case avx2 = 1
    /// SLEEF's AVX-512F functions.
    case avx512 = 2

    /// Whether this processor, and the system, run it.
    public var isSupported: Bool { cvectormath_supported(rawValue) != 0 }

    public var description: String {
      switch self {
      case .scalar: "scalar (libm)"
      case .avx2: "AVX2"
      case .avx512: "AVX-512"
      }
    }
  }

  /// The widest instruction set this processor runs, which the engine uses.
  public static let best: InstructionSet =
    InstructionSet.allCases.reversed().first(where: \.isSupported) ?? .scalar

  /// e^x.
  public static func exp(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
    using set: InstructionSet = best
  ) {
    guard let (x, y, n) = pointers(x, y) else { return }
    cvectormath_exp(set.rawValue, x, y, n)
  }

  /// ln x (−inf at 0, nan below).
  public static func log(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
    using set: InstructionSet = best
  ) {
    guard let (x, y, n) = pointers(x, y) else { return }
    cvectormath_log(set.rawValue, x, y, n)
  }

  /// tanh x.
  public static func tanh(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
    using set: InstructionSet = best
  ) {
    guard let (x, y, n) = pointers(x, y) else { return }
    cvectormath_tanh(set.rawValue, x, y, n)
  }

  /// σ(x) = 1 / (1 + e^−x), as e^x / (1 + e^x) for negative x so that e^−x never
  /// overflows.
  public static func sigmoid(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
    using set: InstructionSet = best
  ) {
    guard let (x, y, n) = pointers(x, y) else { return }
    cvectormath_sigmoid(set.rawValue, x, y, n)
  }

  /// The start of each buffer and the count, nil when there is nothing to do.
  @inline(__always)
  private static func pointers(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>
  ) -> (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int)? {
    precondition(y.count >= x.count, "VectorMath: the output is shorter than the input")
    guard let xs = x.baseAddress, let ys = y.baseAddress, !x.isEmpty else { return nil }
    return (xs, ys, x.count)
  }
}
