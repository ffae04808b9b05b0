import NeuralNet
import TensorEngine

/// Copying a model and freezing its parameters: the steps of transfer learning.
extension Builtins {
  static let transfer: [Builtin] = [
    Builtin(
      "copy", [P("model", "model")], group: "layers",
      summary: "a deep copy of a model or layer: new parameters with the same values, which "
        + "train independently of the original (a layer used twice stays shared in the copy)",
      example: "base = copy(net)"
    ) { args, _ in
      let model = try args.layer("model")
      try Tensor.checkMemory(elements: model.parameterCount)
      return .layer(try model.copy())
    },
    Builtin(
      "freeze", [P("model", "model")], group: "layers",
      summary: "stops every optimizer (fit, step) from changing a layer's or model's "
        + "parameters; gradients still flow through it, and summary marks it frozen",
      example: "freeze(net.layers[0])"
    ) { args, _ in
      try frozen(args, true)
    },
    Builtin(
      "unfreeze", [P("model", "model")], group: "layers",
      summary: "lets optimizers change a frozen layer's or model's parameters again",
      example: "unfreeze(net)"
    ) { args, _ in
      try frozen(args, false)
    },
  ]

  private static func frozen(_ args: Arguments, _ frozen: Bool) throws -> Value {
    let model = try args.layer("model")
    try model.materializeParameters()
    guard !model.parameters.isEmpty else {
      throw args.error(
        "model", "\(model) has no parameters to \(frozen ? "freeze" : "unfreeze")")
    }
    model.setFrozen(frozen)
    return .none
  }
}
