import Foundation

/// The scripts of image figures and confusion matrices: pictures drawn `with image` (grey) or
/// `with rgbimage`, a heat map of counts with the counts `with labels`; on text, a character
/// picture or the table of counts, which gnuplot prints (into a `.txt` file, or inline).
extension GnuplotScript {
  /// Characters from dark to bright, for the text picture of an image.
  public static let brightnessCharacters: [Character] = [
    " ", ".", ":", "-", "=", "+", "*", "#", "%", "@",
  ]
  /// The colour of a wrong prediction's caption and frame.
  public static let markColour = "#d62728"
  /// The most pixels (over all tiles, or cells of a heat map) drawn one rectangle each.
  /// Without `pixels` gnuplot's SVG and PDF embed each picture as a small bitmap that viewers
  /// (browsers, librsvg) scale up smoothly, so an 8×8 digit, a 3×3 filter or a 10×10
  /// confusion matrix comes out as blurred blobs; one rectangle per pixel stays sharp at any
  /// scale. Above this many, rectangles would make the SVG megabytes long (32 MNIST images
  /// are 25,088 pixels), and pictures that large are scaled up less.
  static let sharpPixelLimit = 16_384

  /// The script of a figure with `images` or `matrix`.
  static func renderPictures(
    _ plot: Plot, target: PlotTarget, size: PlotSize?, toStandardOutput: Bool
  ) throws -> String {
    if isText(target) {
      let width = (size ?? defaultTextSize).width
      var picture = plot.title.map { [$0, ""] } ?? []
      if let grid = plot.images { picture += imageText(grid, width: width) }
      if let matrix = plot.matrix { picture += matrix.table }
      var lines = ["reset"]
      if case .file(let path, _) = target, !toStandardOutput {
        _ = try PlotFile.format(of: path)
        lines.append("set print \(quoted(path))")
      }
      lines += picture.map { "print \(quoted($0))" }
      lines.append("set print '-'")
      return lines.joined(separator: "\n") + "\n"
    }
    var lines = ["reset", "undefine $*"]
    lines += try terminal(target, size: size, toStandardOutput: toStandardOutput)
    lines += ["set encoding utf8", "unset key", "set size ratio -1"]
    if let title = plot.title { lines.append("set title \(quoted(title)) noenhanced") }
    let body: (lines: [String], blocks: [String], clauses: [String])
    if let grid = plot.images {
      body = try imageGrid(grid)
    } else if let matrix = plot.matrix {
      if let label = plot.xLabel { lines.append("set xlabel \(quoted(label)) noenhanced") }
      if let label = plot.yLabel { lines.append("set ylabel \(quoted(label)) noenhanced") }
      body = try heatMap(matrix)
    } else {
      throw PlotError("there is nothing to plot")
    }
    lines += body.lines + body.blocks
    lines.append("plot " + body.clauses.joined(separator: ", \\\n  "))
    if case .file = target { lines.append("set output") }
    return lines.joined(separator: "\n") + "\n"
  }

  /// One data block and `with image` clause per tile, a caption above each, a red frame
  /// round each marked tile; pixel (row i, column j) of tile (r, c) sits at
  /// x = c·(width + gap) + j, y = r·(height + captionRoom) + i, the y axis pointing down.
  static func imageGrid(_ grid: Plot.ImageGrid) throws -> (
    lines: [String], blocks: [String], clauses: [String]
  ) {
    let (h, w, channels) = (grid.height, grid.width, grid.channels)
    guard h >= 1, w >= 1, channels == 1 || channels == 3, grid.columns >= 1, !grid.tiles.isEmpty,
      grid.tiles.allSatisfy({ $0.pixels.count == channels * h * w })
    else {
      throw PlotError("an image grid needs tiles of 1 or 3 channels, each with all its pixels")
    }
    let gap = max(1, w / 4)
    let room = max(2, Int((Double(h) * 0.35).rounded(.up)))
    let columns = min(grid.columns, grid.tiles.count)
    let right = columns * (w + gap) - gap
    let bottom = grid.rows * (h + room)
    var lines = [
      "unset border", "unset tics", "unset colorbox",
      "set lmargin 1", "set rmargin 1", "set bmargin 1",
      "set xrange [-0.5:\(number(Double(right) - 0.5))]",
      // Reversed: row 0 of every image at the top.
      "set yrange [\(number(Double(bottom - room) - 0.5)):\(number(-Double(room) - 0.5))]",
    ]
    if channels == 1 { lines += ["set palette gray", "set cbrange [0:1]"] }
    var blocks: [String] = []
    var clauses: [String] = []
    let style = grid.tiles.count * h * w <= sharpPixelLimit ? " pixels" : ""
    for (k, tile) in grid.tiles.enumerated() {
      let x0 = (k % columns) * (w + gap)
      let y0 = (k / columns) * (h + room)
      var rows: [String] = []
      rows.reserveCapacity(h * (w + 1))
      for i in 0..<h {
        for j in 0..<w {
          func value(_ channel: Int) -> Double {
            let v = tile.pixels[(channel * h + i) * w + j]
            return v.isFinite ? min(1, max(0, v)) : 0
          }
          let place = "\(x0 + j) \(y0 + i)"
          if channels == 1 {
            rows.append("\(place) \(number((value(0) * 1000).rounded() / 1000))")
          } else {
            let rgb = (0..<3).map { String(Int((value($0) * 255).rounded())) }
            rows.append("\(place) \(rgb.joined(separator: " "))")
          }
        }
        rows.append("")
      }
      let name = "$tile\(k)"
      blocks.append(dataBlock(name, rows.joined(separator: "\n")))
      clauses.append(
        channels == 1
          ? "\(name) using 1:2:3 with image\(style) notitle"
          : "\(name) using 1:2:3:4:5 with rgbimage\(style) notitle")
      let colour = tile.marked ? markColour : "#333333"
      let centre = Double(x0) + Double(w - 1) / 2
      let above = Double(y0) - 0.5 - Double(room) / 2
      lines.append(
        "set label \(k + 1) \(quoted(tile.caption)) at \(number(centre)),\(number(above)) "
          + "center front noenhanced textcolor rgb '\(colour)'")
      if tile.marked {
        lines.append(
          "set object \(k + 1) rect from \(number(Double(x0) - 0.5)),\(number(Double(y0) - 0.5)) "
            + "to \(number(Double(x0 + w) - 0.5)),\(number(Double(y0 + h) - 0.5)) front "
            + "fillstyle empty border lc rgb '\(markColour)' lw 2")
      }
    }
    return (lines, blocks, clauses)
  }

  /// The counts as a heat map from white to dark blue, row 0 at the top, each count written
  /// in its cell (white on the darker half) while the cells are large enough to hold one.
  static func heatMap(_ matrix: Plot.CountMatrix) throws -> (
    lines: [String], blocks: [String], clauses: [String]
  ) {
    let k = matrix.size
    guard k >= 1, matrix.counts.count == k * k else {
      throw PlotError("a confusion matrix needs a count for each of its \(k) × \(k) cells")
    }
    let high = max(1, matrix.counts.max() ?? 1)
    var lines = [
      "set xrange [-0.5:\(number(Double(k) - 0.5))]",
      "set yrange [\(number(Double(k) - 0.5)):-0.5]",
      "set tics scale 0", "set palette defined (0 '#f7fbff', 1 '#6baed6', 2 '#08306b')",
      "set cbrange [0:\(high)]", "set cblabel 'samples' noenhanced", "set colorbox",
    ]
    if k <= 30 { lines += ["set xtics 1", "set ytics 1"] }
    var cells: [String] = []
    var light: [String] = []
    var dark: [String] = []
    for r in 0..<k {
      for c in 0..<k {
        let count = matrix.counts[r * k + c]
        cells.append("\(c) \(r) \(count)")
        if 2 * count > high {
          dark.append("\(c) \(r) \(count)")
        } else {
          light.append("\(c) \(r) \(count)")
        }
      }
      cells.append("")
    }
    var blocks = [dataBlock("$cells", cells.joined(separator: "\n"))]
    let style = k * k <= sharpPixelLimit ? " pixels" : ""
    var clauses = ["$cells using 1:2:3 with image\(style) notitle"]
    if k <= 30 {
      for (name, rows, colour) in [("$light", light, "#222222"), ("$dark", dark, "#ffffff")]
      where !rows.isEmpty {
        blocks.append(dataBlock(name, rows.joined(separator: "\n")))
        clauses.append(
          "\(name) using 1:2:3 with labels center noenhanced textcolor rgb '\(colour)' notitle")
      }
    }
    return (lines, blocks, clauses)
  }

  /// The tiles as characters, as many side by side as fit in `width` columns: each tile at
  /// most 40 characters wide (2 per pixel for small images), half as many lines as a square
  /// picture would take (characters are about twice as tall as wide), each character the
  /// mean brightness of the pixels under it; the caption above, a wrong one ending in ✗.
  public static func imageText(_ grid: Plot.ImageGrid, width: Int) -> [String] {
    let (h, w, channels) = (grid.height, grid.width, grid.channels)
    guard h >= 1, w >= 1, channels >= 1 else { return [] }
    let across = w <= 16 ? 2 * w : min(w, 40)
    let down = max(1, Int((Double(across) * Double(h) / Double(w) / 2).rounded()))
    let perRow = max(1, min(grid.columns, (width + 2) / (across + 2)))
    func pad(_ text: String) -> String {
      let cut = String(text.prefix(across))
      return cut + String(repeating: " ", count: across - cut.count)
    }
    var lines: [String] = []
    for start in stride(from: 0, to: grid.tiles.count, by: perRow) {
      let row = Array(grid.tiles[start..<min(grid.tiles.count, start + perRow)])
      lines.append(row.map { pad($0.caption + ($0.marked ? " ✗" : "")) }.joined(separator: "  "))
      for i in 0..<down {
        let top = i * h / down
        let bottom = max(top + 1, (i + 1) * h / down)
        let picture = row.map { tile -> String in
          var text = ""
          for j in 0..<across {
            let left = j * w / across
            let right = max(left + 1, (j + 1) * w / across)
            var sum = 0.0
            var n = 0
            for channel in 0..<channels {
              for y in top..<min(bottom, h) {
                for x in left..<min(right, w) {
                  let index = (channel * h + y) * w + x
                  guard index < tile.pixels.count else { continue }
                  sum += tile.pixels[index]
                  n += 1
                }
              }
            }
            let v = n > 0 ? sum / Double(n) : 0
            let levels = brightnessCharacters.count
            let band = v.isFinite ? min(levels - 1, max(0, Int(v * Double(levels)))) : 0
            text.append(brightnessCharacters[band])
          }
          return text
        }
        lines.append(picture.joined(separator: "  "))
      }
      lines.append("")
    }
    return lines
  }
}
