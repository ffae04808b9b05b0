import Testing

@testable import Plotting

/// The script builder, without gnuplot: what it writes for each kind of figure, and that
/// nothing a user types can leave a quoted string.
@Suite struct GnuplotScriptTests {
  let loss = Plot(
    xLabel: "epoch", yLabel: "loss",
    series: [Plot.Series("loss", x: [1, 2, 3], y: [0.5, 0.25, 0.125])])

  @Test func aLossCurveToSVG() throws {
    let script = try GnuplotScript.render(loss, target: .file(path: "/tmp/a.svg", format: .svg))
    let lines = script.split(separator: "\n").map(String.init)
    #expect(
      lines.contains(
        "set terminal svg size 800,600 noenhanced font 'sans,12' background rgb 'white'"))
    #expect(lines.contains("set output '/tmp/a.svg'"))
    #expect(lines.contains("set xlabel 'epoch' noenhanced"))
    // The data inline, exactly.
    #expect(script.contains("$s0 << EOD\n1 0.5\n2 0.25\n3 0.125\nEOD\n"))
    #expect(lines.contains("plot $s0 using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'loss'"))
    // The file is closed last, so it is complete when gnuplot answers.
    #expect(lines.last == "set output")
  }

  @Test func logScaleAndSizes() throws {
    var plot = loss
    plot.logY = true
    let png = try GnuplotScript.render(
      plot, target: .file(path: "a.png", format: .png), size: PlotSize(320, 240))
    #expect(png.contains("set terminal pngcairo size 320,240 "))
    #expect(png.contains("\nset logscale y\nset format y '%g'\n"))
    let text = try GnuplotScript.render(plot, target: .text, size: PlotSize(100, 30))
    #expect(text.contains("set terminal dumb size 100,30 noenhanced\nset output\n"))
  }

  @Test func quotedTextCannotEndItsString() {
    #expect(GnuplotScript.quoted("it's") == "'it’s'")
    #expect(GnuplotScript.quoted("a\nset output '|rm x'\r\u{7}") == "'aset output ’|rm x’'")
    #expect(GnuplotScript.quoted("'''") == "'’’’'")
    #expect(GnuplotScript.quoted("`id` system(\"id\")") == "'`id` system(\"id\")'")
  }

  @Test func aHostileTitleStaysOnOneQuotedLine() throws {
    var plot = loss
    plot.title = "x'\nsystem('touch /tmp/gb-pwned')\n#"
    plot.series[0].name = "a'b\nprint 1"
    let script = try GnuplotScript.render(plot, target: .text)
    #expect(script.contains("set title 'x’system(’touch /tmp/gb-pwned’)#' noenhanced\n"))
    #expect(script.contains("title 'a’bprint 1'"))
    #expect(!script.split(separator: "\n").contains { $0.hasPrefix("system(") })
  }

  @Test func fileNamesAreCheckedBeforeGnuplotSeesThem() throws {
    #expect(try PlotFile.format(of: "figures/xor boundary.svg") == .svg)
    #expect(try PlotFile.format(of: "~/loss-1.PNG") == .png)
    #expect(try PlotFile.format(of: "a.pdf") == .pdf)
    #expect(try PlotFile.format(of: "a.txt") == .txt)
    for bad in [
      "|touch x.svg", "< cat.svg", "-x.svg", "a'b.svg", "a\nb.svg", "a`id`.svg",
      "a$(id).svg", "a.jpg", "noextension", "", "a\"b.svg",
    ] {
      #expect(throws: PlotError.self, "\(bad)") { try PlotFile.format(of: bad) }
    }
    #expect(throws: PlotError.self) {
      try GnuplotScript.render(self.loss, target: .file(path: "|id.svg", format: .svg))
    }
  }

  @Test func theContourOfAStepIsAStraightLineBetweenTheColumns() {
    // Values 0 | 1 across two columns at x = 0 and x = 1: the 0.5 line is x = 0.5.
    let segments = GnuplotScript.contour(
      [0, 1, 0, 1, 0, 1], xs: [0, 1], ys: [0, 1, 2], level: 0.5)
    #expect(segments.count == 2)
    for s in segments {
      #expect(s.0 == 0.5 && s.2 == 0.5)
    }
    #expect(Set(segments.flatMap { [$0.1, $0.3] }) == [0, 1, 2])
    // No crossing, no segment; a grid of the wrong size, none either.
    #expect(GnuplotScript.contour([1, 1, 1, 1], xs: [0, 1], ys: [0, 1], level: 0.5).isEmpty)
    #expect(GnuplotScript.contour([1, 1, 1], xs: [0, 1], ys: [0, 1], level: 0.5).isEmpty)
  }

  @Test func aDecisionBoundaryDrawsRegionsTheBoundaryAndTheSamples() throws {
    let grid = Plot.ClassGrid(
      xs: [0, 1], ys: [0, 1], classes: [0, 1, 0, 1], classCount: 2, scores: [0.2, 0.8, 0.3, 0.9])
    let plot = Plot(
      series: [
        Plot.Series("class 0", x: [0], y: [0], style: .points, colour: 0),
        Plot.Series("class 1", x: [1], y: [1], style: .points, colour: 1),
      ], grid: grid)
    let svg = try GnuplotScript.render(plot, target: .file(path: "b.svg", format: .svg))
    // Light blue and light red regions as RGB pixels, in grid order.
    #expect(svg.contains("$grid << EOD\n0 0 174 199 232\n1 0 255 152 150\n\n0 1 174 199 232\n"))
    #expect(svg.contains("$grid using 1:2:3:4:5 with rgbimage notitle"))
    // The legend above the plot, out of the regions' and samples' way.
    #expect(svg.contains("\nset key noenhanced above horizontal box\n"))
    #expect(svg.contains("$boundary using 1:2 with lines lw 2 lc rgb '#333333' title 'boundary'"))
    #expect(svg.contains("with points pt 7 ps 1.1 lc rgb '#1f77b4' title 'class 0'"))
    #expect(svg.contains("with points pt 5 ps 1.1 lc rgb '#d62728' title 'class 1'"))
    // In text: a character per class region, another per class of samples.
    let text = try GnuplotScript.render(plot, target: .text)
    #expect(text.contains("$region0 using 1:2 with points pt '.' notitle"))
    #expect(text.contains("$region1 using 1:2 with points pt ':' notitle"))
    #expect(text.contains("with points pt 'o' lc rgb '#1f77b4' title 'class 0'"))
    #expect(text.contains("with points pt 'x' lc rgb '#d62728' title 'class 1'"))
  }

  @Test func scatterPlotsKeepTheirPointsOffTheFrame() throws {
    let scatter = Plot(series: [Plot.Series("a", x: [0, 1], y: [0, 1], style: .points)])
    let script = try GnuplotScript.render(scatter, target: .text)
    #expect(script.contains("\nset offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n"))
    #expect(!(try GnuplotScript.render(loss, target: .text)).contains("set offsets"))
  }

  @Test func nonFiniteNumbersBecomeNaNAndEmptyPlotsAreRefused() throws {
    let plot = Plot(series: [Plot.Series("f", x: [0, 1, 2], y: [1, .infinity, .nan])])
    let script = try GnuplotScript.render(plot, target: .text)
    #expect(script.contains("$s0 << EOD\n0 1\n1 NaN\n2 NaN\nEOD"))
    #expect(throws: PlotError.self) { try GnuplotScript.render(Plot(), target: .text) }
    let uneven = Plot(series: [Plot.Series("f", x: [0, 1], y: [1])])
    #expect(throws: PlotError.self) { try GnuplotScript.render(uneven, target: .text) }
  }
}
