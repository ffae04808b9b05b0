import Foundation
import NeuralNet
import TensorEngine

/// Recurrent layers and character data: `rnn`, `gru`, `lstm`, `text` and `generate`.
extension Builtins {
  static let recurrent: [Builtin] = Recurrent.Cell.allCases.map(recurrentLayer) + [text, generate]

  private static func recurrentLayer(_ cell: Recurrent.Cell) -> Builtin {
    let summaries: [Recurrent.Cell: String] = [
      .rnn: "a recurrent layer h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), as PyTorch's "
        + "nn.RNN",
      .gru: "a gated recurrent unit with gates r, z, n stacked in that order, n = tanh(W_in x "
        + "+ b_in + r ⊙ (W_hn h + b_hn)), h_t = (1 − z) ⊙ n + z ⊙ h, as PyTorch's nn.GRU",
      .lstm: "a long short-term memory with gates i, f, g, o stacked in that order, c_t = f ⊙ "
        + "c + i ⊙ g, h_t = o ⊙ tanh(c_t), as PyTorch's nn.LSTM",
    ]
    let name = cell.rawValue
    return Builtin(
      name,
      [
        P("in", "int"), P("hidden", "int"),
        P("sequences", "bool", default: "false", keywordOnly: true),
      ],
      group: "layers",
      summary: (summaries[cell] ?? name)
        + "; samples are sequences [time, in] (a batch [n, time, in]), the output the last "
        + "hidden state [hidden], or with sequences: true every step's [time, hidden]; "
        + "parameters weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 as in PyTorch's "
        + "state_dict (a model's layer k adds k. before them, as an nn.Sequential's would), "
        + "so weight files load both ways; initialised U(−1/√hidden, 1/√hidden) as PyTorch",
      example: "net = \(name)(d.classes, 64) >> dense(64, d.classes, softmax)"
    ) { args, _ in
      let layer = try Recurrent(
        cell, args.int("in", atLeast: 1), args.int("hidden", atLeast: 1),
        sequences: args.bool("sequences", default: false))
      return .layer(layer)
    }
  }

  private static let text = Builtin(
    "text",
    [
      P("string", "string", default: "none"), P("length", "int", default: "16", keywordOnly: true),
      P("load", "string", default: "none", keywordOnly: true),
      P("step", "int", default: "1", keywordOnly: true),
    ],
    group: "data",
    summary: "a character data set from a string, or a UTF-8 file with load:, for a "
      + "character model: .vocab is the sorted distinct characters; sample i is the "
      + "window of length characters from i, one-hot [length, vocab], and its target the "
      + "class of the next character after the window (so a model ends in one prediction, "
      + "rnn(…) >> dense(hidden, vocab), trained with cross_entropy); step: k starts a "
      + "window every k characters instead of at every one",
    example: "d = text(\"the cat sat on the mat. \", length: 8)"
  ) { args, context in
    let length = try args.int("length", atLeast: 1, default: 16)
    let content: String
    let name: String
    switch (args.has("string"), args.has("load")) {
    case (true, true):
      throw args.error(
        "load", "give the text as a string or a file with load:, not both")
    case (false, false):
      throw RuntimeError(
        "text needs a string, text(\"some text\"), or a file, text(load: \"file.txt\")",
        at: args.callRange, notes: [args.signatureNote])
    case (true, false):
      content = try args.string("string")
      name = "text"
    case (false, true):
      let file = try args.string("load")
      let path = context.pathForReading(file)
      guard let data = FileManager.default.contents(atPath: path) else {
        throw args.error("load", "cannot read \(file): no such file, or it cannot be opened")
      }
      guard let decoded = String(data: data, encoding: .utf8) else {
        throw args.error("load", "\(file) is not UTF-8 text")
      }
      content = decoded
      name = (file as NSString).lastPathComponent
    }
    do {
      return .dataset(
        try Dataset.text(
          content, length: length, step: args.int("step", atLeast: 1, default: 1), name: name))
    } catch let error as TensorError {
      throw args.error(args.has("load") ? "load" : "string", error.message)
    }
  }

  private static let generate = Builtin(
    "generate",
    [
      P("model", "model"), P("data", "dataset"), P("start", "string", keywordOnly: true),
      P("n", "int", default: "200", keywordOnly: true),
      P("temperature", "number", default: "1", keywordOnly: true),
    ],
    group: "training",
    summary: "writes n characters after start with a character model trained on a text "
      + "data set: each is drawn from softmax(logits / temperature) given the last "
      + "length characters (below 1 is bolder, above 1 wilder), from the session's random "
      + "stream, so seed(k) repeats it",
    example: "generate(net, d, start: \"the \", n: 200, temperature: 0.8)"
  ) { args, _ in
    let model = try args.layer("model")
    let data = try args.dataset("data")
    let start = try args.string("start")
    let count = try args.int("n", atLeast: 0, default: 200)
    guard count <= 1_000_000 else {
      throw args.error("n", "n is at most 1,000,000 characters, not \(count)")
    }
    let temperature = try args.double("temperature", default: 1)
    guard data.vocabulary != nil else {
      throw args.error(
        "data", "\(data.name) is not a text data set; make one with text(\"…\", length: 16)")
    }
    guard temperature > 0, temperature.isFinite else {
      throw args.error(
        "temperature",
        "temperature must be a positive number (1 samples the model's own distribution, "
          + "0.5 is bolder), not \(TensorFormatter().format(temperature))")
    }
    do {
      _ = try data.oneHot(characters: Array(start))
    } catch let error as TensorError {
      throw args.error("start", "start: \(error.message)")
    }
    var generator = RandomGenerator(seed: RandomGenerator.withShared { $0.next() })
    return .string(
      try TextGeneration.generate(
        model, data: data, start: start, count: count, temperature: temperature,
        using: &generator))
  }
}
