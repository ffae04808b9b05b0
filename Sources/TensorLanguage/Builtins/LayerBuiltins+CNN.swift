import NeuralNet
import TensorEngine

/// The layers of AlexNet, NIN and GoogLeNet besides convolution and pooling: local response
/// normalisation, dropout, global average pooling and parallel branches.
extension Builtins {
  static let cnnLayers: [Builtin] = [lrn, dropout, globalAveragePool, branches]

  private static let lrn: Builtin = {
    var b = Builtin(
      "lrn",
      [
        P("size", "int", default: "5"), P("alpha", "number", default: "1e-4", keywordOnly: true),
        P("beta", "number", default: "0.75", keywordOnly: true),
        P("k", "number", default: "2", keywordOnly: true),
      ],
      group: "layers",
      summary: "AlexNet's local response normalisation a / (k + alpha·Σ a²)^beta over size "
        + "neighbouring channels; PyTorch's and Caffe's alpha is size times this one",
      example: "lrn(5, alpha: 1e-4, beta: 0.75, k: 2)"
    ) { args, _ in
      let size = try args.int("size", atLeast: 1, default: 5)
      let alpha = try args.double("alpha", default: 1e-4)
      let beta = try args.double("beta", default: 0.75)
      let k = try args.double("k", default: 2)
      guard alpha >= 0, alpha.isFinite else {
        throw args.error("alpha", "alpha must be a number ≥ 0 (AlexNet's is 1e-4), not \(alpha)")
      }
      guard beta.isFinite else {
        throw args.error("beta", "beta must be a finite number (AlexNet's is 0.75), not \(beta)")
      }
      guard k > 0, k.isFinite else {
        throw args.error(
          "k",
          "k must be a positive number, so that k + alpha·Σ a² is never 0 (AlexNet's is "
            + "2), not \(k)")
      }
      return .layer(try LocalResponseNorm(size: size, alpha: alpha, beta: beta, k: k))
    }
    b.layer = { LocalResponseNorm() }
    return b
  }()

  private static let dropout = Builtin(
    "dropout", [P("p", "number")], group: "layers",
    summary: "while training, zeroes each value with probability p and scales the rest by "
      + "1/(1 − p) (inverted dropout); the identity when evaluating",
    example: "dense(64, 32, relu) >> dropout(0.5) >> dense(32, 10)"
  ) { args, _ in
    let p = try args.double("p")
    guard p >= 0, p < 1 else {
      throw args.error(
        "p",
        "p is the probability of dropping a value, at least 0 and less than 1, not "
          + "\(TensorFormatter().format(p))"
          + (p == 1 ? " (p = 1 would drop everything; its scale 1/(1 − p) is infinite)" : ""))
    }
    return .layer(try Dropout(p))
  }

  private static let globalAveragePool: Builtin = {
    var b = Builtin(
      "global_avgpool", [], group: "layers",
      summary: "the mean of each channel over all its positions, [c, h, w] → [c] (NIN's head)",
      example: "net = global_avgpool >> softmax"
    ) { _, _ in .layer(GlobalAveragePool()) }
    b.layer = { GlobalAveragePool() }
    return b
  }()

  private static let branches = Builtin(
    "branches", [P("branches", "model", variadic: true)], group: "layers",
    summary: "parallel branches on the same input, their outputs joined along the channels "
      + "(GoogLeNet's inception module)",
    example: "branches(dense(4, 3), dense(4, 2) >> relu)"
  ) { args, _ in
    var items = args.rest
    if items.count == 1, case .tuple(let elements) = items[0].value {
      items = elements.map { Arguments.Item($0, range: items[0].range) }
    }
    guard !items.isEmpty else {
      throw RuntimeError(
        "branches needs at least one branch, e.g. branches(dense(4, 3), dense(4, 2))",
        at: args.callRange, notes: [args.signatureNote])
    }
    let layers = try items.enumerated().map { i, item in
      guard let layer = Arguments.asLayer(item.value) else {
        throw args.error(
          at: item, "branch \(i) must be a layer or model, not \(item.value.kindName)")
      }
      return layer
    }
    return .layer(try Branches(layers))
  }
}
