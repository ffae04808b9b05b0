import NeuralNet
import Plotting
import TensorEngine

/// Turns the values `plot` is given into a `Plot`: a history into its loss curves, a model
/// and a data set into a decision boundary, functions into curves, tensors and data sets
/// into points.
enum PlotBuilder {
  /// Points along each axis of a decision boundary's grid.
  static let gridSize = 120
  /// Points along a function's curve.
  static let curvePoints = 301

  /// The loss (and validation loss) per epoch; with `points`, only about that many epochs,
  /// evenly spaced and always the last (a live curve redrawn often stays cheap).
  static func history(_ h: History, log: Bool, points: Int? = nil) throws -> Plot {
    guard !h.loss.isEmpty else { throw RuntimeError("this history has no epochs to plot") }
    func curve(_ name: String, _ values: [Double], _ colour: Int) -> Plot.Series {
      var epochs = Array(values.indices)
      if let points, values.count > points {
        let step = (values.count + points - 1) / points
        epochs = Array(stride(from: 0, to: values.count, by: step))
        if epochs.last != values.count - 1 { epochs.append(values.count - 1) }
      }
      return Plot.Series(
        name, x: epochs.map { Double($0 + 1) }, y: epochs.map { values[$0] }, colour: colour)
    }
    var series = [curve("loss", h.loss, 0)]
    if !h.validationLoss.isEmpty { series.append(curve("val_loss", h.validationLoss, 1)) }
    return Plot(kind: .loss, xLabel: "epoch", yLabel: "loss", logY: log, series: series)
  }

  /// The model's classes over a grid padded around the data, with the samples on top.
  static func boundary(_ model: any Layer, _ data: Dataset) throws -> Plot {
    guard data.rowWidth == 2 else {
      throw RuntimeError(
        "a decision boundary needs data with 2 inputs; \(data.name) has "
          + (data.rowWidth.map(String.init) ?? data.inputsDescription))
    }
    let outputs: [Int]
    do { outputs = try model.outputShape(for: [2]) } catch {
      throw RuntimeError(
        "a decision boundary needs a model with 2 inputs, to match the plane it is drawn on: "
          + "\(error)")
    }
    guard let classCount = data.classes ?? outputs.last.map({ Swift.max(2, $0) }) else {
      throw RuntimeError("cannot tell the classes of \(data.name)")
    }
    let xsData = try column(data.x, 0)
    let ysData = try column(data.x, 1)
    let (xs, ys, points) = grid(xsData, ysData)
    let pointCount = points.count / 2
    // The model runs once over the grid; its classes come from that same output.
    let output = try model(Tensor(shape: [pointCount, 2], scalars: points)).detached
    let classes = try model.predictClasses(fromOutput: output)
    let single = output.count == pointCount
    let threshold = model.outputActivation?.decisionThreshold ?? 0.5
    return Plot(
      kind: .boundary, xLabel: "x1", yLabel: "x2",
      series: try classSeries(data, xs: xsData, ys: ysData),
      grid: Plot.ClassGrid(
        xs: xs, ys: ys, classes: classes, classCount: classCount,
        scores: single ? output.scalars : nil, threshold: threshold))
  }

  /// Each function evaluated at evenly spaced points of `low…high`.
  static func functions(_ functions: [Function], _ low: Double, _ high: Double, _ context: Context)
    throws -> Plot
  {
    guard low.isFinite, high.isFinite, low < high else {
      throw RuntimeError("a curve needs a range low..high with low < high")
    }
    let xs = evenlySpaced(low, high, count: curvePoints)
    let input = Tensor(xs)
    var series: [Plot.Series] = []
    for (i, f) in functions.enumerated() {
      let value = try context.call(f, [.tensor(input)])
      guard case .tensor(let t) = value, t.count == xs.count || t.count == 1 else {
        throw RuntimeError(
          "\(f.name) must give one number for each x to be plotted, not \(value.kindName)")
      }
      let ys = t.count == 1 ? Array(repeating: t.scalars[0], count: xs.count) : t.scalars
      series.append(Plot.Series(f.name, x: xs, y: ys, colour: i))
    }
    return Plot(kind: .functions, xLabel: "x", yLabel: "y", series: series)
  }

  /// y against x: a line when x increases throughout (a function of x), points otherwise.
  static func xy(_ x: Tensor, _ y: Tensor) throws -> Plot {
    guard x.count == y.count, x.count > 0 else {
      throw RuntimeError("plot(x, y) needs as many x as y, not \(x.count) and \(y.count)")
    }
    let xs = x.scalars
    return Plot(
      kind: .points, xLabel: "x", yLabel: "y",
      series: [Plot.Series("", x: xs, y: y.scalars, style: style(over: xs))])
  }

  /// A line when x increases throughout (a function of x), points otherwise.
  static func style(over xs: [Double]) -> Plot.Series.Style {
    zip(xs, xs.dropFirst()).allSatisfy { $0 < $1 } ? .lines : .points
  }

  /// A classification set with 2 inputs coloured by class; a regression set with one input
  /// as y against x.
  static func dataset(_ d: Dataset) throws -> Plot {
    if d.classes != nil, d.rowWidth == 2 {
      let series = try classSeries(d, xs: column(d.x, 0), ys: column(d.x, 1))
      return Plot(kind: .points, title: d.name, xLabel: "x1", yLabel: "x2", series: series)
    }
    guard d.rowWidth == 1, d.y.count == d.count else {
      let has =
        d.rowWidth == 1
        ? "1 input but \(d.targetShape.reduce(1, *)) targets per sample"
        : d.inputsDescription
      throw RuntimeError(
        "plot(data) draws 2-input classification or 1-input regression data; \(d.name) has "
          + has)
    }
    return Plot(
      kind: .points, title: d.name, xLabel: "x", yLabel: "y",
      series: [Plot.Series("", x: d.x.scalars, y: d.y.scalars, style: .points)])
  }

  /// Points `[n, 2]` (an autoencoder's 2-d codes) coloured by their class `labels` (n
  /// whole numbers ≥ 0), one series and one legend entry per class, named by `names` (one
  /// per class present, in class order) or `class k`.
  static func classes(_ points: Tensor, _ labels: Tensor, names: [String]?) throws -> Plot {
    let n = points.shape[0]
    guard labels.count == n, n > 0 else {
      throw RuntimeError(
        "plot(points, labels) needs one label per point: \(n) points [n, 2] but "
          + "\(labels.count) labels")
    }
    guard labels.scalars.allSatisfy({ $0 >= 0 && $0 < 1e9 && $0 == $0.rounded() }) else {
      throw RuntimeError(
        "plot(points, labels) colours each point by its class: the labels must be whole "
          + "numbers ≥ 0 (classes such as data.y), not fractions or negative numbers")
    }
    let classes = labels.scalars.map { Int($0) }
    let present = Set(classes).sorted()
    let titles = try seriesNames(
      names, count: present.count, what: "class", default: { "class \(present[$0])" })
    let xs = try column(points, 0)
    let ys = try column(points, 1)
    return Plot(
      kind: .points, xLabel: "x1", yLabel: "x2",
      series: present.enumerated().map { i, k in
        let index = classes.indices.filter { classes[$0] == k }
        return Plot.Series(
          titles[i], x: index.map { xs[$0] }, y: index.map { ys[$0] }, style: .points, colour: k)
      })
  }

  /// The samples at (xs, ys), one series of points per class.
  static func classSeries(_ d: Dataset, xs: [Double], ys: [Double]) throws -> [Plot.Series] {
    let labels = try self.labels(d)
    return Set(labels).sorted().map { k in
      let index = labels.indices.filter { labels[$0] == k }
      return Plot.Series(
        "class \(k)", x: index.map { xs[$0] }, y: index.map { ys[$0] }, style: .points,
        colour: k)
    }
  }

  /// Each sample's class: its label in a classification set (whole numbers, which the data
  /// set guarantees); for regression targets, the index of the largest of a row, or whether
  /// a single target reaches 0.5.
  static func labels(_ d: Dataset) throws -> [Int] {
    if d.classes != nil { return d.y.scalars.map { Int($0) } }
    if d.y.count == d.count { return d.y.scalars.map { $0 >= 0.5 ? 1 : 0 } }
    // Targets of any shape per sample are scored as one row.
    let rows = try d.y.reshaped([d.count, d.targetShape.reduce(1, *)])
    return try rows.argmax(axis: 1).scalars.map { Int($0) }
  }

  static func column(_ x: Tensor, _ j: Int) throws -> [Double] {
    try x[[.range(start: nil, end: nil, step: nil), .at(j)]].scalars
  }

  /// `count` points from `low` to `high`, both included.
  static func evenlySpaced(_ low: Double, _ high: Double, count: Int) -> [Double] {
    (0..<count).map { low + (high - low) * Double($0) / Double(count - 1) }
  }

  /// A `gridSize` × `gridSize` grid over the plane padded around the samples at (`xs`, `ys`):
  /// each axis's points, and every grid point as (x, y) pairs, row after row.
  static func grid(_ xs: [Double], _ ys: [Double]) -> (xs: [Double], ys: [Double], points: [Double])
  {
    let (x0, x1) = padded(xs)
    let (y0, y1) = padded(ys)
    let gridXs = evenlySpaced(x0, x1, count: gridSize)
    let gridYs = evenlySpaced(y0, y1, count: gridSize)
    var points = [Double]()
    points.reserveCapacity(2 * gridSize * gridSize)
    for y in gridYs {
      for x in gridXs { points += [x, y] }
    }
    return (gridXs, gridYs, points)
  }

  /// The range of `values` with a margin of a tenth on each side (±1 around one value).
  static func padded(_ values: [Double]) -> (Double, Double) {
    let finite = values.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max() else { return (-1, 1) }
    let margin = high > low ? (high - low) / 10 : 1
    return (low - margin, high + margin)
  }
}
