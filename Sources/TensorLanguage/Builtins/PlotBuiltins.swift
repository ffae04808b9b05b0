import NeuralNet
import Plotting
import TensorEngine

/// Figures, drawn by gnuplot.
extension Builtins {
  static let plots: [Builtin] = [
    Builtin(
      "plot",
      [
        P("what", "history, model, function(s), tensor or dataset"),
        P("over", "data, range or y", default: "none"),
        P("title", "string", default: "none", keywordOnly: true),
        P("file", "string", default: "none", keywordOnly: true),
        P("size", "[width, height]", default: "[800, 600]", keywordOnly: true),
        P("log", "bool", default: "false", keywordOnly: true),
      ],
      group: "plots",
      summary: "draws a loss curve (history), a decision boundary (model, data), functions "
        + "over a range, y against x, or a data set; file: writes .svg .png .pdf or .txt",
      example: "plot([relu, sigmoid, tanh], -5..5, title: \"activations\")"
    ) { args, context in
      var figure = try describe(args, context)
      if args.has("title") { figure.title = try args.string("title") }
      let file = args.has("file") ? try args.string("file") : nil
      if let file {
        do { _ = try PlotFile.format(of: file) } catch let error as PlotError {
          throw args.error("file", error.message)
        }
      }
      let text = try context.show(figure, file: file, size: try plotSize(args))
      if let text { context.display(text.hasSuffix("\n") ? text : text + "\n") }
      return .none
    }
  ]

  /// The figure for what `plot` was given.
  private static func describe(_ args: Arguments, _ context: Context) throws -> Plot {
    let what = args.value("what") ?? .none
    let over = args.value("over")
    let log = try args.bool("log", default: false)
    switch (what, over) {
    case (.history(let h), nil):
      return try PlotBuilder.history(h, log: log)
    case (.layer(let model), .dataset(let data)?):
      return try PlotBuilder.boundary(model, data)
    case (.layer(let model), _):
      if let f = activationFunction(model), case .range(let low, let high)? = over {
        return try PlotBuilder.functions([f], low, high, context)
      }
      throw args.error(
        "over", "plot(model, data) draws a model's decision boundary over a data set")
    case (.function(let f), .range(let low, let high)?):
      return try PlotBuilder.functions([f], low, high, context)
    case (.tuple(let items), .range(let low, let high)?):
      let functions = try items.map { item -> Function in
        if case .function(let f) = item { return f }
        if case .layer(let l) = item, let f = activationFunction(l) { return f }
        throw args.error("what", "plot([f, g], a..b) takes functions, not \(item.kindName)")
      }
      return try PlotBuilder.functions(functions, low, high, context)
    case (.dataset(let d), nil):
      return try PlotBuilder.dataset(d)
    case (.tensor(let x), .tensor(let y)?):
      return try PlotBuilder.xy(x, y)
    case (.tensor(let y), nil):
      return try PlotBuilder.xy(Tensor((0..<y.count).map(Double.init)), y)
    default:
      throw args.error(
        "what",
        "plot draws a history, plot(model, data), plot(f, -5..5), plot([f, g], -5..5), "
          + "plot(x, y) or plot(data); not \(what.kindName)"
          + (over.map { " with \($0.kindName)" } ?? ""))
    }
  }

  /// An activation written as a layer (`relu` in `[relu, tanh]` is a layer value) as the
  /// function of the same name.
  private static func activationFunction(_ layer: any Layer) -> Function? {
    guard let a = layer as? ActivationLayer, let b = Builtins.all[a.activation.description]
    else { return nil }
    return Function(name: b.name, body: .builtin(b))
  }

  /// `size: [w, h]`: pixels for images, characters for .txt files.
  private static func plotSize(_ args: Arguments) throws -> PlotSize? {
    guard args.has("size") else { return nil }
    let t = try args.tensor("size")
    guard t.count == 2, t.scalars.allSatisfy({ $0 >= 10 && $0 <= 10000 && $0 == $0.rounded() })
    else {
      throw args.error("size", "size is [width, height], whole numbers from 10 to 10000")
    }
    return PlotSize(Int(t.scalars[0]), Int(t.scalars[1]))
  }
}
