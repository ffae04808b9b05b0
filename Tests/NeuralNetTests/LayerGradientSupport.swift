import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// A fixed weighting of a layer's output, so that a gradient wrong by a constant shift or a
/// permutation shows: `Σ_i y_i · w_i`, w the same for every output of that shape.
func weightedOutputSum(_ y: Tensor) throws -> Tensor {
  var g = RandomGenerator(seed: 0xBEEF)
  let w = try Tensor(shape: y.shape, scalars: (0..<y.count).map { _ in g.uniform(0.5, 1.5) })
  return try (y * w).sum()
}

/// Checks the gradient of `weightedOutputSum(f(x))` with respect to `x` and every parameter
/// of `layer` against central finite differences (h = 1e-6, relative error below 1e-6).
func checkLayerGradients(
  _ layer: any Layer, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation,
  _ f: ((Tensor) throws -> Tensor)? = nil
) throws {
  let x = Tensor.parameter(input)
  let run = f ?? { try layer($0) }
  let wrt = [x] + layer.parameters
  let analytic = try Tensor.gradients(of: weightedOutputSum(run(x)), withRespectTo: wrt)
  for (i, (p, g)) in zip(wrt, analytic).enumerated() {
    let numeric = try numericGradient(of: { try weightedOutputSum(run(x)).item() }, at: p)
    let error = maxRelativeError(g.scalars, numeric)
    #expect(g.shape == p.shape, sourceLocation: sourceLocation)
    #expect(
      error < 1e-6, "\(i == 0 ? "input" : "parameter \(i - 1)"): \(g.scalars) vs \(numeric)",
      sourceLocation: sourceLocation)
  }
}

/// A plain tensor of `shape` with uniform values in `range` from a generator of its own.
func seededTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Double> = -1...1) throws
  -> Tensor
{
  var g = RandomGenerator(seed: seed)
  return try Tensor(
    shape: shape,
    scalars: (0..<shape.reduce(1, *)).map { _ in g.uniform(range.lowerBound, range.upperBound) })
}
