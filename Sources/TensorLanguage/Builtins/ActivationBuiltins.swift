import NeuralNet
import TensorEngine

/// The activation functions. Each applies to a tensor (`relu(t)`); in `>>` the interpreter
/// turns the same function into a layer through `Function.activation`.
extension Builtins {
  static let activations: [Builtin] = [
    activation(
      "step", .step, summary: "Heaviside step, as in Rosenblatt's perceptron: 1 for x ≥ 0, else 0",
      example: "step([-1, 0, 2])"
    ).overloaded(by: [optimizerStep]),
    activation(
      "sign", .sign, summary: "−1, 0 or 1 by the sign of each element", example: "sign([-3, 0, 2])"),
    activation(
      "relu", .relu, summary: "rectified linear unit: max(0, x)", example: "relu([-1, 2])"),
    Builtin(
      "leaky_relu",
      [P("x", "tensor"), P("slope", "number", default: "0.01", keywordOnly: true)],
      group: "activations",
      summary: "x for x > 0, slope · x otherwise",
      example: "leaky_relu([-10, 10], slope: 0.1)"
    ) { args, _ in
      let slope = try args.double("slope", default: Activation.defaultLeak)
      guard slope.isFinite else { throw args.error("slope", "slope must be finite, not \(slope)") }
      let x = try args.tensor("x")
      try x.checkRoomForCopy()
      return .tensor(x.leakyRelu(slope: slope))
    },
    activation(
      "sigmoid", .sigmoid, summary: "the logistic function 1 / (1 + e^−x)", example: "sigmoid(0)"),
    activation(
      "logistic", .sigmoid, summary: "the logistic function 1 / (1 + e^−x), alias of sigmoid",
      example: "logistic([-1, 0, 1])"),
    activation(
      "tanh", .tanh, summary: "hyperbolic tangent, from −1 to 1", example: "tanh([-1, 0, 1])"),
    Builtin(
      "softmax", [P("x", "tensor"), P("axis", "int", default: "-1", keywordOnly: true)],
      group: "activations",
      summary: "e^x_i / Σ e^x_j along the last axis (or axis:): each row sums to 1",
      example: "softmax([1, 2, 3])"
    ) { args, _ in .tensor(try args.tensor("x").softmax(axis: args.int("axis", default: -1))) },
    activation(
      "identity", .identity, summary: "f(x) = x: the output layer of a regression",
      example: "dense(1, 1, identity)"),
  ]

  /// An activation applied to its tensor argument.
  private static func activation(
    _ name: String, _ activation: Activation, summary: String, example: String
  ) -> Builtin {
    elementwise(name, group: "activations", summary: summary, example: example) {
      try activation($0)
    }
  }
}
