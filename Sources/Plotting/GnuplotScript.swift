import Foundation

/// Turns a `Plot` into the gnuplot commands that draw it: the terminal and output, labels,
/// the data as inline data blocks (numbers only, never file names), and one `plot` command.
/// Pure: the same plot gives the same text, without gnuplot.
public enum GnuplotScript {
  /// Colours of series and classes (marks and lines), then the lighter shades of the same
  /// hues that fill class regions: matplotlib's ten, so that the ten digits each have one.
  public static let colours = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22",
  ]
  public static let regionColours = [
    "#aec7e8", "#ff9896", "#98df8a", "#ffbb78", "#c5b0d5", "#c49c94", "#f7b6d2", "#9edae5",
    "#c7c7c7", "#dbdb8d",
  ]
  /// In text, each class's region is drawn with one character and its samples with another.
  public static let regionCharacters: [Character] = [".", ":", "~", "=", "^", "`", "'", ";"]
  public static let markerCharacters: [Character] = [
    "o", "x", "#", "@", "%", "&", "$", "?", "+", "*",
  ]

  public static let defaultImageSize = PlotSize(800, 600)
  public static let defaultTextSize = PlotSize(80, 25)

  /// The whole script for `plot` drawn on `target`.
  public static func render(_ plot: Plot, target: PlotTarget, size: PlotSize? = nil) throws
    -> String
  {
    try render(plot, target: target, size: size, toStandardOutput: false)
  }

  /// The script that draws `plot` as an SVG document on gnuplot's standard output, for the
  /// caller to write where it chooses: no path reaches gnuplot, so none can be misread by it
  /// or lead it through a symbolic link.
  public static func renderSVG(_ plot: Plot) throws -> String {
    try render(plot, target: .file(path: "", format: .svg), size: nil, toStandardOutput: true)
  }

  private static func render(
    _ plot: Plot, target: PlotTarget, size: PlotSize?, toStandardOutput: Bool
  ) throws -> String {
    if plot.images != nil || plot.matrix != nil {
      return try renderPictures(
        plot, target: target, size: size, toStandardOutput: toStandardOutput)
    }
    var lines = ["reset", "undefine $*"]
    lines += try terminal(target, size: size, toStandardOutput: toStandardOutput)
    let text = isText(target)
    if let title = plot.title { lines.append("set title \(quoted(title)) noenhanced") }
    if let label = plot.xLabel { lines.append("set xlabel \(quoted(label)) noenhanced") }
    if let label = plot.yLabel { lines.append("set ylabel \(quoted(label)) noenhanced") }
    // gnuplot's default labels of a log axis over several decades are fixed-point with as
    // many digits as the smallest needs (1.0000000 … 0.0000010); %g reads 1, 0.01, 1e-06.
    if plot.logY { lines.append(contentsOf: ["set logscale y", "set format y '%g'"]) }
    // Above samples and class regions the legend hides none of them, nor an axis label;
    // rising curves leave the top left free; one or two falling curves leave the top right
    // free, but among several runs one may rise there (a validation loss that overfits).
    let hasPoints = plot.series.contains { $0.style == .points }
    // Overlapping histograms fill the middle of the figure, where their peaks are.
    let placement =
      plot.grid != nil || plot.field != nil || hasPoints || plot.kind == .histogram
      ? " above horizontal"
      : plot.kind == .functions ? " left top" : plot.series.count > 2 ? " above horizontal" : ""
    // With no named entry gnuplot would still draw the legend's box, empty.
    if hasLegend(plot, text: text) {
      lines.append("set key noenhanced" + placement + (text ? "" : " box"))
    } else {
      lines.append("unset key")
    }
    if !text { lines.append("set grid lc rgb '#dddddd'") }
    // Points on the frame are hard to see: a scatter plot gets a margin inside it.
    if plot.grid == nil, plot.field == nil, hasPoints {
      lines.append("set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05")
    }
    if plot.wholeNumbers { lines += wholeNumberTicks(plot.series) }

    var clauses: [String] = []
    var blocks: [String] = []
    if let grid = plot.grid {
      guard let (x0, x1) = bounds(grid.xs), let (y0, y1) = bounds(grid.ys) else {
        throw PlotError("a decision boundary needs a grid of at least 2 × 2 points")
      }
      lines.append("set xrange [\(number(x0)):\(number(x1))]")
      lines.append("set yrange [\(number(y0)):\(number(y1))]")
      let (gridBlocks, gridClauses) = regions(grid, text: text, size: size ?? defaultTextSize)
      blocks += gridBlocks
      clauses += gridClauses
      if let scores = grid.scores, !text {
        let segments = contour(scores, xs: grid.xs, ys: grid.ys, level: grid.threshold)
        if !segments.isEmpty {
          blocks.append(segmentsBlock("$boundary", segments))
          clauses.append("$boundary using 1:2 with lines lw 2 lc rgb '#333333' title 'boundary'")
        }
      }
    }
    if let field = plot.field {
      let (fieldLines, fieldBlocks, fieldClauses) = try heatMap(
        field, text: text, size: size ?? defaultTextSize)
      lines += fieldLines
      blocks += fieldBlocks
      clauses += fieldClauses
    }
    for (i, series) in plot.series.enumerated() {
      guard series.x.count == series.y.count else {
        throw PlotError("series '\(series.name)' has \(series.x.count) x and \(series.y.count) y")
      }
      let name = "$s\(i)"
      let rows = zip(series.x, series.y).map { "\(number($0)) \(number($1))" }
      blocks.append(dataBlock(name, rows.joined(separator: "\n")))
      let title = series.name.isEmpty ? "notitle" : "title \(quoted(series.name))"
      let colour = colours[abs(series.colour) % colours.count]
      let dash = series.dashed && !text ? " dt 2" : ""
      switch series.style {
      case .lines:
        clauses.append("\(name) using 1:2 with lines lw 2\(dash) lc rgb '\(colour)' \(title)")
      case .linespoints:
        let marker = text ? "pt \(quoted("o"))" : "pt 7 ps 0.9"
        clauses.append(
          "\(name) using 1:2 with linespoints lw 2\(dash) \(marker) lc rgb '\(colour)' \(title)")
      case .steps:
        // histeps takes each x as the centre of its bin, as the histogram's series gives it.
        clauses.append("\(name) using 1:2 with histeps lw 2\(dash) lc rgb '\(colour)' \(title)")
      case .points:
        let marker =
          text
          ? "pt \(quoted(String(markerCharacters[abs(series.colour) % markerCharacters.count])))"
          : "pt \(pointTypes[abs(series.colour) % pointTypes.count]) ps 1.1"
        clauses.append("\(name) using 1:2 with points \(marker) lc rgb '\(colour)' \(title)")
      }
    }
    guard !clauses.isEmpty else { throw PlotError("there is nothing to plot") }
    lines += blocks
    lines.append("plot " + clauses.joined(separator: ", \\\n  "))
    // Closing the output finishes the file before the call returns.
    if case .file = target { lines.append("set output") }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Whether any entry of the figure has a name for the legend.
  static func hasLegend(_ plot: Plot, text: Bool) -> Bool {
    if plot.series.contains(where: { !$0.name.isEmpty }) { return true }
    // The decision boundary and a field's contour are named; text draws neither line.
    if text { return false }
    if let grid = plot.grid, grid.scores != nil { return true }
    if let field = plot.field, field.line != nil, !field.lineName.isEmpty { return true }
    return false
  }

  /// Ticks 1 or a round step apart on both axes, y from 0, so that a count never reads 2.5;
  /// each range a twentieth wider than the data, so that no mark sits on the frame.
  static func wholeNumberTicks(_ series: [Plot.Series]) -> [String] {
    func range(_ values: [Double], from zero: Bool) -> (Double, Double) {
      let finite = values.filter(\.isFinite)
      let low = zero ? min(0, finite.min() ?? 0) : finite.min() ?? 0
      let high = max(low + 1, finite.max() ?? 1)
      let margin = (high - low) / 20
      return (low - margin, high + margin)
    }
    func step(_ values: [Double]) -> Int {
      let finite = values.filter(\.isFinite)
      let span = min(1e12, max(1, (finite.max() ?? 1) - min(0, finite.min() ?? 0)))
      // The smallest of 1, 2, 5, 10, 20, 50, … that leaves at most 10 intervals.
      var magnitude = 1
      while true {
        for k in [1, 2, 5] where span / Double(k * magnitude) <= 10 { return k * magnitude }
        magnitude *= 10
      }
    }
    let xs = series.flatMap(\.x)
    let ys = series.flatMap(\.y)
    let (x0, x1) = range(xs, from: false)
    let (y0, y1) = range(ys, from: true)
    return [
      "set xtics \(step(xs))", "set ytics \(step(ys))", "set mxtics 1", "set mytics 1",
      "set format y '%.0f'", "set xrange [\(number(x0)):\(number(x1))]",
      "set yrange [\(number(y0)):\(number(y1))]",
    ]
  }

  /// The heat map of a field, its colour box and the 0 contour of its line; on text, a
  /// character per band of values (from low to high) at grid points thinned to the cells.
  static func heatMap(_ field: Plot.Field, text: Bool, size: PlotSize) throws
    -> (lines: [String], blocks: [String], clauses: [String])
  {
    let nx = field.xs.count
    let ny = field.ys.count
    guard let (x0, x1) = bounds(field.xs), let (y0, y1) = bounds(field.ys),
      field.values.count == nx * ny, field.line.map({ $0.count == nx * ny }) ?? true
    else {
      throw PlotError("a heat map needs a grid of at least 2 × 2 points, a value for each")
    }
    var lines = [
      "set xrange [\(number(x0)):\(number(x1))]", "set yrange [\(number(y0)):\(number(y1))]",
    ]
    let finite = field.values.filter(\.isFinite)
    var low = finite.min() ?? 0
    var high = finite.max() ?? 1
    // White at the centre, the low side blue and the high side orange (the two sides of the
    // z = 0 line); without a centre, white in the middle of the values.
    var palette: [(Double, String)]
    if let centre = field.centre, centre.isFinite {
      palette = [(centre, fieldColours[1])]
      if low < centre { palette.insert((low, fieldColours[0]), at: 0) }
      if high > centre { palette.append((high, fieldColours[2])) }
      low = min(low, centre)
      high = max(high, centre)
    } else {
      palette = [(0, fieldColours[0]), (1, fieldColours[1]), (2, fieldColours[2])]
    }
    if high <= low {
      low -= 1
      high += 1
      palette.append((high, fieldColours[2]))
    }
    if text {
      // Points of one band share a character: ' ' for the lowest, '*' for the highest.
      let byBand = cellPoints(xs: field.xs, ys: field.ys, size: size) { i -> Int? in
        let v = field.values[i]
        guard v.isFinite else { return nil }
        // Halved first, so that values ±1e308 apart do not overflow to inf / inf.
        let share = (v / 2 - low / 2) / (high / 2 - low / 2)
        return share.isFinite
          ? min(bandCharacters.count - 1, max(0, Int(share * Double(bandCharacters.count)))) : 0
      }
      var blocks: [String] = []
      var clauses: [String] = []
      // The lowest band stays blank, so the marks of the samples stand out.
      for (band, points) in byBand where band > 0 {
        let name = "$band\(band)"
        blocks.append(dataBlock(name, points))
        let mark = String(bandCharacters[band])
        clauses.append("\(name) using 1:2 with points pt \(quoted(mark)) notitle")
      }
      return (lines, blocks, clauses)
    }
    lines += [
      "set palette defined ("
        + palette.map { "\(number($0.0)) '\($0.1)'" }.joined(separator: ", ") + ")",
      "set cbrange [\(number(low)):\(number(high))]",
      "set cblabel \(quoted(field.label)) noenhanced",
      "set colorbox",
    ]
    var rows: [String] = []
    for r in 0..<ny {
      for c in 0..<nx {
        rows.append(
          "\(number(field.xs[c])) \(number(field.ys[r])) \(number(field.values[r * nx + c]))")
      }
      rows.append("")
    }
    var blocks = [dataBlock("$field", rows.joined(separator: "\n"))]
    var clauses = ["$field using 1:2:3 with image notitle"]
    if let line = field.line {
      let segments = contour(line, xs: field.xs, ys: field.ys, level: 0)
      if !segments.isEmpty {
        blocks.append(segmentsBlock("$zero", segments))
        let title = field.lineName.isEmpty ? "notitle" : "title \(quoted(field.lineName))"
        clauses.append("$zero using 1:2 with lines lw 2 lc rgb '#333333' \(title)")
      }
    }
    return (lines, blocks, clauses)
  }

  /// A field's colours from its lowest to its highest value: light enough that the samples'
  /// marks, in the darker series colours, stay visible on any of them.
  public static let fieldColours = ["#9ecae1", "#f7f7f7", "#fdae6b"]
  /// Text bands of a field, from low to high.
  public static let bandCharacters: [Character] = [" ", ".", ",", ":", "-", "=", "+", "*"]

  /// Filled circle, square, triangle, diamond, pentagon… (gnuplot's point types).
  static let pointTypes = [7, 5, 9, 13, 15, 11, 3, 1, 6, 8]

  static func isText(_ target: PlotTarget) -> Bool {
    switch target {
    case .text: true
    case .file(_, let format): format == .txt
    default: false
    }
  }

  static func terminal(_ target: PlotTarget, size: PlotSize?, toStandardOutput: Bool = false)
    throws -> [String]
  {
    let image = size ?? defaultImageSize
    let w = max(50, image.width)
    let h = max(50, image.height)
    switch target {
    case .file(let path, let format):
      if !toStandardOutput { _ = try PlotFile.format(of: path) }
      let terminal: String
      switch format {
      case .svg: terminal = "svg size \(w),\(h) noenhanced font 'sans,12' background rgb 'white'"
      case .png: terminal = "pngcairo size \(w),\(h) noenhanced font 'sans,10'"
      case .pdf:
        terminal =
          "pdfcairo size \(number(Double(w) / 100))in,\(number(Double(h) / 100))in noenhanced"
      case .txt:
        let t = size ?? defaultTextSize
        terminal = "dumb size \(max(20, t.width)),\(max(8, t.height)) noenhanced"
      }
      return [
        "set terminal \(terminal)", toStandardOutput ? "set output" : "set output \(quoted(path))",
      ]
    case .window(let name):
      guard ["qt", "wxt", "x11"].contains(name) else {
        throw PlotError("no window terminal '\(name)': qt, wxt or x11")
      }
      // noraise: the window does not take the keyboard from the REPL.
      return ["set terminal \(name) size \(w),\(h) noenhanced noraise", "set output"]
    case .text:
      let t = size ?? defaultTextSize
      return [
        "set terminal dumb size \(max(20, t.width)),\(max(8, t.height)) noenhanced", "set output",
      ]
    case .sixel:
      return ["set terminal sixelgd size \(w),\(h) truecolor noenhanced", "set output"]
    }
  }

  /// The class regions: an RGB image on graphics terminals; on text, one character per
  /// class at grid points thinned to about one per character cell.
  static func regions(_ grid: Plot.ClassGrid, text: Bool, size: PlotSize) -> ([String], [String]) {
    let nx = grid.xs.count
    let ny = grid.ys.count
    guard grid.classes.count == nx * ny else { return ([], []) }
    if !text {
      var rows: [String] = []
      for r in 0..<ny {
        for c in 0..<nx {
          let k = abs(grid.classes[r * nx + c]) % regionColours.count
          let (red, green, blue) = rgb(regionColours[k])
          rows.append("\(number(grid.xs[c])) \(number(grid.ys[r])) \(red) \(green) \(blue)")
        }
        rows.append("")
      }
      return (
        [dataBlock("$grid", rows.joined(separator: "\n"))],
        ["$grid using 1:2:3:4:5 with rgbimage notitle"]
      )
    }
    var blocks: [String] = []
    var clauses: [String] = []
    for (k, points) in cellPoints(xs: grid.xs, ys: grid.ys, size: size, { grid.classes[$0] }) {
      let name = "$region\(abs(k))"
      blocks.append(dataBlock(name, points))
      let mark = String(regionCharacters[abs(k) % regionCharacters.count])
      clauses.append("\(name) using 1:2 with points pt \(quoted(mark)) notitle")
    }
    return (blocks, clauses)
  }

  /// A grid's points for a text terminal, thinned to at least one per character cell of the
  /// plot area (a few more than the cells, so that no column or row of cells is left empty)
  /// and grouped by `group` of each point's index `row * xs.count + column` (nil leaves the
  /// point out): each group's points as "x y" lines, in increasing order of group.
  static func cellPoints(
    xs: [Double], ys: [Double], size: PlotSize, _ group: (Int) -> Int?
  ) -> [(group: Int, points: String)] {
    let nx = xs.count
    let ny = ys.count
    let columns = max(2, min(nx, 2 * size.width))
    let rows = max(2, min(ny, 2 * size.height))
    var byGroup: [Int: [String]] = [:]
    for i in 0..<rows {
      let r = i * (ny - 1) / max(1, rows - 1)
      for j in 0..<columns {
        let c = j * (nx - 1) / max(1, columns - 1)
        guard let k = group(r * nx + c) else { continue }
        byGroup[k, default: []].append("\(number(xs[c])) \(number(ys[r]))")
      }
    }
    return byGroup.keys.sorted().map { ($0, byGroup[$0, default: []].joined(separator: "\n")) }
  }

  /// The segments where `values` crosses `level`, by marching squares over the grid
  /// (`values[row * xs.count + column]`), each as (x0, y0, x1, y1).
  public static func contour(_ values: [Double], xs: [Double], ys: [Double], level: Double)
    -> [(Double, Double, Double, Double)]
  {
    let nx = xs.count
    let ny = ys.count
    guard nx >= 2, ny >= 2, values.count == nx * ny else { return [] }
    var segments: [(Double, Double, Double, Double)] = []
    func v(_ r: Int, _ c: Int) -> Double { values[r * nx + c] - level }
    for r in 0..<(ny - 1) {
      for c in 0..<(nx - 1) {
        // Corners counter-clockwise from bottom left, and the edges between them.
        let corners = [(r, c), (r, c + 1), (r + 1, c + 1), (r + 1, c)]
        var crossings: [(Double, Double)] = []
        for e in 0..<4 {
          let (ra, ca) = corners[e]
          let (rb, cb) = corners[(e + 1) % 4]
          let a = v(ra, ca)
          let b = v(rb, cb)
          guard a.isFinite, b.isFinite, (a < 0) != (b < 0) else { continue }
          let t = a / (a - b)
          crossings.append(
            (xs[ca] + t * (xs[cb] - xs[ca]), ys[ra] + t * (ys[rb] - ys[ra])))
        }
        // Two crossings make one segment; four (a saddle) make two.
        var i = 0
        while i + 1 < crossings.count {
          segments.append((crossings[i].0, crossings[i].1, crossings[i + 1].0, crossings[i + 1].1))
          i += 2
        }
      }
    }
    return segments
  }

  /// Text for gnuplot inside single quotes, where nothing is substituted (double quotes
  /// would run backquoted commands). gnuplot reads a doubled quote as a quote only between
  /// other characters (`'''a'` and `'a'''' b'` are syntax errors), so an apostrophe becomes
  /// a typographic one (’) instead, and control characters are removed: nothing in the text
  /// can end the string or start a new command.
  public static func quoted(_ text: String) -> String {
    let cleaned = text.unicodeScalars.filter { !$0.properties.generalCategory.isControl }
      .map { $0 == "'" ? "\u{2019}" : $0 }
    return "'" + String(String.UnicodeScalarView(cleaned)) + "'"
  }

  /// A number as gnuplot reads it; NaN and infinities become NaN, which it skips.
  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "NaN" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
  }

  static func dataBlock(_ name: String, _ rows: String) -> String {
    "\(name) << EOD\n\(rows)\nEOD"
  }

  /// Contour segments as a data block gnuplot draws `with lines`: each segment two points,
  /// segments apart by a blank line so no line joins them.
  static func segmentsBlock(_ name: String, _ segments: [(Double, Double, Double, Double)])
    -> String
  {
    dataBlock(
      name,
      segments.map { "\(number($0.0)) \(number($0.1))\n\(number($0.2)) \(number($0.3))\n" }
        .joined(separator: "\n"))
  }

  static func bounds(_ values: [Double]) -> (Double, Double)? {
    guard values.count >= 2, let low = values.first, let high = values.last, low < high else {
      return nil
    }
    return (low, high)
  }

  static func rgb(_ hex: String) -> (Int, Int, Int) {
    let value = Int(hex.dropFirst(), radix: 16) ?? 0
    return ((value >> 16) & 255, (value >> 8) & 255, value & 255)
  }
}

extension Unicode.GeneralCategory {
  fileprivate var isControl: Bool {
    switch self {
    case .control, .format, .lineSeparator, .paragraphSeparator: true
    default: false
    }
  }
}
