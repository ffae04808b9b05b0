import NeuralNet
import TensorEngine

/// Layers with parameters; activations and `>>` make the rest of a model.
extension Builtins {
  static let layers: [Builtin] = [
    Builtin(
      "dense",
      [
        P("in", "int"), P("out", "int"), P("activation", "activation", default: "identity"),
        P("w", "tensor", default: "random", keywordOnly: true),
        P("b", "tensor", default: "zeros", keywordOnly: true),
      ],
      group: "layers",
      summary: "a fully connected layer activation(x @ w' + b); w is [out, in], b is [out]",
      example: "dense(2, 4, tanh)"
    ) { args, _ in
      let inputs = try args.int("in", atLeast: 1)
      let outputs = try args.int("out", atLeast: 1)
      let activation = try args.activation("activation", default: .identity)
      let layer = try Dense(
        inputs, outputs, activation: activation, weight: args.tensor("w", default: nil),
        bias: args.tensor("b", default: nil))
      return .layer(layer)
    },
    Builtin(
      "perceptron", [P("inputs", "int")], group: "layers",
      summary: "Rosenblatt's perceptron: step(w · x + b) from zero weights, fitted by its rule",
      example: "perceptron(2)"
    ) { args, _ in .layer(try Perceptron(inputs: args.int("inputs", atLeast: 1))) },
    flatten,
  ]

  /// `flatten(t)` flattens a tensor as numpy does; in a model `flatten` is the layer that
  /// flattens each sample, as PyTorch's `torch.flatten` and `nn.Flatten` differ.
  private static let flatten: Builtin = {
    var b = Builtin(
      "flatten", [P("t", "tensor")], group: "layers",
      summary: "in a model, the layer that makes each sample one row ([n, a, b] → [n, a·b]) "
        + "so that dense can follow; called on a tensor, all its values as a vector",
      example: "net = flatten >> dense(4, 2, softmax)"
    ) { args, _ in .tensor(try args.tensor("t").flattened()) }
    b.layer = { Flatten() }
    return b
  }()
}
