import Foundation
import TensorEngine
import Testing

/// Values drawn uniformly from [low, high) by a generator of its own, so that every call with
/// the same arguments gives the same numbers and no test touches the shared generator.
func randomValues(_ count: Int, seed: UInt64, in range: ClosedRange<Double> = -1...1)
  -> [Double]
{
  var g = RandomGenerator(seed: seed)
  return (0..<count).map { _ in g.uniform(range.lowerBound, range.upperBound) }
}

/// A plain tensor of `shape` with values from `randomValues`.
func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Double> = -1...1) throws
  -> Tensor
{
  try Tensor(shape: shape, scalars: randomValues(shape.reduce(1, *), seed: seed, in: range))
}

/// A parameter of `shape` with values from `randomValues`.
func randomParameter(_ shape: [Int], seed: UInt64, in range: ClosedRange<Double> = -1...1) throws
  -> Tensor
{
  Tensor.parameter(try randomTensor(shape, seed: seed, in: range))
}

/// Reduces any tensor to a scalar in which every element counts with its own fixed weight:
/// `Σ_i y_i · w_i`, with `w` the same for every call on a tensor of that shape. A plain `sum`
/// would hide a gradient that is wrong by a constant shift (softmax rows always sum to 1).
func weightedSum(_ y: Tensor) throws -> Tensor {
  let w = try Tensor(
    shape: y.shape, scalars: randomValues(y.count, seed: 0xC0FFEE, in: 0.5...1.5))
  return try (y * w).sum()
}

/// |a − b| / max(1, |a|, |b|): relative for large values, absolute near zero.
func relativeError(_ a: Double, _ b: Double) -> Double {
  abs(a - b) / max(1, abs(a), abs(b))
}

/// The largest `relativeError` between two equally long arrays (∞ when the lengths differ).
func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
  guard a.count == b.count else { return .infinity }
  return zip(a, b).map { relativeError($0, $1) }.max() ?? 0
}

/// Expects `actual` to hold `expected` element by element, within `tolerance` (relative as in
/// `relativeError`).
func expectClose(
  _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, sourceLocation: sourceLocation)
  let error = maxRelativeError(actual, expected)
  #expect(
    error <= tolerance, "\(actual) differs from \(expected) by \(error)",
    sourceLocation: sourceLocation)
}

/// Expects a tensor to have `shape` and values `expected`.
func expectTensor(
  _ t: Tensor, shape: [Int], _ expected: [Double], tolerance: Double = 1e-12,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(t.shape == shape, sourceLocation: sourceLocation)
  expectClose(t.scalars, expected, tolerance: tolerance, sourceLocation: sourceLocation)
}

/// Central finite differences of `f` with respect to every element of `parameter`:
/// `∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h`, with truncation error O(h²).
func numericGradient(
  of f: () throws -> Double, at parameter: Tensor, h: Double = 1e-6
) rethrows -> [Double] {
  var result: [Double] = []
  for i in 0..<parameter.count {
    let original = parameter.scalars[i]
    parameter.updateScalars { $0[i] = original + h }
    let up = try f()
    parameter.updateScalars { $0[i] = original - h }
    let down = try f()
    parameter.updateScalars { $0[i] = original }
    result.append((up - down) / (2 * h))
  }
  return result
}

/// Checks the reverse-mode gradient of the scalar `f(parameters)` against central finite
/// differences, for every parameter, both ways the engine gives it: `Tensor.gradients(of:
/// withRespectTo:)`, and `backward()` into each parameter's `grad`. Returns the analytic
/// gradients so that a caller can check more (for example that they are zero).
@discardableResult
func checkGradients(
  _ parameters: [Tensor], tolerance: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ f: ([Tensor]) throws -> Tensor
) throws -> [[Double]] {
  let output = try f(parameters)
  try #require(output.count == 1, "f must give a scalar", sourceLocation: sourceLocation)
  let analytic = try Tensor.gradients(of: output, withRespectTo: parameters)
  try #require(analytic.count == parameters.count, sourceLocation: sourceLocation)

  for p in parameters { p.zeroGrad() }
  try f(parameters).backward()

  for (index, (p, g)) in zip(parameters, analytic).enumerated() {
    let numeric = try numericGradient(of: { try f(parameters).item() }, at: p)
    #expect(
      g.shape == p.shape, "gradient \(index) has the wrong shape", sourceLocation: sourceLocation)
    let error = maxRelativeError(g.scalars, numeric)
    #expect(
      error < tolerance,
      "parameter \(index) \(p.shape): analytic \(g.scalars) vs numeric \(numeric), error \(error)",
      sourceLocation: sourceLocation)
    // A parameter that does not reach the output gets no `grad` from `backward`; its
    // gradient is then all zeros.
    let viaBackward = p.grad?.scalars ?? [Double](repeating: 0, count: p.count)
    #expect(p.grad == nil || p.grad?.shape == p.shape, sourceLocation: sourceLocation)
    #expect(
      maxRelativeError(viaBackward, numeric) < tolerance,
      "parameter \(index): backward gave \(viaBackward), numeric \(numeric)",
      sourceLocation: sourceLocation)
    p.zeroGrad()
  }
  return analytic.map(\.scalars)
}

/// A plain row-major matrix product of `a` (m×k) and `b` (k×n), written out here so that the
/// engine's own product can be checked against it.
func naiveMatmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
  var c = [Double](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var s = 0.0
      for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
      c[i * n + j] = s
    }
  }
  return c
}

/// Expects `body` to throw a `TensorError` of `kind`, and returns it for further checks.
@discardableResult
func expectTensorError<R>(
  _ kind: TensorError.Kind, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> R
) -> TensorError? {
  let error = #expect(throws: TensorError.self, sourceLocation: sourceLocation) {
    _ = try body()
  }
  #expect(error?.kind == kind, "\(String(describing: error))", sourceLocation: sourceLocation)
  return error
}
