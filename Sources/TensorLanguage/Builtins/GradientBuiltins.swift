import NeuralNet
import TensorEngine

/// Parameters and automatic differentiation.
extension Builtins {
  static let gradients: [Builtin] = [
    Builtin(
      "param", [P("t", "tensor")], group: "gradients",
      summary: "a parameter holding a copy of t: a tensor that records gradients (.grad)",
      example: "w = param([[1, 2]])"
    ) { args, _ in .tensor(Tensor.parameter(try args.tensor("t"))) },
    Builtin(
      "grad", [P("E", "tensor"), P("w", "parameter")], group: "gradients",
      summary: "∂E/∂w for a scalar E: a tensor shaped like w (a tuple for a model or tuple)",
      example: "grad(sum(w * w), w)"
    ) { args, _ in
      let (inputs, single) = try parameters(args, "w")
      // A plain tensor has no place in any graph: its "gradient" would be zeros whatever E
      // is, a flat line that looks like an answer.
      if let plain = inputs.firstIndex(where: { !$0.requiresGrad }) {
        let which = single ? "w" : "element \(plain) of w"
        throw args.error(
          "w",
          "\(which), the tensor to differentiate by, is a plain tensor, not a parameter, so "
            + "nothing recorded how E depends on it; make it one with param before computing "
            + "E, e.g. z = param(z), E = sum(z * z), grad(E, z)")
      }
      let output = try args.scalarTensor("E")
      let gradients = try Tensor.gradients(of: output, withRespectTo: inputs)
      if single, let g = gradients.first { return .tensor(g) }
      return .tuple(gradients.map { .tensor($0) })
    },
    Builtin(
      "backward", [P("E", "tensor")], group: "gradients",
      summary: "back-propagates from a scalar E, adding ∂E/∂p to p.grad of every parameter p",
      example: "backward(mse(net(x), t))"
    ) { args, _ in
      let output = try args.tensor("E")
      guard output.requiresGrad else {
        throw args.error(
          "E",
          "E depends on no parameter, so there is nothing to back-propagate to; make the "
            + "tensors to learn parameters first, e.g. w = param([1, 2])")
      }
      try output.backward()
      return .none
    },
    Builtin(
      "zero_grad", [P("target", "model")], group: "gradients",
      summary: "clears the gradients of a model's parameters, of a parameter, or of a tuple",
      example: "zero_grad(net)"
    ) { args, _ in
      let (tensors, single) = try parameters(args, "target")
      guard !single || tensors.allSatisfy(\.isParameter) else {
        throw args.error(
          "target",
          "target is a plain tensor, which has no gradient to clear; "
            + "give a model or a param(…), e.g. zero_grad(net)")
      }
      for p in tensors { p.zeroGrad() }
      return .none
    },
    Builtin(
      "detach", [P("t", "tensor")], group: "gradients",
      summary: "t's values cut from the graph: no gradient flows back through the result",
      example: "grad(sum(w * detach(w)), w)"
    ) { args, _ in .tensor(try args.tensor("t").detached) },
  ]

  /// The tensors an argument stands for: itself, a model's parameters, or a tuple's tensors
  /// and models; `single` when it was one tensor.
  static func parameters(_ args: Arguments, _ name: String) throws
    -> (tensors: [Tensor], single: Bool)
  {
    guard let value = args.value(name) else { throw args.error(name, "\(name) is required") }
    if let t = Arguments.asTensor(value) { return ([t], true) }
    if let layer = Arguments.asLayer(value) {
      try layer.materializeParameters()
      return (layer.parameters, false)
    }
    if case .tuple(let elements) = value {
      var tensors: [Tensor] = []
      for element in elements {
        if let t = Arguments.asTensor(element) {
          tensors.append(t)
        } else if let layer = Arguments.asLayer(element) {
          try layer.materializeParameters()
          tensors += layer.parameters
        } else {
          throw args.error(
            name, "\(name) must hold parameters or models, not \(element.kindName)")
        }
      }
      return (tensors, false)
    }
    throw args.error(name, "\(name) must be a parameter, a model or a tuple, not \(value.kindName)")
  }
}
