import Foundation
import NeuralNet
import TensorEngine

/// The four input pairs of a two-input truth table, with `truth` giving each target.
func truthTable(_ name: String, _ truth: (Int, Int) -> Int) throws -> Dataset {
  let pairs = [(0, 0), (0, 1), (1, 0), (1, 1)]
  return try Dataset(
    name: name,
    x: Tensor(pairs.map { [Double($0.0), Double($0.1)] }),
    y: Tensor(pairs.map { [Double(truth($0.0, $0.1))] }),
    classes: 2)
}

/// Central finite differences of a scalar function of `parameter`, element by element.
func numericGradient(of f: () throws -> Double, at parameter: Tensor, h: Double = 1e-6) throws
  -> [Double]
{
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

/// The largest relative difference between two gradients, relative to max(1, |a|, |b|).
func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).map { abs($0 - $1) / max(1, abs($0), abs($1)) }.max() ?? 0
}

func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
