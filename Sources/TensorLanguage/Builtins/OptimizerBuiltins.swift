import NeuralNet
import TensorEngine

/// Optimizers and learning-rate schedules, values for `fit(…, opt:, schedule:)`.
extension Builtins {
  static let optimizers: [Builtin] = [
    Builtin(
      "sgd",
      [
        P("lr", "number", default: "0.01"),
        P("momentum", "number", default: "0", keywordOnly: true),
        P("weight_decay", "number", default: "0", keywordOnly: true),
      ],
      group: "optimizers",
      summary: "stochastic gradient descent w ← w − lr · ∇w, with optional momentum",
      example: "sgd(lr: 0.5, momentum: 0.9)"
    ) { args, _ in
      .optimizer(
        try SGD(
          learningRate: args.double("lr", default: 0.01),
          momentum: args.double("momentum", default: 0),
          weightDecay: args.double("weight_decay", default: 0)))
    },
    Builtin(
      "adam",
      [
        P("lr", "number", default: "0.001"),
        P("beta1", "number", default: "0.9", keywordOnly: true),
        P("beta2", "number", default: "0.999", keywordOnly: true),
      ],
      group: "optimizers",
      summary: "Adam (Kingma and Ba): steps scaled by running moments of the gradient",
      example: "adam(lr: 0.01)"
    ) { args, _ in
      .optimizer(
        try Adam(
          learningRate: args.double("lr", default: 0.001),
          beta1: args.double("beta1", default: 0.9), beta2: args.double("beta2", default: 0.999)))
    },
    Builtin(
      "plateau",
      [
        P("factor", "number", default: "0.1", keywordOnly: true),
        P("patience", "int", default: "10", keywordOnly: true),
        P("min_lr", "number", default: "0", keywordOnly: true),
      ],
      group: "optimizers",
      summary: "multiplies the rate by factor when the (validation) loss stops improving, "
        + "never below min_lr (as PyTorch's ReduceLROnPlateau)",
      example: "plateau(factor: 0.1, patience: 10, min_lr: 1e-5)"
    ) { args, _ in
      .schedule(
        try PlateauSchedule(
          factor: args.double("factor", default: 0.1),
          patience: args.int("patience", atLeast: 0, default: 10),
          minimumRate: args.double("min_lr", default: 0)))
    },
  ]

  /// `step(opt, params, E)`, PyTorch's `opt.zero_grad(); E.backward(); opt.step()` in one
  /// call, for training loops written by hand. It is a form of the activation `step(x)`,
  /// taken when the first argument is an optimizer or there is more than one.
  ///
  /// Only `params` are touched: each gets `p.grad = ∂E/∂p` (replacing what was there, so a
  /// `backward` before it is not counted twice) and the optimizer's update; a parameter E
  /// does not depend on gets no gradient and no update. Without E it is PyTorch's
  /// `opt.step()`: the update from the gradients `backward` accumulated in `p.grad`. The
  /// optimizer keeps its running state (momentum, Adam's moments) from call to call, as in
  /// `fit`.
  static let optimizerStep: Builtin = {
    var form = Builtin(
      "step",
      [
        P("opt", "optimizer"), P("params", "model or parameters"),
        P("E", "tensor", default: "p.grad"),
      ],
      group: "optimizers",
      summary: "one update by opt of params (a model, a parameter or a list of them) from "
        + "∂E/∂p of the scalar E, which p.grad then holds; without E, from the p.grad that "
        + "backward accumulated",
      example: "step(opt, net, mse(net(x), t))"
    ) { args, _ in
      let optimizer = try args.optimizer("opt")
      let parameters = try Builtins.parameters(args, "params").tensors.uniqued
      if let plain = parameters.first(where: { !$0.isParameter }) {
        throw args.error(
          "params",
          "params must be parameters, and one is a tensor of shape "
            + "\(Shape.describe(plain.shape)) that is not; make it one with param(…)")
      }
      guard !parameters.isEmpty else { throw args.error("params", "params holds no parameters") }
      guard args.has("E") else {
        guard parameters.contains(where: { $0.grad != nil }) else {
          throw args.error(
            "params",
            "no parameter in params has a gradient yet: call backward(E) first, or give E: "
              + "step(opt, net, E)")
        }
        optimizer.step(parameters)
        return .none
      }
      let output = try args.scalarTensor("E", role: " (the loss)")
      let gradients = try Tensor.reachedGradients(of: output, withRespectTo: parameters)
      guard gradients.contains(where: { $0 != nil }) else {
        throw args.error(
          "E",
          "E does not depend on any of params, so the step would change nothing; compute E "
            + "from them, e.g. E = mse(net(x), t)")
      }
      for (p, g) in zip(parameters, gradients) { p.grad = g }
      optimizer.step(parameters)
      return .none
    }
    form.selects = { items in
      guard let first = items.first else { return false }
      if case .optimizer = first.value { return true }
      return items.count > 1
    }
    return form
  }()
}
