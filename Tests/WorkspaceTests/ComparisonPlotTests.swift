import Foundation
import FoundationXML
import NotebookFormat
import Plotting
import Testing
import Workspace

/// Figures that compare runs and series, models over their data, hidden units, a
/// perceptron's errors and the live decision boundary, drawn by the real gnuplot and read
/// back from the files it wrote.
@Suite struct ComparisonPlotTests {
  let folder: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-compare-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// Runs `source` in a fresh session; what it printed, and the result.
  func run(_ source: String, plotter: Plotter? = nil) -> (String, Evaluation) {
    var out = ""
    let session = Session(
      plotter: plotter ?? Plotter(directory: folder.path), output: { text, _ in out += text })
    let result = session.evaluate(source)
    return (out, result)
  }

  func complete(_ source: String, plotter: Plotter? = nil) -> Bool {
    let (out, result) = run(source, plotter: plotter)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return false
    }
    return true
  }

  func failure(_ source: String) -> String {
    let (out, result) = run(source)
    guard case .failed(let d) = result else {
      Issue.record("did not fail: \(source) \(out)")
      return ""
    }
    return d.first?.message ?? ""
  }

  func text(_ name: String) throws -> String {
    try String(contentsOfFile: path(name), encoding: .utf8)
  }

  func svg(_ name: String) throws -> (titles: [String], points: [Int]) {
    let reader = SVGReader()
    let parser = XMLParser(data: try Data(contentsOf: folder.appendingPathComponent(name)))
    parser.delegate = reader
    #expect(parser.parse(), "\(name) is well-formed XML")
    return (reader.titles, reader.points)
  }

  /// The different closed black outlines gnuplot draws: the frame of the plot (drawn
  /// twice, under and over the data), and the legend's box when there is a legend.
  func boxes(_ name: String) throws -> Int {
    Set(
      try text(name).components(separatedBy: "<path stroke='black'").dropFirst()
        .map { $0.prefix(while: { $0 != ">" }) }.filter { $0.contains("Z") }
    ).count
  }

  /// Each plotted series' part of the SVG, by its legend text.
  func groups(_ name: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for part in try text(name).components(separatedBy: "<g id=\"gnuplot_plot_").dropFirst() {
      guard let open = part.range(of: "<title>"), let close = part.range(of: "</title>") else {
        continue
      }
      result[String(part[open.upperBound..<close.lowerBound])] = part
    }
    return result
  }

  @Test func unnamedSeriesLeaveNoEmptyLegend() throws {
    #expect(
      complete(
        """
        x = linspace(0, 1, 11)
        plot(x, x^2, file: "\(path("xy.svg"))")
        plot(x^2, file: "\(path("y.svg"))")
        plot(line(25, slope: 2), file: "\(path("line.svg"))")
        plot(sigmoid, -5..5, file: "\(path("named.svg"))")
        """))
    // The frame alone: before, an empty legend box was drawn as a second outline.
    #expect(try boxes("xy.svg") == 1)
    #expect(try boxes("y.svg") == 1)
    #expect(try boxes("line.svg") == 1)
    // A named curve keeps its legend, boxed.
    #expect(try boxes("named.svg") == 2)
    #expect(try svg("named.svg").titles == ["sigmoid"])
  }

  @Test func severalRunsInOneFigureWithTheirValidationDashed() throws {
    #expect(
      complete(
        """
        data = moons(100, noise: 0.1)
        train, val = split(data, 0.75);
        h1 = fit(dense(2, 8, tanh) >> dense(8, 1, sigmoid), train, loss: bce, opt: sgd(lr: 0.5), epochs: 20, val: val);
        h2 = fit(dense(2, 8, tanh) >> dense(8, 1, sigmoid), train, loss: bce, opt: adam(lr: 0.05), epochs: 30, val: val);
        h3 = fit(dense(2, 8, tanh) >> dense(8, 1, sigmoid), train, loss: bce, epochs: 10);
        plot([h1, h2, h3], labels: ["sgd", "adam", "short"], xlabel: "passes over the data", ylabel: "cross-entropy", file: "\(path("runs.svg"))")
        plot([h1, h2], file: "\(path("unnamed.svg"))")
        plot([h1, h2, h3], labels: ["sgd", "adam", "short"], file: "\(path("runs.png"))")
        """))
    #expect(
      try svg("runs.svg").titles == ["sgd", "sgd val_loss", "adam", "adam val_loss", "short"])
    let figure = try text("runs.svg")
    #expect(figure.contains(">passes over the data<") && figure.contains(">cross-entropy<"))
    // Each run its colour; its validation curve dashed in the same colour.
    let parts = try groups("runs.svg")
    let blue = "rgb( 31, 119, 180)"
    let red = "rgb(214,  39,  40)"
    #expect(parts["sgd"]?.contains(blue) == true && parts["sgd val_loss"]?.contains(blue) == true)
    #expect(parts["adam"]?.contains(red) == true)
    #expect(parts["sgd val_loss"]?.contains("stroke-dasharray") == true)
    #expect(parts["sgd"]?.contains("stroke-dasharray") == false)
    #expect(
      try svg("unnamed.svg").titles == ["run 1", "run 1 val_loss", "run 2", "run 2 val_loss"])
    // Mistakes are named.
    #expect(
      failure("h = fit(dense(2, 1), xor(), epochs: 2);\nplot([h, h], labels: [\"a\"])")
        == "labels: has 1 name for 2 runs; give one for each")
    #expect(
      failure("h = fit(dense(2, 1), xor(), epochs: 2);\nplot(h, labels: [\"a\", \"b\"])")
        == "labels: has 2 names for 1 run; give one for each")
    #expect(
      failure("h = fit(dense(2, 1), xor(), epochs: 2);\nplot([h, \"a\"])")
        .hasPrefix("a list of histories holds only histories"))
    #expect(failure("plot(xor(), labels: [\"a\"])").hasPrefix("plot: labels: names the runs"))
    #expect(
      failure("plot(linspace(0, 1, 3), linspace(0, 1, 3), labels: [1, 2])").contains("strings"))
  }

  @Test func severalSeriesOverOneX() throws {
    #expect(
      complete(
        """
        x = linspace(-2, 2, 41)
        plot(x, [x, x^2, x^3], labels: ["x", "x²", "x³"], xlabel: "input", file: "\(path("powers.svg"))")
        plot(x, [x, x^2].T, file: "\(path("columns.svg"))")
        """))
    #expect(try svg("powers.svg").titles == ["x", "x²", "x³"])
    #expect(try text("powers.svg").contains(">input<"))
    #expect(try svg("columns.svg").titles == ["y[0]", "y[1]"])
    #expect(
      failure("plot(linspace(0, 1, 3), [[1, 2], [3, 4]])")
        == "plot(x, [y1, y2]) needs each y as long as x (3); y has shape [2, 2]")
  }

  @Test func logScalesTheYOfTensorPlotsToo() throws {
    // A learning rate divided by 10 is a staircase only on a log scale; log: was once ignored
    // for plot(x, y). 10^x over 0..3 has ticks 1, 10, 100, 1000 on a log axis and 0, 200, …
    // on a linear one.
    #expect(
      complete(
        """
        x = linspace(0, 3, 31)
        plot(x, 10^x, log: true, file: "\(path("log.svg"))")
        plot(10^x, log: true, file: "\(path("logy.svg"))")
        plot(x, 10^x, file: "\(path("linear.svg"))")
        """))
    // The texts of the SVG's elements, tick labels among them (gnuplot pads linear ones).
    func texts(_ name: String) throws -> Set<String> {
      Set(
        try text(name).components(separatedBy: ">").compactMap {
          $0.split(separator: "<", omittingEmptySubsequences: false).first.map {
            $0.trimmingCharacters(in: .whitespaces)
          }
        })
    }
    for name in ["log.svg", "logy.svg"] {
      let labels = try texts(name)
      #expect(labels.isSuperset(of: ["1", "10", "100", "1000"]), "\(name)")
      #expect(!labels.contains("200"), "\(name)")
    }
    #expect(try texts("linear.svg").isSuperset(of: ["0", "200", "400"]))
  }

  @Test func aOneInputModelIsDrawnOverItsData() throws {
    #expect(
      complete(
        """
        data = line(40, slope: 2, intercept: 1)
        net = dense(1, 1)
        fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 200);
        plot(net, data, file: "\(path("fit.svg"))", ylabel: "target")
        wave = sine(80, noise: 0.05)
        deep = dense(1, 16, tanh) >> dense(16, 1)
        fit(deep, wave, loss: mse, opt: adam(lr: 0.02), epochs: 400);
        plot(deep, wave, file: "\(path("sine.png"))", title: "sine")
        """))
    let fit = try svg("fit.svg")
    #expect(fit.titles == ["data", "model"])
    // 40 samples and the legend's mark; the model is a line.
    #expect(fit.points == [41, 0])
    #expect(try text("fit.svg").contains(">target<"))
    #expect(
      failure("plot(dense(1, 2), line(10))").hasPrefix(
        "a model's curve needs one output for one target"))
  }

  @Test func oneHiddenUnitOverThePlaneAsAHeatMap() throws {
    // Two step units that switch at x1 = 0.5 and at x2 = 0.5: each is 0 (the palette's
    // low colour) on one side of its line and 1 (its high colour) on the other.
    #expect(
      complete(
        """
        hidden = dense(2, 2, step, w: [[1, 0], [0, 1]], b: [-0.5, -0.5])
        net = hidden >> dense(2, 1, sigmoid)
        plot(net.layers[0], xor(), unit: 0, file: "\(path("unit0.png"))", size: [400, 300])
        plot(net.layers[0], xor(), unit: 1, file: "\(path("unit1.png"))", size: [400, 300])
        plot(net.layers[0], xor(), unit: 1, file: "\(path("unit1.svg"))")
        plot(dense(1, 3, tanh), line(20), unit: 2, file: "\(path("unit1d.svg"))")
        """))
    let low = GnuplotScript.fieldColours[0]
    let high = GnuplotScript.fieldColours[2]
    // The map fills x, y in -0.1 … 1.1; in 12 × 12 cells of 0.1 (rows from the top), the
    // switch at 0.5 falls between cells 5 and 6.
    let across = try pngPixels(path("unit0.png"), cells: 12, colours: [low, high])
    let up = try pngPixels(path("unit1.png"), cells: 12, colours: [low, high])
    guard across.cells.count == 12, up.cells.count == 12 else {
      Issue.record("no heat map in the PNGs")
      return
    }
    for r in [0, 3, 8, 11] {
      #expect(across.cells[r][1] == low && across.cells[r][4] == low, "row \(r)")
      #expect(across.cells[r][7] == high && across.cells[r][10] == high, "row \(r)")
    }
    for c in [0, 3, 8, 11] {
      #expect(up.cells[1][c] == high && up.cells[4][c] == high, "column \(c)")
      #expect(up.cells[7][c] == low && up.cells[10][c] == low, "column \(c)")
    }
    // The z = 0 line and the samples on top.
    let unit = try svg("unit1.svg")
    #expect(unit.titles == ["z = 0", "class 0", "class 1"])
    #expect(unit.points.suffix(2) == [3, 3])
    #expect(try text("unit1.svg").contains(">unit 1 activation<"))
    #expect(try svg("unit1d.svg").titles == ["unit 2"])
    // Mistakes are named.
    #expect(
      failure("plot(dense(2, 4, tanh), xor(), unit: 4)")
        == "unit: 4 is not a unit of this layer, which has 4 (0 to 3)")
    #expect(failure("plot(dense(2, 4, tanh), unit: 0)").hasPrefix("plot: unit: draws one unit"))
    #expect(failure("plot(dense(3, 4, tanh), xor(), unit: 0)").hasPrefix("the layer does not take"))
  }

  @Test func aPerceptronsErrorsPerEpoch() throws {
    var out = ""
    let session = Session(
      plotter: Plotter(directory: folder.path), output: { text, _ in out += text })
    let result = session.evaluate(
      """
      r = fit(perceptron(2), and())
      r.errors
      r.misclassified
      plot(r, file: "\(path("errors.svg"))")
      plot(r, file: "\(path("errors.png"))", size: [500, 350])
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    // Worked out by hand in PlotBuilderTests: 2, 3, 3, 2, 1, 0.
    #expect(out.contains("tensor [6]\n[2, 3, 3, 2, 1, 0]\n0\n"))
    let errors = try svg("errors.svg")
    #expect(errors.titles == ["errors"])
    #expect(errors.points == [7])  // a mark per epoch and the legend's
    // Whole numbers on the y axis, from 0 to 3, and no fractions.
    let figure = try text("errors.svg")
    for tick in ["0", "1", "2", "3"] { #expect(figure.contains("<text>\(tick)</text>")) }
    #expect(!figure.contains("<text>4</text>") && !figure.contains(".5</text>"))
    #expect(figure.contains(">misclassified samples<"))
  }

  @Test func aLiveBoundaryIsRedrawnAndItsLastFrameIsTheFigure() throws {
    let plotter = Plotter(directory: folder.path)
    plotter.setting = .svg
    // The figures the session shows, as the notebook recorder takes them: `figure` events.
    var recorded: [Plot] = []
    var out = ""
    let session = Session(plotter: plotter) { event in
      switch event {
      case .figure(let plot): recorded.append(plot)
      case .text(let text), .display(let text), .timing(_, let text): out += text
      default: break
      }
    }
    let result = session.evaluate(
      """
      net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
      fit(net, xor(), loss: mse, opt: sgd(lr: 0.5), epochs: 2000, live: "boundary");
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    // Redrawn into the live file, ending with the trained boundary, and the final frame
    // shown as a figure of its own: the same picture.
    let live = try svg("plot-live.svg").titles
    let figure = try svg("plot-1.svg").titles
    #expect(live == ["boundary", "class 0", "class 1"])
    #expect(figure == ["boundary", "class 0", "class 1"])
    #expect(try text("plot-live.svg") == (try text("plot-1.svg")))
    #expect(out.hasSuffix("wrote plot-1.svg\n"))
    #expect(recorded.map(\.kind) == [.boundary])
    // The recorded frame is the trained model's boundary: XOR's corners in their classes.
    let grid = try #require(recorded.first?.grid)
    let n = grid.xs.count
    func classAt(_ x: Double, _ y: Double) -> Int {
      let c = grid.xs.firstIndex { $0 >= x } ?? 0
      let r = grid.ys.firstIndex { $0 >= y } ?? 0
      return grid.classes[r * n + c]
    }
    let corners: [Int] = [classAt(0, 0), classAt(1, 1), classAt(0, 1), classAt(1, 0)]
    #expect(corners == [0, 0, 1, 1])
    // A notebook records the last frame as the cell's figure.
    let notebook = try NotebookReader.read(
      """
      <!-- gradbook notebook format=1 seed=42 -->
      ```gradbook
      net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
      fit(net, xor(), loss: mse, opt: sgd(lr: 0.5), epochs: 300, live: "boundary");
      ```
      """)
    let replay = NotebookReplay.run(notebook, name: "live")
    #expect(replay.drawn.map(\.0.kind) == ["boundary"])
    // What cannot be drawn fails before training; an unknown figure is named.
    #expect(
      failure("fit(dense(1, 1), line(10), live: \"boundary\")").hasPrefix(
        "a decision boundary needs data with 2 inputs"))
    #expect(
      failure("fit(dense(2, 1), xor(), live: \"boundry\")")
        == "fit: live: is true, false, \"loss\" or \"boundary\", not \"boundry\"")
  }
}
