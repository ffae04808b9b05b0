import NeuralNet
import Plotting
import TensorEngine

/// Figures, drawn by gnuplot.
extension Builtins {
  static let plots: [Builtin] = [
    Builtin(
      "plot",
      [
        P(
          "what",
          "history or [histories], model, layer, function(s), tensor, dataset, confusion "
            + "matrix or perceptron result"),
        P("over", "data, range or y (or [y1, y2])", default: "none"),
        P("title", "string", default: "none", keywordOnly: true),
        P("xlabel", "string", default: "by kind", keywordOnly: true),
        P("ylabel", "string", default: "by kind", keywordOnly: true),
        P("labels", "[string]", default: "none", keywordOnly: true),
        P("unit", "int", default: "none", keywordOnly: true),
        P("n", "int", default: "32", keywordOnly: true),
        P("wrong", "bool", default: "false", keywordOnly: true),
        P("file", "string", default: "none", keywordOnly: true),
        P("size", "[width, height]", default: "[800, 600]", keywordOnly: true),
        P("log", "bool", default: "false", keywordOnly: true),
      ],
      group: "plots",
      summary: "draws a loss curve (history; [h1, h2] with labels: compares runs), a decision "
        + "boundary (2-input model, data), a 1-input model's curve over its data, one unit "
        + "of a layer (layer, data, unit: k), functions over a range, y against x (x, [y1, y2] "
        + "for several), points [n, 2] coloured by class (plot(codes, labels), labels: names "
        + "the classes), a data set, or a perceptron's errors per epoch; images (a data set of "
        + "[1 or 3, h, w] samples or a tensor [n, c, h, w]) as a grid with their labels, "
        + "plot(net, images) with the model's predictions, wrong ones red (wrong: true shows "
        + "only those; n: how many, default 32); a layer's weights [out, in, kh, kw] as "
        + "filters; a confusion matrix as a heat map; xlabel:, ylabel: name the axes; log: true "
        + "puts y on a log scale (loss curves, plot(x, y)); file: "
        + "writes .svg .png .pdf or .txt",
      example: "plot([h1, h2], labels: [\"sgd\", \"adam\"], title: \"optimizers\")"
    ) { args, context in
      try show(describe(args, context), args, context)
    }
  ]

  /// Draws `figure` with the options every figure takes (`title:`, `xlabel:`, `ylabel:`,
  /// `file:`, `size:`), as the built-in's arguments give them.
  static func show(_ figure: Plot, _ args: Arguments, _ context: Context) throws -> Value {
    var figure = figure
    if args.has("title") { figure.title = try args.string("title") }
    if args.has("xlabel") { figure.xLabel = try args.string("xlabel") }
    if args.has("ylabel") { figure.yLabel = try args.string("ylabel") }
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

  /// The figure for what `plot` was given.
  private static func describe(_ args: Arguments, _ context: Context) throws -> Plot {
    let what = args.value("what") ?? .none
    let over = args.value("over")
    let log = try args.bool("log", default: false)
    let labels = try plotLabels(args)
    if let figure = try imageFigure(args, what, over, context) { return figure }
    for name in ["n", "wrong"] where args.has(name) {
      throw args.error(
        name,
        "\(name): applies to images: plot(images, n: 16), plot(net, test, wrong: true), "
          + "plot(layer.w, n: 8)")
    }
    if args.has("unit") {
      guard let layer = Arguments.asLayer(what), case .dataset(let data)? = over else {
        throw args.error(
          "unit",
          "unit: draws one unit of a layer over a data set's inputs: "
            + "plot(net.layers[0], data, unit: 0)")
      }
      return try PlotBuilder.unit(
        layer, data, unit: try args.int("unit"), shouldCancel: { context.shouldCancel() })
    }
    if labels != nil, !labelled(what, over) {
      throw args.error(
        "labels",
        "labels: names the runs of plot([h1, h2], …) or the series of "
          + "plot(x, [y1, y2], …)")
    }
    switch (what, over) {
    case (.history(let h), nil):
      guard let labels else { return try PlotBuilder.history(h, log: log) }
      return try PlotBuilder.histories([h], labels: labels, log: log)
    case (.tuple(let items), nil) where items.contains(where: isHistory):
      let runs = try items.map { item -> History in
        guard case .history(let h) = item else {
          throw args.error("what", "plot([h1, h2]) compares histories, not \(item.kindName)")
        }
        return h
      }
      return try PlotBuilder.histories(runs, labels: labels, log: log)
    case (.perceptronResult(let r), nil):
      return try PlotBuilder.errors(r)
    case (.layer(let model), .dataset(let data)?):
      if data.rowWidth == 1 { return try PlotBuilder.regression(model, data) }
      return try PlotBuilder.boundary(model, data)
    case (.layer(let model), _):
      if let f = activationFunction(model), case .range(let low, let high)? = over {
        return try PlotBuilder.functions([f], low, high, context)
      }
      throw args.error(
        "over",
        "plot(model, data) draws a model's decision boundary (2 inputs) or its curve (1 input) "
          + "over a data set")
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
    case (.tensor(let x), .tensor(let y)?) where x.rank == 2 && x.shape[1] == 2:
      // Points, not one x per y: an autoencoder's codes [n, 2] by their classes.
      return try PlotBuilder.classes(x, y, names: labels)
    case (.tensor(let x), .tensor(let y)?):
      var plot = try PlotBuilder.several(x, y, labels: labels)
      plot.logY = log
      return plot
    case (.tensor(let y), nil):
      var plot = try PlotBuilder.xy(Tensor((0..<y.count).map(Double.init)), y)
      plot.logY = log
      return plot
    default:
      throw args.error(
        "what",
        "plot draws a history, plot([h1, h2]), plot(model, data), plot(f, -5..5), "
          + "plot([f, g], -5..5), plot(x, y), plot(x, [y1, y2]), plot(codes, labels), "
          + "plot(data) or a perceptron "
          + "result; not \(what.kindName)"
          + (over.map { " with \($0.kindName)" } ?? ""))
    }
  }

  /// The figure of images, filters or a confusion matrix, when that is what `plot` was
  /// given; nil for every other figure.
  private static func imageFigure(
    _ args: Arguments, _ what: Value, _ over: Value?, _ context: Context
  ) throws -> Plot? {
    func isImages(_ data: Dataset) -> Bool { data.sampleShape.count == 3 }
    let count = try args.int("n", atLeast: 1, default: PlotBuilder.imageCount)
    let wrong = try args.bool("wrong", default: false)
    switch (what, over) {
    case (.confusion(let m), nil):
      return try PlotBuilder.confusion(m)
    case (.dataset(let d), nil) where isImages(d):
      return try PlotBuilder.images(d, model: nil, count: count, wrongOnly: wrong)
    case (.layer(let model), .dataset(let d)?) where isImages(d):
      return try PlotBuilder.images(
        d, model: model, count: count, wrongOnly: wrong,
        shouldCancel: { context.shouldCancel() })
    case (.dataset(let d), .layer?) where isImages(d):
      throw args.error("what", "the model comes first: plot(net, data)")
    case (.layer(let model), .tensor(let x)?) where x.rank == 4:
      if wrong { throw args.error("wrong", "wrong: needs the labels of a data set") }
      return try PlotBuilder.images(x, model: model, count: count)
    case (.tensor(let x), nil) where x.rank == 4:
      if wrong { throw args.error("wrong", "wrong: needs a model and a data set") }
      // A layer's weights, or channels no image has: filters. Else a batch of images.
      if x.isParameter || !(x.shape[1] == 1 || x.shape[1] == 3) {
        return try PlotBuilder.filters(x, count: args.has("n") ? count : nil)
      }
      return try PlotBuilder.images(x, model: nil, count: count)
    default:
      return nil
    }
  }

  /// `labels: ["a", "b"]` (or one string for one series).
  static func plotLabels(_ args: Arguments) throws -> [String]? {
    guard let value = args.value("labels") else { return nil }
    switch value {
    case .string(let s): return [s]
    case .tuple(let items):
      return try items.map { item in
        guard case .string(let s) = item else {
          throw args.error("labels", "labels: are strings, not \(item.kindName)")
        }
        return s
      }
    default:
      throw args.error(
        "labels", "labels: is a list of strings, e.g. [\"sgd\", \"adam\"], not \(value.kindName)")
    }
  }

  private static func isHistory(_ value: Value) -> Bool {
    if case .history = value { return true }
    return false
  }

  /// Whether `labels:` names something in this call: runs of histories, or series of y.
  private static func labelled(_ what: Value, _ over: Value?) -> Bool {
    switch (what, over) {
    case (.history, nil), (.tuple, nil), (.tensor, .tensor?): true
    default: false
    }
  }

  /// An activation written as a layer (`relu` in `[relu, tanh]` is a layer value) as the
  /// function of the same name.
  private static func activationFunction(_ layer: any Layer) -> Function? {
    // An activation layer is one without parameters or children that ends in an activation.
    guard layer.parameterCount == 0, layer.children.isEmpty, !layer.isModel,
      let a = layer.outputActivation, let b = Builtins.all[a.description]
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
