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
      ],
      group: "optimizers",
      summary: "multiplies the rate by factor when the (validation) loss stops improving",
      example: "plateau(factor: 0.1, patience: 10)"
    ) { args, _ in
      .schedule(
        try PlateauSchedule(
          factor: args.double("factor", default: 0.1),
          patience: args.int("patience", atLeast: 0, default: 10)))
    },
  ]
}
