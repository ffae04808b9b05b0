import Testing

@testable import Plotting

/// The scripts of image grids and confusion matrices, without gnuplot: the window and file
/// terminals get images and labels, text gets `print`ed pictures worked out by hand.
@Suite struct GnuplotImageScriptTests {
  /// A grey 2×2 tile: black, white / half, quarter.
  let tile = Plot.ImageGrid.Tile(pixels: [0, 1, 0.5, 0.25], caption: "a")

  func grid(_ tiles: [Plot.ImageGrid.Tile], channels: Int = 1) -> Plot {
    Plot(
      kind: .images, title: "t",
      images: Plot.ImageGrid(channels: channels, height: 2, width: 2, columns: 2, tiles: tiles))
  }

  @Test func aWindowGetsOneImagePerTileAndACaptionAboveEach() throws {
    var wrong = tile
    wrong.caption = "7→1"
    wrong.marked = true
    let script = try GnuplotScript.render(grid([tile, wrong]), target: .window(terminal: "qt"))
    let lines = script.split(separator: "\n").map(String.init)
    #expect(lines.first { $0.hasPrefix("set terminal qt") } != nil)
    #expect(lines.contains("set palette gray"))
    // Pixel (row i, column j) at (x0 + j, y0 + i), rows apart by a blank line.
    #expect(script.contains("$tile0 << EOD\n0 0 0\n1 0 1\n\n0 1 0.5\n1 1 0.25\n\nEOD"))
    // The second tile starts 2 + max(1, 2/4) = 3 to the right.
    #expect(script.contains("$tile1 << EOD\n3 0 0\n4 0 1\n"))
    #expect(script.contains("$tile0 using 1:2:3 with image pixels notitle"))
    #expect(script.contains("$tile1 using 1:2:3 with image pixels notitle"))
    #expect(
      lines.contains(
        "set label 1 'a' at 0.5,-1.5 center front noenhanced textcolor rgb '#333333'"))
    // The wrong one: a red caption and a red frame.
    #expect(lines.contains { $0.hasPrefix("set label 2 '7→1'") && $0.contains("#d62728") })
    #expect(lines.contains { $0.hasPrefix("set object 2 rect") && $0.contains("#d62728") })
    #expect(!lines.contains { $0.hasPrefix("set object 1 ") })
  }

  /// Small pictures are drawn one rectangle per pixel, so that viewers do not blur them when
  /// they scale them up; past `sharpPixelLimit` pixels in all, as embedded images.
  @Test func smallPicturesAreSharpPixelsLargeOnesEmbeddedImages() throws {
    func grid(tiles: Int, side: Int) -> Plot {
      let tile = Plot.ImageGrid.Tile(pixels: Array(repeating: 0.5, count: side * side), caption: "")
      return Plot(
        kind: .images,
        images: Plot.ImageGrid(
          channels: 1, height: side, width: side, columns: 8,
          tiles: Array(repeating: tile, count: tiles)))
    }
    let svg = PlotTarget.file(path: "g.svg", format: .svg)
    // 32 digits of 8×8: 2,048 pixels.
    let digits = try GnuplotScript.render(grid(tiles: 32, side: 8), target: svg)
    #expect(digits.contains("$tile31 using 1:2:3 with image pixels notitle"))
    // 16 × 32² = 16,384 pixels, the limit, are still sharp; 32 MNIST images (25,088) are not.
    let atLimit = try GnuplotScript.render(grid(tiles: 16, side: 32), target: svg)
    #expect(atLimit.contains("$tile0 using 1:2:3 with image pixels notitle"))
    let mnist = try GnuplotScript.render(grid(tiles: 32, side: 28), target: svg)
    #expect(mnist.contains("$tile0 using 1:2:3 with image notitle"))
    #expect(!mnist.contains(" pixels "))
    // A heat map of 200 classes has 40,000 cells.
    let large = Plot(
      kind: .confusion,
      matrix: Plot.CountMatrix(
        size: 200, counts: Array(repeating: 1, count: 200 * 200), rowLabel: "true",
        columnLabel: "predicted"))
    #expect(
      try GnuplotScript.render(large, target: svg).contains(
        "$cells using 1:2:3 with image notitle"))
  }

  @Test func colourTilesAreRGBImagesFrom0To255() throws {
    let red = Plot.ImageGrid.Tile(pixels: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0.5], caption: "r")
    let script = try GnuplotScript.render(
      grid([red], channels: 3), target: .file(path: "c.png", format: .png))
    #expect(
      script.contains("$tile0 << EOD\n0 0 255 0 0\n1 0 255 0 0\n\n0 1 255 0 0\n1 1 255 0 128"))
    #expect(script.contains("using 1:2:3:4:5 with rgbimage pixels notitle"))
    #expect(script.hasSuffix("set output\n"))
  }

  @Test func asTextATileIsCharactersTwoPerPixelHalfAsManyLines() throws {
    // 0 → ' ', 1 → '@', 0.5 → band 5 '+', 0.25 → band 2 ':' of " .:-=+*#%@".
    #expect(
      GnuplotScript.imageText(grid([tile]).images!, width: 80) == ["a   ", "  @@", "++::", ""])
    var wrong = tile
    wrong.caption = "1→2"
    wrong.marked = true
    // Two tiles side by side, 2 apart; a wrong caption ends in ✗ (cut to the tile's width).
    #expect(
      GnuplotScript.imageText(grid([tile, wrong]).images!, width: 80) == [
        "a     1→2 ", "  @@    @@", "++::  ++::", "",
      ])
    // Too narrow for two: one above the other.
    #expect(GnuplotScript.imageText(grid([tile, tile]).images!, width: 5).count == 8)
  }

  @Test func textIsPrintedInlineOrIntoTheTxtFile() throws {
    let inline = try GnuplotScript.render(grid([tile]), target: .text)
    #expect(
      inline
        == "reset\nprint 't'\nprint ''\nprint 'a   '\nprint '  @@'\nprint '++::'\nprint ''\nset print '-'\n"
    )
    let file = try GnuplotScript.render(
      grid([tile]), target: .file(path: "/tmp/p.txt", format: .txt))
    #expect(file.hasPrefix("reset\nset print '/tmp/p.txt'\nprint 't'\n"))
    #expect(file.hasSuffix("set print '-'\n"))
    #expect(throws: PlotError.self) {
      try GnuplotScript.render(grid([tile]), target: .file(path: "|x.txt", format: .txt))
    }
  }

  @Test func aConfusionMatrixIsAHeatMapWithItsCountsOrItsTable() throws {
    let plot = Plot(
      kind: .confusion, xLabel: "predicted", yLabel: "true",
      matrix: Plot.CountMatrix(
        size: 2, counts: [5, 1, 0, 4], rowLabel: "true", columnLabel: "predicted"))
    let script = try GnuplotScript.render(plot, target: .file(path: "c.svg", format: .svg))
    #expect(script.contains("$cells << EOD\n0 0 5\n1 0 1\n\n0 1 0\n1 1 4\n\nEOD"))
    // Row 0 at the top; counts over half the largest (5) in white, the rest dark.
    #expect(script.contains("set yrange [1.5:-0.5]"))
    #expect(script.contains("$dark << EOD\n0 0 5\n1 1 4\nEOD"))
    #expect(script.contains("$light << EOD\n1 0 1\n0 1 0\nEOD"))
    #expect(script.contains("$light using 1:2:3 with labels"))
    #expect(script.contains("set xlabel 'predicted'"))
    #expect(script.contains("$cells using 1:2:3 with image pixels notitle"))
    let text = try GnuplotScript.render(plot, target: .text)
    #expect(
      text
        == "reset\nprint 'true (rows) against predicted (columns)'\nprint '      0 1'\n"
        + "print '0     5 1'\nprint '1     0 4'\nset print '-'\n")
  }

  @Test func malformedGridsAreErrorsNotCrashes() {
    let short = Plot.ImageGrid.Tile(pixels: [0, 1], caption: "x")
    #expect(throws: PlotError.self) {
      try GnuplotScript.render(grid([short]), target: .window(terminal: "qt"))
    }
    #expect(throws: PlotError.self) {
      try GnuplotScript.render(grid([]), target: .window(terminal: "qt"))
    }
    let matrix = Plot(matrix: Plot.CountMatrix(size: 3, counts: [1], rowLabel: "", columnLabel: ""))
    #expect(throws: PlotError.self) {
      try GnuplotScript.render(matrix, target: .window(terminal: "qt"))
    }
  }
}
