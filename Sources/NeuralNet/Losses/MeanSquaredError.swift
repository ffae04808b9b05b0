import TensorEngine

/// Mean of squared errors over all elements, the lecture's "total error":
/// ```
/// E = 1/N Σ (y − t)²        ∂E/∂y = 2/N (y − t)
/// ```
public struct MeanSquaredError: LossFunction {
  public init() {}

  public var name: String { "mse" }

  public func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    let t = try matching(target, output)
    let d = try output - t
    return try (d * d).mean()
  }

  public func compiled(width: Int, target: Tensor, samples: Int, fromLogits: Bool)
    -> Result<any CompiledLoss, NoCompiledForm>
  {
    elementwise(Compiled(targetWidth: width), target: target, samples: samples, width: width)
  }

  struct Compiled: CompiledLoss {
    let targetWidth: Int

    func lossAndGradient(
      _ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows m: Int, width: Int,
      into g: UnsafeMutablePointer<Double>
    ) -> Double {
      let count = m * width
      let scale = 1 / Double(count)
      var total = 0.0
      for i in 0..<count {
        let d = o[i] - t[i]
        total += d * d
        // d · d differentiates to d + d, each scaled by the mean.
        g[i] = scale * d + scale * d
      }
      return total * scale
    }
  }
}
