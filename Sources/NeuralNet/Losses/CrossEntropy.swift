import Foundation
import TensorEngine

/// Softmax cross-entropy that takes **logits** (raw scores), as PyTorch's `cross_entropy`
/// does; targets are class indices `[n]`/`[n, 1]` or probability rows `[n, classes]`:
/// ```
/// E = −1/n Σ_i Σ_c t_ic log softmax(z_i)_c
/// ```
/// `fit` hands it the logits of a model that ends in softmax, so `dense(…, softmax)` with
/// `cross_entropy` is the usual classifier and is never softmaxed twice.
public struct CrossEntropy: LossFunction {
  public init() {}

  public var name: String { "cross_entropy" }

  public func wantsLogits(after activation: Activation?) -> Bool { true }

  public func fromLogits(_ logits: Tensor, _ target: Tensor, activation: Activation?) throws
    -> Tensor
  {
    try self(logits, target)
  }

  public var takesClassIndices: Bool { true }

  public func callAsFunction(_ logits: Tensor, _ target: Tensor) throws -> Tensor {
    let z = logits.rank == 1 ? try logits.reshaped([1, -1]) : logits
    guard z.rank == 2 else {
      throw TensorError(
        .shape, "cross_entropy needs logits [n, classes], not \(Shape.describe(logits.shape))")
    }
    let (n, classes) = (z.shape[0], z.shape[1])
    // Over a single column the softmax is always 1 and the loss always 0: nothing would learn.
    guard classes >= 2 else {
      throw TensorError(
        .shape,
        "cross_entropy needs one output per class (at least 2), not \(classes); "
          + "for one sigmoid output use bce")
    }
    let probabilities: Tensor
    if target.count == n && (target.rank <= 1 || target.shape.last == 1) {
      var oneHot = [Double](repeating: 0, count: n * classes)
      for (i, label) in target.scalars.enumerated() {
        guard label >= 0, label < Double(classes), label == label.rounded() else {
          throw TensorError(
            .argument,
            "cross_entropy target \(label) is not a class index 0…\(classes - 1)")
        }
        oneHot[i * classes + Int(label)] = 1
      }
      probabilities = try Tensor(shape: [n, classes], scalars: oneHot)
    } else if target.shape == z.shape {
      probabilities = target
    } else {
      throw TensorError(
        .shape,
        "cross_entropy targets \(Shape.describe(target.shape)) do not fit logits "
          + "\(Shape.describe(z.shape)): give class indices [\(n)] or rows [\(n), \(classes)]")
    }
    guard n > 0 else { throw TensorError(.argument, "cross_entropy of an empty batch") }
    return try -((probabilities * z.logSoftmax(axis: -1)).sum() / Double(n))
  }

  public func compiled(width: Int, target: Tensor, samples n: Int, fromLogits: Bool)
    -> Result<any CompiledLoss, NoCompiledForm>
  {
    guard width >= 2 else {
      return .failure(NoCompiledForm("cross_entropy needs at least 2 outputs"))
    }
    if target.count == n && (target.rank <= 1 || target.shape.last == 1) {
      let valid = target.scalars.allSatisfy {
        $0 >= 0 && $0 < Double(width) && $0 == $0.rounded()
      }
      // The graph names the bad label.
      guard valid else {
        return .failure(NoCompiledForm("a target is not a class index 0…\(width - 1)"))
      }
      return .success(Compiled(indices: true, targetWidth: 1))
    }
    guard target.shape == [n, width] else {
      return .failure(
        NoCompiledForm(
          "the targets \(Shape.describe(target.shape)) are neither class indices nor rows"))
    }
    return .success(Compiled(indices: false, targetWidth: width))
  }

  struct Compiled: CompiledLoss {
    /// Whether the targets are class indices rather than probability rows.
    let indices: Bool
    let targetWidth: Int

    func lossAndGradient(
      _ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows m: Int, width: Int,
      into g: UnsafeMutablePointer<Double>
    ) -> Double {
      // −1/m Σ t · log_softmax(z); the log-softmax is formed in g, then turned into its
      // gradient in place.
      var total = 0.0
      let a = -1 / Double(m)
      for r in 0..<m {
        let row = g + r * width
        row.update(from: o + r * width, count: width)
        Tensor.softmaxSlice(row, count: width, stride: 1, log: true)
        var dot = 0.0
        for j in 0..<width {
          let target = indices ? (Int(t[r]) == j ? 1.0 : 0.0) : t[r * width + j]
          total += target * row[j]
          dot += a * target
        }
        for j in 0..<width {
          let target = indices ? (Int(t[r]) == j ? 1.0 : 0.0) : t[r * width + j]
          row[j] = a * target - Foundation.exp(row[j]) * dot
        }
      }
      return -(total / Double(m))
    }
  }
}
