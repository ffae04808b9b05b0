import TensorEngine

/// Binary cross-entropy of logits `z` (scores before a sigmoid) against 0/1 targets, as
/// PyTorch's `binary_cross_entropy_with_logits`: the `bce` of `sigmoid(z)`, computed where it
/// cannot overflow nor saturate,
/// ```
/// E = 1/N Σ [max(z, 0) − z·t + log(1 + e^−|z|)]        ∂E/∂z = (σ(z) − t) / N
/// ```
/// A GAN's discriminator is trained with it on its raw score, and its generator too: far
/// from the decision, `bce` of a clipped probability would give no gradient.
public struct BinaryCrossEntropyWithLogits: LossFunction {
  public init() {}

  public var name: String { "bce_with_logits" }

  public func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    // Matched here, so that a shape error names this loss rather than bce.
    try BinaryCrossEntropy().fromLogits(output, matching(target, output), activation: .sigmoid)
  }

  /// A model without a last activation gives logits, whose class threshold is 0, not 0.5:
  /// saying so makes training count its accuracy right.
  public func wantsLogits(after activation: Activation?) -> Bool { activation == nil }

  public func compiled(width: Int, target: Tensor, samples: Int, fromLogits: Bool)
    -> Result<any CompiledLoss, NoCompiledForm>
  {
    // The output is read as logits either way, as PyTorch reads it.
    elementwise(
      BinaryCrossEntropy.Logits(targetWidth: width), target: target, samples: samples,
      width: width)
  }
}
