import NeuralNet
import Plotting
import TensorEngine

/// Figures of images: a data set's samples (with a model's predictions, the wrong ones
/// marked), a layer's filters, a confusion matrix.
extension PlotBuilder {
  /// How many images a grid shows unless told otherwise.
  static let imageCount = 32
  /// The most tiles a filter grid shows (filters × input channels).
  static let filterTiles = 256
  /// Samples classified at a time while looking for the wrong ones.
  static let predictionSlice = 512
  /// The most pixel values an image figure sends to gnuplot (32 images of 3 × 128 × 128).
  static let pixelLimit = 1 << 21
  /// The most classes a confusion heat map draws.
  static let confusionLimit = 200

  /// Throws when `tiles` images of `values` values each are more than a figure draws.
  static func checkPixels(_ tiles: Int, _ values: Int) throws {
    let (total, overflow) = tiles.multipliedReportingOverflow(by: values)
    guard overflow || total > pixelLimit else { return }
    throw RuntimeError(
      "\(tiles) image\(tiles == 1 ? "" : "s") of \(values) values are more than a figure draws "
        + "(\(pixelLimit) values); show fewer with n:, or smaller images")
  }

  /// The channels, height and width of an image sample `[c, h, w]` with 1 or 3 channels.
  static func imageShape(_ sample: [Int], of what: String) throws -> (c: Int, h: Int, w: Int) {
    guard sample.count == 3, sample[0] == 1 || sample[0] == 3, sample[1] >= 1, sample[2] >= 1
    else {
      throw RuntimeError(
        "an image figure draws samples [1, h, w] (grey) or [3, h, w] (colour); \(what) has "
          + "samples \(Shape.describe(sample))"
          + (sample.count == 3 ? ": take 1 or 3 channels, e.g. x[:, 0:1]" : ""))
    }
    return (sample[0], sample[1], sample[2])
  }

  /// The first `count` images of `data` captioned with their labels; with a model, captioned
  /// with its predictions, a wrong one as `label→prediction` and marked; with `wrongOnly`,
  /// only the first `count` it gets wrong.
  static func images(
    _ data: Dataset, model: (any Layer)?, count: Int, wrongOnly: Bool,
    shouldCancel: () -> Bool = { false }
  ) throws -> Plot {
    let (c, h, w) = try imageShape(data.sampleShape, of: data.name)
    try checkPixels(Swift.min(count, data.count), c * h * w)
    let labels = data.classes != nil ? data.y.scalars.map { Int($0) } : nil
    var shown = Array(0..<Swift.min(count, data.count))
    var predicted: [Int: Int] = [:]
    var title = data.name
    if let model {
      if wrongOnly {
        guard let labels else {
          throw RuntimeError("wrong: true needs a classification data set; \(data.name) has none")
        }
        shown = []
        var wrong = 0
        for start in stride(from: 0, to: data.count, by: predictionSlice) {
          if shouldCancel() { throw Interrupted() }
          let end = Swift.min(data.count, start + predictionSlice)
          let classes = try model.predictClasses(data.slice(start, end).x)
          for (offset, p) in classes.enumerated() where p != labels[start + offset] {
            wrong += 1
            if shown.count < count {
              shown.append(start + offset)
              predicted[start + offset] = p
            }
          }
        }
        title =
          "\(data.name): \(wrong) of \(data.count) wrong"
          + (wrong > shown.count ? ", the first \(shown.count) shown" : "")
        guard !shown.isEmpty else {
          throw RuntimeError("the model classifies all \(data.count) samples of \(data.name) right")
        }
      } else {
        let classes = try model.predictClasses(data.subset(shown).x)
        for (i, p) in zip(shown, classes) { predicted[i] = p }
        let wrong = labels.map { l in shown.filter { predicted[$0] != l[$0] }.count }
        if let wrong { title = "\(data.name): \(wrong) of \(shown.count) shown wrong" }
      }
    } else if wrongOnly {
      throw RuntimeError("wrong: true shows a model's mistakes: plot(net, data, wrong: true)")
    }
    let pixels = try scaled(data.subset(shown).x)
    let tiles = shown.enumerated().map { k, i -> Plot.ImageGrid.Tile in
      let label = labels?[i]
      let caption: String
      var marked = false
      switch (label, predicted[i]) {
      case (let l?, let p?) where l != p:
        caption = "\(l)→\(p)"
        marked = true
      case (_, let p?): caption = "\(p)"
      case (let l?, nil): caption = "\(l)"
      case (nil, nil): caption = "\(i)"
      }
      return Plot.ImageGrid.Tile(
        pixels: Array(pixels[(k * c * h * w)..<((k + 1) * c * h * w)]), caption: caption,
        marked: marked)
    }
    return Plot(
      kind: .images, title: title,
      images: Plot.ImageGrid(
        channels: c, height: h, width: w, columns: gridColumns(tiles.count), tiles: tiles))
  }

  /// Images given as a tensor `[n, c, h, w]`, captioned by index, or with a model by its
  /// predicted class.
  static func images(_ x: Tensor, model: (any Layer)?, count: Int) throws -> Plot {
    guard x.rank == 4, x.shape[0] >= 1 else {
      throw RuntimeError(
        "an image figure draws a tensor [n, 1, h, w] or [n, 3, h, w], not "
          + Shape.describe(x.shape))
    }
    let n = x.shape[0]
    let data = try Dataset(
      name: "images", x: x, y: Tensor(shape: [n, 1], scalars: [Double](repeating: 0, count: n)))
    var plot = try images(data, model: model, count: count, wrongOnly: false)
    plot.title = model == nil ? nil : "predictions"
    return plot
  }

  /// A weight tensor `[out, in, kh, kw]` as small images: one per filter in colour when it
  /// takes 3 channels, else one per filter and input channel (a row per filter); each scaled
  /// from its own smallest weight (black) to its largest (white). At most `count` filters.
  static func filters(_ w: Tensor, count: Int?) throws -> Plot {
    guard w.rank == 4, w.count > 0 else {
      throw RuntimeError(
        "filters are a weight tensor [out, in, kh, kw], not \(Shape.describe(w.shape))")
    }
    let (out, inputs, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let colour = inputs == 3
    let perFilter = colour ? 1 : inputs
    guard perFilter <= filterTiles else {
      throw RuntimeError(
        "these filters take \(inputs) input channels, too many to draw (at most \(filterTiles)); "
          + "take some, e.g. w[:, 0:8]")
    }
    let shown = Swift.min(out, count ?? out, Swift.max(1, filterTiles / perFilter))
    try checkPixels(shown * perFilter, (colour ? 3 : 1) * kh * kw)
    let values = w.scalars
    var tiles: [Plot.ImageGrid.Tile] = []
    for o in 0..<shown {
      for i in 0..<perFilter {
        let channels = colour ? 3 : 1
        let start = (o * inputs + i) * kh * kw
        let pixels = Array(values[start..<(start + channels * kh * kw)])
        tiles.append(
          Plot.ImageGrid.Tile(
            pixels: stretched(pixels), caption: perFilter == 1 ? "\(o)" : "\(o).\(i)"))
      }
    }
    return Plot(
      kind: .filters,
      title: "filters \(Shape.describe(w.shape))"
        + (shown < out ? ", the first \(shown) of \(out)" : ""),
      images: Plot.ImageGrid(
        channels: colour ? 3 : 1, height: kh, width: kw,
        columns: perFilter == 1 ? gridColumns(tiles.count) : perFilter, tiles: tiles))
  }

  /// A confusion matrix as a heat map of counts, true classes down, predicted across.
  static func confusion(_ m: ConfusionMatrix) throws -> Plot {
    guard m.classes <= confusionLimit else {
      throw RuntimeError(
        "a confusion matrix of \(m.classes) classes is too large to draw (at most "
          + "\(confusionLimit)); print it, or take its counts: cm.counts")
    }
    return Plot(
      kind: .confusion,
      title: "confusion · \(m.correct) of \(m.total) right", xLabel: "predicted", yLabel: "true",
      matrix: Plot.CountMatrix(
        size: m.classes, counts: m.counts, rowLabel: "true", columnLabel: "predicted"))
  }

  /// Tiles per row: about twice as many columns as rows.
  static func gridColumns(_ n: Int) -> Int {
    Swift.max(1, Swift.min(n, Int(Double(2 * n).squareRoot().rounded(.up))))
  }

  /// The values of `x` in 0…1: as they are when they lie there (pixels), else stretched from
  /// the smallest to the largest.
  static func scaled(_ x: Tensor) throws -> [Double] {
    let values = x.scalars
    let finite = values.filter(\.isFinite)
    if let low = finite.min(), let high = finite.max(), low >= 0, high <= 1 { return values }
    return stretched(values)
  }

  /// `values` mapped linearly from their smallest (0) to their largest (1); all 0.5 when
  /// they are equal.
  static func stretched(_ values: [Double]) -> [Double] {
    let finite = values.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max(), high > low else {
      return values.map { _ in 0.5 }
    }
    // Halved first, so that values ±1e308 apart do not overflow.
    let span = high / 2 - low / 2
    return values.map { $0.isFinite ? ($0 / 2 - low / 2) / span : 0 }
  }
}
