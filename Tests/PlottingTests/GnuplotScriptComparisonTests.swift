import Testing

@testable import Plotting

/// The script text for legends, several runs, whole-number axes and heat maps.
@Suite struct GnuplotScriptComparisonTests {
  func lines(_ plot: Plot, _ target: PlotTarget = .file(path: "a.svg", format: .svg)) throws
    -> [String]
  {
    try GnuplotScript.render(plot, target: target).split(separator: "\n").map(String.init)
  }

  @Test func aFigureWithoutNamesHasNoLegendAtAll() throws {
    // gnuplot draws an empty legend box when every entry is notitle.
    let unnamed = Plot(series: [Plot.Series("", x: [0, 1], y: [0, 1])])
    for target in [PlotTarget.file(path: "a.svg", format: .svg), .text] {
      let script = try lines(unnamed, target)
      #expect(script.contains("unset key"))
      #expect(!script.contains { $0.hasPrefix("set key") })
    }
    let named = Plot(series: [Plot.Series("loss", x: [0, 1], y: [0, 1])])
    #expect(try lines(named).contains("set key noenhanced box"))
    #expect(!(try lines(named)).contains("unset key"))
    // A boundary is named even when its samples are not.
    let grid = Plot.ClassGrid(
      xs: [0, 1], ys: [0, 1], classes: [0, 1, 0, 1], classCount: 2, scores: [0.2, 0.8, 0.3, 0.9])
    #expect(
      try lines(Plot(grid: grid)).contains("set key noenhanced above horizontal box"))
  }

  @Test func histogramsAreStepsCentredOnTheirBinsWithTheLegendAbove() throws {
    let plot = Plot(
      kind: .histogram,
      series: [
        Plot.Series("real", x: [0.25, 0.75], y: [1, 2], style: .steps),
        Plot.Series("generated", x: [0.25, 0.75], y: [2, 0], style: .steps, colour: 1),
      ])
    let svg = try lines(plot)
    // Two outlines overlap where their peaks are: the legend goes above, not in a corner.
    #expect(svg.contains("set key noenhanced above horizontal box"))
    #expect(
      svg.contains { $0.contains("$s0 using 1:2 with histeps lw 2 lc rgb '#1f77b4' title 'real'") })
    #expect(
      svg.contains {
        $0.hasSuffix("$s1 using 1:2 with histeps lw 2 lc rgb '#d62728' title 'generated'")
      })
  }

  @Test func validationCurvesAreDashedAndCountsGetLinesThroughPoints() throws {
    let plot = Plot(
      series: [
        Plot.Series("adam", x: [1, 2], y: [1, 0.5], colour: 1),
        Plot.Series("adam val_loss", x: [1, 2], y: [1.2, 0.7], colour: 1, dashed: true),
        Plot.Series("errors", x: [1, 2], y: [3, 0], style: .linespoints, colour: 2),
      ])
    let svg = try lines(plot)
    // Three curves or more: the legend above the plot, where no curve can run.
    #expect(svg.contains("set key noenhanced above horizontal box"))
    #expect(
      svg.contains { $0.contains("$s0 using 1:2 with lines lw 2 lc rgb '#d62728' title 'adam'") })
    #expect(
      svg.contains {
        $0.contains("$s1 using 1:2 with lines lw 2 dt 2 lc rgb '#d62728' title 'adam val_loss'")
      })
    #expect(
      svg.contains {
        $0.hasSuffix(
          "$s2 using 1:2 with linespoints lw 2 pt 7 ps 0.9 lc rgb '#2ca02c' title 'errors'")
      })
    // Text has no dashes; its points are characters.
    let text = try lines(plot, .text)
    #expect(
      text.contains {
        $0.contains("$s1 using 1:2 with lines lw 2 lc rgb '#d62728' title 'adam val_loss'")
      })
    #expect(text.contains { $0.contains("with linespoints lw 2 pt 'o' ") })
  }

  @Test func wholeNumberAxesStepByOneOrARoundNumber() throws {
    let few = Plot(
      wholeNumbers: true,
      series: [Plot.Series("errors", x: [1, 2, 3, 4, 5, 6], y: [2, 3, 1, 1, 1, 0])])
    let script = try lines(few)
    // Epochs 1…6 and counts 0…3, each widened by a twentieth.
    for line in [
      "set xtics 1", "set ytics 1", "set format y '%.0f'", "set xrange [0.75:6.25]",
      "set yrange [-0.15:3.15]",
    ] {
      #expect(script.contains(line), "\(line)")
    }
    // 37 errors over 100 epochs: at most 10 intervals each, 5 and 10 apart.
    let many = Plot(
      wholeNumbers: true,
      series: [
        Plot.Series(
          "errors", x: (1...100).map(Double.init), y: [37] + Array(repeating: 0, count: 99))
      ])
    let stepped = try lines(many)
    #expect(stepped.contains("set xtics 10") && stepped.contains("set ytics 5"))
    // Other figures leave the ticks to gnuplot.
    #expect(!(try lines(Plot(series: few.series))).contains { $0.hasPrefix("set xtics") })
  }

  @Test func aFieldIsAHeatMapWithItsContourAndItsSamples() throws {
    // z = x - 0.5 over a 3 × 2 grid: the contour at 0 is the vertical line x = 0.5.
    let field = Plot.Field(
      xs: [0, 0.5, 1], ys: [0, 1], values: [-0.5, 0, 0.5, -0.5, 0, 0.5],
      label: "unit 0 activation", centre: 0, line: [-0.5, 0, 0.5, -0.5, 0, 0.5], lineName: "z = 0")
    let plot = Plot(
      kind: .unit,
      series: [Plot.Series("class 1", x: [1], y: [1], style: .points, colour: 1)], field: field)
    let script = try GnuplotScript.render(plot, target: .file(path: "u.svg", format: .svg))
    #expect(script.contains("$field << EOD\n0 0 -0.5\n0.5 0 0\n1 0 0.5\n\n0 1 -0.5\n"))
    #expect(script.contains("\nset cbrange [-0.5:0.5]\n"))
    #expect(script.contains("\nset palette defined (-0.5 '#9ecae1', 0 '#f7f7f7', 0.5 '#fdae6b')\n"))
    #expect(script.contains("\nset cblabel 'unit 0 activation' noenhanced\n"))
    #expect(script.contains("$field using 1:2:3 with image notitle"))
    #expect(script.contains("$zero using 1:2 with lines lw 2 lc rgb '#333333' title 'z = 0'"))
    #expect(script.contains("with points pt 5 ps 1.1 lc rgb '#d62728' title 'class 1'"))
    #expect(script.contains("\nset key noenhanced above horizontal box\n"))
    // Where the line's values never reach 0, no contour; with every value below the centre,
    // 0.5, the palette runs from blue to white.
    var flat = plot
    flat.field?.line = [1, 1, 1, 2, 2, 2]
    flat.field?.centre = 0.5
    let flatScript = try GnuplotScript.render(flat, target: .file(path: "u.svg", format: .svg))
    #expect(!flatScript.contains("$zero"))
    #expect(flatScript.contains("\nset cbrange [-0.5:0.5]\n"))
    #expect(flatScript.contains("\nset palette defined (-0.5 '#9ecae1', 0.5 '#f7f7f7')\n"))
    // Values too far apart for their difference still fall in a band.
    var wide = plot
    wide.field?.values = [-1e308, 1e308, 0, -1e308, 1e308, 0]
    #expect(try GnuplotScript.render(wide, target: .text).contains("$band"))
    // In text: characters by band, the lowest band left blank.
    let text = try GnuplotScript.render(plot, target: .text)
    #expect(!text.contains("$band0"))
    #expect(text.contains("$band7 using 1:2 with points pt '*' notitle"))
    // A label cannot leave its string.
    var hostile = plot
    hostile.field?.label = "a'\nsystem('id')"
    #expect(
      try GnuplotScript.render(hostile, target: .file(path: "u.svg", format: .svg))
        .contains("set cblabel 'a’system(’id’)' noenhanced\n"))
    // A field must cover a grid.
    var broken = plot
    broken.field?.values = [1]
    #expect(throws: PlotError.self) { try GnuplotScript.render(broken, target: .text) }
  }

  @Test func aFieldCountsInTheFingerprintAndOlderFiguresKeepTheirs() {
    let series = [Plot.Series("a", x: [0, 1], y: [0, 1])]
    let plain = Plot(series: series)
    #expect(!plain.fingerprint.contains("field"))
    var withField = plain
    withField.field = Plot.Field(
      xs: [0, 1], ys: [0, 1], values: [0, 1, 2, 3], label: "unit 0", line: [0, 1, 2, 3])
    var other = withField
    other.field?.values[3] = 4
    #expect(withField.fingerprint != other.fingerprint)
    var otherLine = withField
    otherLine.field?.line?[0] = -1
    #expect(withField.fingerprint != otherLine.fingerprint)
    #expect(withField.fingerprint.hasPrefix(plain.fingerprint))
  }
}
