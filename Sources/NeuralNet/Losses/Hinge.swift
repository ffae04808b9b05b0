import TensorEngine

/// Mean hinge loss for targets −1 and +1 (a 0 target counts as −1):
/// ```
/// E = 1/N Σ max(0, 1 − t·y)        ∂E/∂y = −t/N where 1 − t·y > 0, else 0
/// ```
public struct Hinge: LossFunction {
  public init() {}

  public var name: String { "hinge" }

  public func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    let t = try matching(target, output)
    let signs = try Tensor.binary(.greater, t, Tensor(0)) * 2 - 1
    return try (1 - signs * output).relu().mean()
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
        let sign: Double = t[i] > 0 ? 1 : -1
        let margin = 1 - sign * o[i]
        total += margin > 0 ? margin : 0
        g[i] = margin > 0 ? -scale * sign : 0
      }
      return total * scale
    }
  }
}
