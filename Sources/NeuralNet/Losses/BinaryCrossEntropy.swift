import Foundation
import TensorEngine

/// Binary cross-entropy of probabilities `p` (outputs of a sigmoid) against 0/1 targets,
/// with `p` clipped to [1e−12, 1 − 1e−12] so that log never sees 0:
/// ```
/// E = −1/N Σ [t log p + (1 − t) log(1 − p)]
/// ```
/// After a sigmoid it is computed from the logits z, where it cannot overflow:
/// ```
/// E = 1/N Σ [max(z, 0) − z·t + log(1 + e^−|z|)]
/// ```
public struct BinaryCrossEntropy: LossFunction {
  public init() {}

  public var name: String { "bce" }

  public func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    let t = try matching(target, output)
    let p = try output.clip(1e-12, 1 - 1e-12)
    let positive = try t * p.log()
    let negative = try (1 - t) * (1 - p).log()
    return -(try (positive + negative).mean())
  }

  public func wantsLogits(after activation: Activation?) -> Bool { activation == .sigmoid }

  public func fromLogits(_ logits: Tensor, _ target: Tensor, activation: Activation?) throws
    -> Tensor
  {
    guard activation == .sigmoid else {
      return try self(activation.map { try $0(logits) } ?? logits, target)
    }
    let t = try matching(target, logits)
    let z = logits
    let softplus = try (1 + (-z.abs()).exp()).log()
    return try (z.relu() - z * t + softplus).mean()
  }

  public func compiled(width: Int, target: Tensor, samples: Int, fromLogits: Bool)
    -> Result<any CompiledLoss, NoCompiledForm>
  {
    let form: any CompiledLoss =
      fromLogits ? Logits(targetWidth: width) : Probabilities(targetWidth: width)
    return elementwise(form, target: target, samples: samples, width: width)
  }

  struct Probabilities: CompiledLoss {
    let targetWidth: Int

    func lossAndGradient(
      _ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows m: Int, width: Int,
      into g: UnsafeMutablePointer<Double>
    ) -> Double {
      let count = m * width
      let scale = 1 / Double(count)
      var total = 0.0
      let (low, high) = (1e-12, 1 - 1e-12)
      for i in 0..<count {
        let p = Swift.min(Swift.max(o[i], low), high)
        total += t[i] * Foundation.log(p) + (1 - t[i]) * Foundation.log(1 - p)
        let dp = (-scale * t[i]) / p - (-scale * (1 - t[i])) / (1 - p)
        // The clip passes no gradient outside its range.
        g[i] = o[i] >= low && o[i] <= high ? dp : 0
      }
      return -(total * scale)
    }
  }

  struct Logits: CompiledLoss {
    let targetWidth: Int

    func lossAndGradient(
      _ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows m: Int, width: Int,
      into g: UnsafeMutablePointer<Double>
    ) -> Double {
      let count = m * width
      let scale = 1 / Double(count)
      var total = 0.0
      // Each term's derivative as the graph has it: relu, the product, the softplus of −|z|.
      for i in 0..<count {
        let z = o[i]
        let e = Foundation.exp(-Swift.abs(z))
        total += (z > 0 ? z : 0) - z * t[i] + Foundation.log(1 + e)
        let softplus = -(scale / (1 + e) * e)
        g[i] = (z > 0 ? scale : 0) - scale * t[i] + (z > 0 ? softplus : z < 0 ? -softplus : 0)
      }
      return total * scale
    }
  }
}
