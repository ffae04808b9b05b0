import Foundation
import NeuralNet
import TensorEngine

/// Training, prediction and evaluation.
extension Builtins {
  static let training: [Builtin] = [
    Builtin(
      "fit",
      [
        P("model", "model"), P("data", "dataset"),
        P("loss", "loss", default: "mse", keywordOnly: true),
        P("opt", "optimizer", default: "sgd(lr: 0.1)", keywordOnly: true),
        P("epochs", "int", default: "100", keywordOnly: true),
        P("batch", "int", default: "all", keywordOnly: true),
        P("val", "dataset", default: "none", keywordOnly: true),
        P("schedule", "schedule", default: "none", keywordOnly: true),
        P("shuffle", "bool", default: "true", keywordOnly: true),
        P("augment", "augmentations", default: "none", keywordOnly: true),
        P("stop", "stop rule", default: "none", keywordOnly: true),
        P("lr", "number", default: "1", keywordOnly: true),
        P("clip", "number", default: "none", keywordOnly: true),
        P(
          "live", "bool, \"loss\" or \"boundary\"", default: "true in a plot window",
          keywordOnly: true),
      ],
      group: "training",
      summary: "trains a model by gradient descent and returns its history; "
        + "loss: a built-in loss or any fn(output, target) giving one number (which trains on "
        + "the graph, slower; the history says which path trained and why); "
        + "augment: [flip(), shift(2), crop(32, pad: 4), pca_color(0.1)] transforms each "
        + "training minibatch (not val:); stop: early(patience: 10) stops on a plateau; "
        + "clip: 5 scales each step's gradients to a global norm of at most 5, as PyTorch's "
        + "clip_grad_norm_ (for recurrent nets; it trains on the graph); "
        + "a perceptron by its rule (lr:, epochs:); live: redraws the loss curve, or with "
        + "live: \"boundary\" the decision boundary, while it trains",
      example: "h = fit(net, xor(), loss: mse, opt: sgd(lr: 0.5), epochs: 3000)"
    ) { args, context in
      let model = try args.layer("model")
      let data = try args.dataset("data")
      if let learner = model as? any RuleTrained {
        return try fitByRule(learner, data, args, context)
      }
      if args.has("lr") {
        throw args.error(
          "lr",
          "lr: is the rate of the perceptron rule; give a network's rate with its optimizer, "
            + "e.g. opt: sgd(lr: 0.5)")
      }
      let loss = try args.loss("loss", default: .mse, context: context)
      let optimizer: any Optimizer =
        args.has("opt") ? try args.optimizer("opt") : try SGD(learningRate: 0.1)
      let schedule = try args.schedule("schedule")
      schedule?.reset()
      var options = TrainingOptions(
        epochs: try args.epochs(atLeast: 0),
        batchSize: args.has("batch") ? try args.int("batch", atLeast: 1) : nil,
        shuffle: try args.bool("shuffle", default: true),
        validation: try args.optionalDataset("val"), schedule: schedule,
        augmentation: try args.augmentations("augment"), earlyStopping: try args.stopRule("stop"))
      if args.has("clip") {
        let clip = try args.double("clip")
        guard clip > 0, clip.isFinite else {
          throw args.error(
            "clip",
            "clip: is the largest global norm the gradients may have, a positive number "
              + "(5 is usual for recurrent nets), not \(TensorFormatter().format(clip))")
        }
        options.clipNorm = clip
      }
      let liveFigure = try Builtins.liveFigure(args, context)
      let live = liveFigure == .loss
      let boundary = liveFigure == .boundary
      if boundary {
        // The untrained boundary first; a model or data it cannot draw fails before training.
        try context.showLive(PlotBuilder.boundary(model, data))
      }
      var curve = History(plannedEpochs: options.epochs)
      var lastDraw = 0.0
      var lastPlot = 0.0
      var plotCost = 0.0
      let progress: ((EpochReport) -> Void)? =
        context.isTerminal || live || boundary
        ? { report in
          // The boundary, redrawn like the loss curve below: its cost includes drawing it.
          if boundary, report.elapsed - lastPlot >= Swift.max(0.2, 40 * plotCost) {
            let start = DispatchTime.now().uptimeNanoseconds
            if let plot = try? PlotBuilder.boundary(model, data) { try? context.showLive(plot) }
            plotCost = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            lastPlot = report.elapsed + plotCost
          }
          if live {
            curve.loss.append(report.loss)
            if let v = report.validationLoss { curve.validationLoss.append(v) }
            // The loss curve, redrawn at most 5 times a second, and less often when a redraw
            // is slow, so that waiting for gnuplot takes under 2.5% of the training time.
            if report.elapsed - lastPlot >= Swift.max(0.2, 40 * plotCost),
              let plot = try? PlotBuilder.history(curve, log: false, points: 200)
            {
              let start = DispatchTime.now().uptimeNanoseconds
              try? context.showLive(plot)
              plotCost = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
              lastPlot = report.elapsed + plotCost
            }
          }
          // One live line, redrawn at most 10 times a second.
          guard context.isTerminal, report.elapsed - lastDraw >= 0.1 else { return }
          lastDraw = report.elapsed
          context.emit(
            .progress(
              progressLine(
                epoch: report.epoch, of: report.epochs, loss: report.loss,
                validationLoss: report.validationLoss, accuracy: report.accuracy,
                validationAccuracy: report.validationAccuracy, elapsed: report.elapsed)))
        } : nil
      let history = try Training.fit(
        model, on: data, loss: loss, optimizer: optimizer, options: options, progress: progress,
        shouldCancel: { context.shouldCancel() })
      if live, let plot = try? PlotBuilder.history(history, log: false) {
        try context.showLive(plot)
      }
      // The timing is its own event, so a notebook never records it.
      let summary = summaryParts(history)
      context.emit(.text(summary.line))
      context.emit(.timing(seconds: history.seconds, text: summary.timing))
      context.emit(.text("\n"))
      if boundary {
        // The final frame: redrawn live (a short run may not have been redrawn since its
        // start), and the call's figure, which a notebook records and text shows.
        // The trained model and its history are kept even when the figure fails.
        do {
          let final = try PlotBuilder.boundary(model, data)
          try context.showLive(final)
          if let text = try context.show(final, file: nil, size: nil) {
            context.display(text.hasSuffix("\n") ? text : text + "\n")
          }
        } catch {
          context.write(
            "the final decision boundary could not be drawn: \(error)\n", transient: false)
        }
      }
      return .history(history)
    },
    Builtin(
      "predict", [P("model", "model"), P("x", "tensor")], group: "training",
      summary: "the model's outputs for inputs x (a tensor, or a data set's x)",
      example: "predict(net, [[0, 1]])"
    ) { args, _ in
      let model = try args.layer("model")
      if case .dataset(let d)? = args.value("x") { return .tensor(try model(d.x)) }
      return .tensor(try model(args.tensor("x")))
    },
    Builtin(
      "accuracy",
      [
        P("model", "model"), P("data", "dataset"),
        P("top", "int", default: "1", keywordOnly: true),
      ],
      group: "training",
      summary: "the fraction of a classification data set the model classifies correctly; "
        + "top: k counts a sample when its label is among the model's k highest outputs",
      example: "accuracy(net, test, top: 5)"
    ) { args, _ in
      let model = try args.layer("model")
      let data = try args.dataset("data")
      guard args.has("top") else { return .number(try model.accuracy(on: data)) }
      return .number(try model.accuracy(on: data, top: args.int("top", atLeast: 1)))
    },
    Builtin(
      "evaluate",
      [
        P("model", "model"), P("data", "dataset"),
        P("loss", "loss", default: "mse", keywordOnly: true),
      ],
      group: "training",
      summary: "(loss, accuracy) on a data set; just the loss for regression; loss: a built-in "
        + "loss or any fn(output, target)",
      example: "err, acc = evaluate(net, test, loss: bce)"
    ) { args, context in
      let result = try args.layer("model").evaluate(
        on: args.dataset("data"), loss: args.loss("loss", default: .mse, context: context))
      guard let accuracy = result.accuracy else { return .number(result.loss) }
      return .tuple([.number(result.loss), .number(accuracy)])
    },
    Builtin(
      "summary",
      [P("model", "model or list of models"), P("input", "shape or dataset", default: "auto")],
      group: "training",
      summary: "a table of the layers: output shape, weights and multiply-adds per sample, "
        + "totals split into conv and fully connected for an image model; a list of models "
        + "gives them side by side as the lecture's table (conv layers = the longest chain "
        + "of convolutions); input: one sample's shape ([1, 28, 28]) or a data set, needed "
        + "when the model does not declare it (input(…)) and starts with conv or pooling",
      example: "summary([alexnet(), vgg16(), googlenet(), nin()])"
    ) { args, _ in
      if case .tuple(let values)? = args.value("model") {
        var models: [any Layer] = []
        for value in values {
          guard let layer = Arguments.asLayer(value) else {
            throw args.error(
              "model",
              "summary takes a model or a list of models, not a list "
                + "holding \(value.kindName)")
          }
          models.append(layer)
        }
        guard !models.isEmpty else {
          throw args.error("model", "summary needs at least one model in the list")
        }
        var inputs: [[Int]] = []
        for model in models { inputs.append(try summaryInput(args, model)) }
        return .text(try comparisonTable(models, inputs: inputs))
      }
      let model = try args.layer("model")
      return .text(try summaryTable(model, input: summaryInput(args, model)))
    },
  ]

  /// The sample shape `summary` counts `model` on: `input:`, else what the model declares or
  /// its first dense layer fixes.
  private static func summaryInput(_ args: Arguments, _ model: any Layer) throws -> [Int] {
    if case .dataset(let d)? = args.value("input") { return d.sampleShape }
    if args.has("input") {
      let shape = try args.shape("input")
      // A sample must be countable, or every layer after it would multiply past Int.max.
      do {
        _ = try Shape.count(shape)
      } catch let error as TensorError {
        throw args.error("input", error.message)
      }
      return shape
    }
    if let declared = model.declaredInput { return declared.shape }
    if let width = model.inputWidth { return [width] }
    throw args.error(
      "input",
      "the model's input shape cannot be known from its layers (it starts with \(model.layers.first.map { "\($0)" } ?? "nothing")); give one sample's "
        + "shape or a data set, e.g. summary(net, [1, 28, 28]) for 28×28 grey images or "
        + "summary(net, input: [2]) for rows of 2 features, or start the model with "
        + "input([1, 28, 28])")
  }

  /// The lecture's table: one column per model, the rows of `ModelCensus`. A model is named
  /// by its `input(…, name:)`, else by its place in the list.
  static func comparisonTable(_ models: [any Layer], inputs: [[Int]]) throws -> String {
    var censuses: [ModelCensus] = []
    for (model, input) in zip(models, inputs) {
      censuses.append(try ModelCensus(model, input: input))
    }
    let names = models.enumerated().map { i, model in
      model.declaredInput?.name ?? "model \(i + 1)"
    }
    func row(_ label: String, _ value: (ModelCensus) -> Int) -> [String] {
      [label] + censuses.map { grouped(value($0)) }
    }
    let rows: [[String]] = [
      [""] + names,
      ["input"] + inputs.map(Shape.describe),
      row("conv layers", \.convolution.layers),
      row("conv weights", \.convolution.weights),
      row("conv multiply-adds", \.convolution.multiplyAdds),
      row("FC layers", \.fullyConnected.layers),
      row("FC weights", \.fullyConnected.weights),
      row("FC multiply-adds", \.fullyConnected.multiplyAdds),
      row("total weights", \.weights),
      row("total multiply-adds", \.multiplyAdds),
    ]
    return aligned(rows, leftColumns: 1)
  }

  /// Rows as columns: the first `leftColumns` flush left, the rest flush right, two spaces
  /// apart, no trailing blanks.
  static func aligned(_ rows: [[String]], leftColumns: Int) -> String {
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { column in
      rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
    }
    return rows.map { row in
      let cells = row.enumerated().map { column, cell in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        return column < leftColumns ? cell + padding : padding + cell
      }
      let line = cells.joined(separator: "  ")
      return String(line.reversed().drop(while: { $0 == " " }).reversed())
    }.joined(separator: "\n")
  }

  /// What `fit` redraws while it trains.
  enum LiveFigure { case none, loss, boundary }

  /// `live:` as true/false (the loss curve or nothing), "loss" or "boundary"; unset, the
  /// loss curve when figures go to a window.
  static func liveFigure(_ args: Arguments, _ context: any Context) throws -> LiveFigure {
    if case .string(let name)? = args.value("live") {
      switch name {
      case "loss": return .loss
      case "boundary": return .boundary
      default:
        throw args.error(
          "live", "live: is true, false, \"loss\" or \"boundary\", not \"\(name)\"")
      }
    }
    return try args.bool("live", default: context.livePlotsByDefault) ? .loss : .none
  }

  /// The perceptron rule, sample by sample in order, until an epoch without mistakes.
  private static func fitByRule(
    _ learner: any RuleTrained, _ data: Dataset, _ args: Arguments, _ context: any Context
  ) throws -> Value {
    for name in ["loss", "opt", "batch", "val", "schedule", "shuffle", "augment", "stop", "clip"]
    where args.has(name) {
      throw args.error(
        name,
        "a perceptron is fitted by its rule w ← w + lr (t − y) x, which takes lr: and epochs: "
          + "but not \(name):")
    }
    let result = try learner.train(
      on: data, learningRate: args.double("lr", default: 1),
      maxEpochs: args.epochs(atLeast: 1),
      shouldCancel: { context.shouldCancel() })
    return .perceptronResult(result)
  }

  /// The live line: `epoch 120/3000 · loss 0.0213 · accuracy 0.75 · 0.4 s · 9.6 s left`.
  static func progressLine(
    epoch: Int, of epochs: Int, loss: Double, validationLoss: Double? = nil,
    accuracy: Double? = nil, validationAccuracy: Double? = nil, elapsed: Double
  ) -> String {
    var parts = ["epoch \(epoch)/\(epochs)", "loss \(formatMetric(loss))"]
    if let v = validationLoss { parts.append("val_loss \(formatMetric(v))") }
    if let a = accuracy { parts.append("accuracy \(formatMetric(a))") }
    if let a = validationAccuracy { parts.append("val_accuracy \(formatMetric(a))") }
    parts.append(formatSeconds(elapsed))
    if epoch > 0, epochs > epoch {
      parts.append(formatSeconds(elapsed / Double(epoch) * Double(epochs - epoch)) + " left")
    }
    return parts.joined(separator: " · ")
  }

  /// The line a run ends with, its timing last so that a notebook can drop it:
  /// `epoch 3000/3000 · loss 0.0021 · accuracy 1 · 0.04 s`, with
  /// `graph (the loss my_mse is a user function)` before the timing when it ran on the graph.
  static func summaryLine(_ history: History) -> String {
    let parts = summaryParts(history)
    return parts.line + parts.timing
  }

  /// The summary line without its timing, and the timing (` · 0.04 s`) that ends it.
  static func summaryParts(_ history: History) -> (line: String, timing: String) {
    var parts: [String] = []
    if case .cancelled(let epoch, let step) = history.stop {
      parts.append("interrupted in epoch \(epoch) before step \(step)")
      if let loss = history.loss.last { parts.append("loss \(formatMetric(loss))") }
      parts.append("model keeps its last finished step")
    } else if case .diverged(let epoch, let loss, let rate) = history.stop {
      // Said plainly, with what to do: a diverging run is the student's most common failure.
      let what =
        loss.isFinite ? "the weights overflowed" : "the loss became \(formatMetric(loss))"
      parts.append("diverged in epoch \(epoch): \(what)")
      parts.append(
        epoch > 1
          ? "the model keeps the weights of epoch \(epoch - 1)"
            + (history.loss.last.map { " (loss \(formatMetric($0)))" } ?? "")
          : "the model keeps its weights from before training")
      parts.append(
        "try a smaller learning rate than \(formatMetric(rate)), e.g. \(formatMetric(rate / 10))")
    } else {
      parts.append("epoch \(history.epochs)/\(history.plannedEpochs)")
      if let v = history.loss.last { parts.append("loss \(formatMetric(v))") }
      if let v = history.validationLoss.last { parts.append("val_loss \(formatMetric(v))") }
      if let v = history.accuracy.last { parts.append("accuracy \(formatMetric(v))") }
      if let v = history.validationAccuracy.last {
        parts.append("val_accuracy \(formatMetric(v))")
      }
      if case .early(let epoch, let best, let restored) = history.stop {
        parts.append(
          "stopped early after epoch \(epoch) (best \(best)"
            + (restored ? ", its weights restored)" : ")"))
      }
      // The graph is the slower path: say so, and why, when a run took it.
      if case .graph? = history.path, let path = history.path { parts.append(path.description) }
    }
    return (parts.joined(separator: " · "), " · " + formatSeconds(history.seconds))
  }

  /// `0.004 s`, `0.04 s`, `0.4 s`, `2.3 s`, `41 s`, `3456 s`: two significant digits below
  /// 10 s (three decimals below 0.01 s), whole seconds above; never an exponent.
  static func formatSeconds(_ seconds: Double) -> String {
    let s = seconds.isFinite ? Swift.max(0, Swift.min(seconds, 1e12)) : 0
    if s < 0.01 { return String(format: "%.3f s", s) }
    // Rounded first, so that 9.96 becomes 10 rather than "10.0".
    let rounded = Double(String(format: "%.2g", s)) ?? s
    if rounded < 10 { return TensorFormatter(digits: 2).format(rounded) + " s" }
    return "\(Int(s.rounded())) s"
  }

  /// The parameter table of papers: one row per layer, then the totals.
  static func summaryTable(_ model: any Layer, input: [Int]) throws -> String {
    var rows: [[String]] = [
      ["layer", "output shape", "weights", "multiply-adds"],
      ["input", Shape.describe(input), "", ""],
    ]
    let firstInput = input
    var shape = input
    var input = input
    var weights = 0
    var multiplyAdds = 0
    for layer in model.layers {
      let m = try layer.multiplyAdds(for: shape)
      shape = try layer.outputShape(for: shape)
      let w = layer.parameterCount
      // Weights not yet drawn cannot be frozen; asking would draw them.
      let parameters = layer.parametersMaterialized ? layer.parameters : []
      let frozen = parameters.filter(\.isFrozen).count
      let mark =
        frozen == 0 ? "" : frozen == parameters.count ? " (frozen)" : " (partly frozen)"
      rows.append([layer.description + mark, Shape.describe(shape), grouped(w), grouped(m)])
      rows += childRows(of: layer, input: input, indent: "  ")
      weights += w
      multiplyAdds += m
      input = shape
    }
    rows.append(["total", "", grouped(weights), grouped(multiplyAdds)])
    // An image model's totals split as the lecture's table does, with the depth of each.
    let census = try ModelCensus(model, input: firstInput)
    if census.convolution.layers > 0 {
      for (label, part) in [
        ("conv", census.convolution), ("FC", census.fullyConnected),
      ] {
        let deep = "\(part.layers) layer" + (part.layers == 1 ? "" : "s") + " deep"
        rows.append([
          "  \(label)", deep, grouped(part.weights), grouped(part.multiplyAdds),
        ])
      }
    }
    return aligned(rows, leftColumns: 2)
  }

  /// The rows of the layers inside a layer made of others (the branches of `branches`),
  /// indented beneath its own row and named by their path (`1.0`); the layer's row already
  /// counts them in the totals. A layer that is not a model gives each child its own
  /// input; a model's layers follow each other.
  static func childRows(
    of layer: any Layer, input: [Int], indent: String, path: String = ""
  ) -> [[String]] {
    guard !layer.isModel else { return [] }
    var rows: [[String]] = []
    func add(_ child: any Layer, name: String, input: [Int]) -> [Int]? {
      let shape = try? child.outputShape(for: input)
      let m = (try? child.multiplyAdds(for: input)).map(grouped) ?? ""
      rows.append([
        "\(indent)\(name): \(child.description)", shape.map(Shape.describe) ?? "",
        grouped(child.parameterCount), m,
      ])
      if shape != nil {
        rows += childRows(of: child, input: input, indent: indent + "  ", path: name + ".")
      }
      return shape
    }
    for (name, child) in layer.children {
      if child.isModel {
        var shape: [Int]? = input
        for (inner, grandchild) in child.children {
          guard let current = shape else { break }
          shape = add(grandchild, name: "\(path)\(name).\(inner)", input: current)
        }
      } else {
        _ = add(child, name: path + name, input: input)
      }
    }
    return rows
  }

  /// `60,965,224`: digits in groups of three, as parameter tables print them.
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(d)
    }
    return n < 0 ? "-" + out : out
  }
}
