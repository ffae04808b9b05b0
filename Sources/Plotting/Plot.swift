import Foundation

/// A figure, described by its data: what `plot` in the language makes and the script
/// builder turns into gnuplot commands. Only numbers and display texts; no engine types, so
/// the description is built and tested without either the engine or gnuplot.
public struct Plot: Sendable, Equatable {
  /// One curve or set of points.
  public struct Series: Sendable, Equatable {
    public enum Style: Sendable, Equatable {
      case lines
      case points
      /// A line through marked points: few values where each one counts (errors per epoch).
      case linespoints
      /// A histogram's outline: each y a flat step over its x, the centre of its bin.
      case steps
    }

    /// Legend text; empty leaves the series out of the legend.
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: Style
    /// Which colour (and marker) of the palette it takes: the class for samples of a data
    /// set, the series' position otherwise.
    public var colour: Int
    /// A dashed line: the validation curve beside its run's solid training curve.
    public var dashed: Bool

    public init(
      _ name: String, x: [Double], y: [Double], style: Style = .lines, colour: Int = 0,
      dashed: Bool = false
    ) {
      self.name = name
      self.x = x
      self.y = y
      self.style = style
      self.colour = colour
      self.dashed = dashed
    }
  }

  /// A value over a regular grid of the plane, drawn as a heat map: one hidden unit's
  /// activation over the inputs.
  public struct Field: Sendable, Equatable {
    /// Grid positions along x (columns) and y (rows), increasing.
    public var xs: [Double]
    public var ys: [Double]
    /// `values[row * xs.count + column]`.
    public var values: [Double]
    /// What the colours mean, beside the colour box.
    public var label: String
    /// The value the palette's middle (white) stands for; nil spreads it over the values.
    public var centre: Double?
    /// Another value at each grid point whose 0 contour is drawn over the map (the unit's
    /// weighted sum z, whose 0 line is where it switches), laid out as `values`.
    public var line: [Double]?
    /// The contour's legend text.
    public var lineName: String

    public init(
      xs: [Double], ys: [Double], values: [Double], label: String, centre: Double? = nil,
      line: [Double]? = nil, lineName: String = ""
    ) {
      self.xs = xs
      self.ys = ys
      self.values = values
      self.label = label
      self.centre = centre
      self.line = line
      self.lineName = lineName
    }
  }

  /// A model's answer over a regular grid: the class at each point, and for a one-output
  /// classifier its output, whose contour at the threshold is the decision boundary.
  public struct ClassGrid: Sendable, Equatable {
    /// Grid positions along x (columns) and y (rows), increasing.
    public var xs: [Double]
    public var ys: [Double]
    /// `classes[row * xs.count + column]`.
    public var classes: [Int]
    public var classCount: Int
    /// The model's single output, laid out as `classes`; nil for several outputs.
    public var scores: [Double]?
    /// Where the output changes class: 0.5 after a sigmoid, 0 after tanh.
    public var threshold: Double

    public init(
      xs: [Double], ys: [Double], classes: [Int], classCount: Int, scores: [Double]? = nil,
      threshold: Double = 0.5
    ) {
      self.xs = xs
      self.ys = ys
      self.classes = classes
      self.classCount = classCount
      self.scores = scores
      self.threshold = threshold
    }
  }

  /// What a figure shows; a notebook records it by its name.
  public enum Kind: String, Sendable, Equatable {
    case plot, loss, boundary, functions, points
    /// A perceptron's misclassified samples per epoch.
    case errors
    /// A one-input model's curve over its regression data.
    case fit
    /// One hidden unit's activation over the inputs.
    case unit
    /// A grid of images: a data set's samples, with a model's predictions.
    case images
    /// A layer's filters as small images.
    case filters
    /// A classifier's confusion matrix as a heat map of counts.
    case confusion
    /// Histograms of values: counts (or densities) per bin, drawn as steps.
    case histogram
  }

  public var kind: Kind
  public var title: String?
  public var xLabel: String?
  public var yLabel: String?
  /// A logarithmic y axis (loss curves over many decades).
  public var logY: Bool
  /// Tick marks on whole numbers only, y from 0: counts against epochs.
  public var wholeNumbers: Bool
  public var series: [Series]
  /// The coloured class regions under a decision boundary plot.
  public var grid: ClassGrid?
  /// The heat map under a unit's response.
  public var field: Field?
  /// The pictures of an image figure; such a figure has nothing else.
  public var images: ImageGrid?
  /// The counts of a confusion matrix; such a figure has nothing else.
  public var matrix: CountMatrix?

  public init(
    kind: Kind = .plot, title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
    logY: Bool = false, wholeNumbers: Bool = false, series: [Series] = [],
    grid: ClassGrid? = nil, field: Field? = nil, images: ImageGrid? = nil,
    matrix: CountMatrix? = nil
  ) {
    self.images = images
    self.matrix = matrix
    self.kind = kind
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logY = logY
    self.wholeNumbers = wholeNumbers
    self.series = series
    self.grid = grid
    self.field = field
  }
}

/// Where a figure goes.
public enum PlotTarget: Sendable, Equatable {
  /// A file whose format comes from its extension.
  case file(path: String, format: FileFormat)
  /// A window of a gnuplot window terminal: "qt", "wxt" or "x11".
  case window(terminal: String)
  /// Characters, printed inline (gnuplot's dumb terminal).
  case text
  /// A sixel image, printed inline, for terminals that show them.
  case sixel

  public enum FileFormat: String, Sendable, CaseIterable {
    case svg, png, pdf, txt
  }
}

/// A figure's size: pixels for images and windows, characters for text.
public struct PlotSize: Sendable, Equatable {
  public var width: Int
  public var height: Int

  public init(_ width: Int, _ height: Int) {
    self.width = width
    self.height = height
  }
}

extension Plot {
  /// The numbers and names a figure shows, as text: what a notebook hashes to tell whether a
  /// replay drew the same figure. Numbers are written to 6 significant digits, so the last
  /// bits of floating point, which differ between machines, do not count.
  public var fingerprint: String {
    func n(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "nan" }
    var out = "kind \(kind.rawValue)\ntitle \(title ?? "")\nlog \(logY)\n"
    for s in series {
      out += "series \(s.name) \(s.style) \(s.colour)\n"
      out += zip(s.x, s.y).map { n($0) + " " + n($1) }.joined(separator: "\n") + "\n"
    }
    if let g = grid {
      out += "grid \(g.xs.count)x\(g.ys.count) classes \(g.classCount)\n"
      out += g.xs.map(n).joined(separator: " ") + "\n" + g.ys.map(n).joined(separator: " ") + "\n"
      out += g.classes.map(String.init).joined(separator: " ") + "\n"
    }
    // Only figures that have a field write it, so older figures keep their hashes.
    if let f = field {
      out += "field \(f.xs.count)x\(f.ys.count) \(f.label)\n"
      out += f.xs.map(n).joined(separator: " ") + "\n" + f.ys.map(n).joined(separator: " ") + "\n"
      out += f.values.map(n).joined(separator: " ") + "\n"
      if let line = f.line { out += "line " + line.map(n).joined(separator: " ") + "\n" }
    }
    if let g = images {
      out += "images \(g.channels)x\(g.height)x\(g.width) columns \(g.columns)\n"
      for tile in g.tiles {
        out +=
          "tile \(tile.caption) \(tile.marked)\n" + tile.pixels.map(n).joined(separator: " ")
          + "\n"
      }
    }
    if let m = matrix {
      out += "matrix \(m.size) \(m.rowLabel) \(m.columnLabel)\n"
      out += m.counts.map(String.init).joined(separator: " ") + "\n"
    }
    return out
  }

  /// The words a notebook links the figure with.
  public var caption: String {
    if let title, !title.isEmpty { return title }
    switch kind {
    case .loss: return "loss curve"
    case .boundary: return "decision boundary"
    case .functions: return series.map(\.name).joined(separator: ", ")
    case .plot, .points: return "data"
    case .errors: return "errors per epoch"
    case .fit: return "model over data"
    case .unit: return field?.label ?? "unit"
    case .images: return "images"
    case .filters: return "filters"
    case .confusion: return "confusion matrix"
    case .histogram: return "histogram"
    }
  }
}
