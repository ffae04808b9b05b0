import Foundation
import TensorEngine

/// How a dense layer's weights start, chosen so that activations neither vanish nor
/// explode through the layers.
public enum Initializer: Sendable {
  /// Glorot and Bengio (2010), uniform: W ~ U(−a, a) with a = √(6 / (fan_in + fan_out)).
  /// Suited to sigmoid, tanh and linear layers.
  case xavier
  /// He et al. (2015), normal: W ~ N(0, 2 / fan_in). Suited to ReLU layers.
  case he

  /// He for the ReLU family, Xavier for the rest.
  public static func `default`(for activation: Activation) -> Initializer {
    switch activation {
    case .relu, .leakyRelu: .he
    default: .xavier
    }
  }

  /// A `[fanOut, fanIn]` weight matrix.
  public func weights(fanIn: Int, fanOut: Int, using generator: inout RandomGenerator) throws
    -> Tensor
  {
    try weights([fanOut, fanIn], fanIn: fanIn, fanOut: fanOut, using: &generator)
  }

  /// Weights of any `shape`, drawn in row-major order for the given fans (a convolution's
  /// fan-in is in · kh · kw, a transposed one's what each output sums).
  public func weights(
    _ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout RandomGenerator
  ) throws -> Tensor {
    let n = try Shape.count(shape)
    try Tensor.checkMemory(elements: n)
    let draw = sampler(fanIn: fanIn, fanOut: fanOut)
    let values = try Tensor.generate(n) { draw(&generator) }
    return try Tensor(shape: shape, scalars: values)
  }

  /// One weight drawn from `generator`.
  func sampler(fanIn: Int, fanOut: Int) -> (inout RandomGenerator) -> Double {
    switch self {
    case .xavier:
      let a = (6 / Double(Swift.max(1, fanIn + fanOut))).squareRoot()
      return { $0.uniform(-a, a) }
    case .he:
      let s = (2 / Double(Swift.max(1, fanIn))).squareRoot()
      return { s * $0.normal() }
    }
  }
}
