import Plotting
import Testing

/// A figure of more points than `Plot.maxPoints` is thinned, the same stride for every
/// series, with a sentence saying so; a smaller one is left as it is.
@Suite struct PlotThinningTests {
  func series(_ name: String, _ n: Int) -> Plot.Series {
    Plot.Series(name, x: (0..<n).map(Double.init), y: (0..<n).map { Double($0 * 2) })
  }

  @Test func aSmallFigureIsLeftAlone() {
    let plot = Plot(series: [series("a", 10)])
    let (shown, note) = plot.thinned(toAtMost: 10)
    #expect(shown == plot)
    #expect(note == nil)
  }

  @Test func aLargeFigureKeepsEveryKthPointOfEachSeries() {
    // 25 + 7 = 32 points, at most 10: every 4th (⌈32 / 10⌉), 7 + 2 = 9 points.
    let plot = Plot(series: [series("a", 25), series("b", 7)])
    let (shown, note) = plot.thinned(toAtMost: 10)
    #expect(shown.series[0].x == [0, 4, 8, 12, 16, 20, 24])
    #expect(shown.series[0].y == [0, 8, 16, 24, 32, 40, 48])
    #expect(shown.series[1].x == [0, 4])
    #expect(shown.pointCount == 9)
    #expect(
      note
        == "note: the figure has 32 points; it shows every 4th (9), as gnuplot would take "
        + "minutes to draw them all")
  }

  @Test func theNoteSaysOrdinalsAsPeopleDo() {
    func note(_ total: Int, _ limit: Int) -> String? {
      Plot(series: [series("a", total)]).thinned(toAtMost: limit).note
    }
    #expect(note(20, 10)?.contains("every 2nd (10)") == true)
    #expect(note(21, 10)?.contains("every 3rd (7)") == true)
    #expect(note(110, 10)?.contains("every 11th (10)") == true)
    #expect(note(210, 10)?.contains("every 21st (10)") == true)
    #expect(Plot.maxPoints == 100_000)
  }
}
