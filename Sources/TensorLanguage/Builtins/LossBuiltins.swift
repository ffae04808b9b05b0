import NeuralNet
import TensorEngine

/// The losses, each a function `loss(output, target)` and a value for `fit(…, loss:)`; any
/// `fn` of (output, target) is a loss too (see `Arguments.loss`).
extension Builtins {
  static let losses: [Builtin] = [
    loss(
      .mse, summary: "mean of squared errors (y − t)², the lecture's total error",
      example: "mse([0.5, 1], [0, 1])"),
    loss(
      .bce, summary: "binary cross-entropy of probabilities against 0/1 targets",
      example: "bce([0.9, 0.2], [1, 0])"),
    loss(
      .bceWithLogits,
      summary: "binary cross-entropy of logits (scores before a sigmoid) against 0/1 "
        + "targets: bce(sigmoid(z), t), computed without overflow, as PyTorch's "
        + "binary_cross_entropy_with_logits",
      example: "bce_with_logits([2.2, -1.4], [1, 0])"),
    loss(
      .crossEntropy,
      summary: "softmax cross-entropy of logits against class indices or probability rows",
      example: "cross_entropy([[2, 0, 0]], [0])"),
    loss(
      .hinge, summary: "mean of max(0, 1 − t·y) for targets −1 and 1 (0 counts as −1)",
      example: "hinge([0.5, -2], [1, -1])"),
  ]

  private static func loss(_ loss: Loss, summary: String, example: String) -> Builtin {
    var builtin = Builtin(
      loss.description, [P("output", "tensor"), P("target", "tensor")], group: "losses",
      summary: summary, example: example
    ) { args, _ in .tensor(try loss(args.tensor("output"), args.tensor("target"))) }
    builtin.loss = loss
    return builtin
  }
}
