import Foundation
import FoundationXML
import Plotting
import Testing
import Workspace

/// Figures drawn by the real gnuplot, from the language, and the files it wrote.
@Suite struct PlotTests {
  let folder: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-plots-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  /// Runs `source` in a fresh session whose figures go to `folder`; gives what it printed
  /// and the result.
  func run(_ source: String, plotter: Plotter? = nil) -> (String, Evaluation) {
    var out = ""
    let plotter = plotter ?? Plotter(directory: folder.path)
    let session = Session(plotter: plotter, output: { text, _ in out += text })
    let result = session.evaluate(source)
    return (out, result)
  }

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// The SVG's curves (gnuplot puts each plotted series in a group `gnuplot_plot_N`, whose
  /// <title> is its legend text) and, per curve, its point marks (with the one in the legend).
  func svg(_ name: String) throws -> (titles: [String], points: [Int]) {
    let data = try Data(contentsOf: folder.appendingPathComponent(name))
    let reader = SVGReader()
    let parser = XMLParser(data: data)
    parser.delegate = reader
    #expect(parser.parse(), "\(name) is well-formed XML")
    return (reader.titles, reader.points)
  }

  @Test func aLossCurveWithValidationToSVG() throws {
    let (out, result) = run(
      """
      data = moons(100, noise: 0.1)
      train, test = split(data, 0.75);
      net = dense(2, 8, tanh) >> dense(8, 1, sigmoid);
      h = fit(net, train, loss: bce, opt: adam(lr: 0.05), epochs: 30, val: test)
      plot(h, file: "\(path("loss.svg"))", title: "moons")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let (titles, _) = try svg("loss.svg")
    #expect(titles == ["loss", "val_loss"])
    let text = try String(contentsOfFile: path("loss.svg"), encoding: .utf8)
    #expect(text.contains(">moons<"))
    #expect(text.contains(">epoch<"))
  }

  @Test func functionCurvesCarryTheirNamesToTheLegend() throws {
    let (out, result) = run(
      """
      fn bump(x) = exp(-x^2)
      plot([relu, sigmoid, tanh, bump], -5..5, file: "\(path("act.svg"))")
      plot(sigmoid, -5..5, file: "\(path("one.svg"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    #expect(try svg("act.svg").titles == ["relu", "sigmoid", "tanh", "bump"])
    #expect(try svg("one.svg").titles == ["sigmoid"])
  }

  @Test func scatterOfADataSetHasOneSeriesPerClassWithEveryPoint() throws {
    let (out, result) = run(
      """
      plot(blobs(90, centers: 3), file: "\(path("blobs.svg"))")
      plot(xor(), file: "\(path("xor.svg"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    // Each plot says where it went.
    #expect(out == "wrote \(path("blobs.svg"))\nwrote \(path("xor.svg"))\n")
    let blobs = try svg("blobs.svg")
    #expect(blobs.titles == ["class 0", "class 1", "class 2"])
    #expect(blobs.points.reduce(0, +) == 90 + 3)
    let xor = try svg("xor.svg")
    #expect(xor.titles == ["class 0", "class 1"])
    #expect(xor.points == [3, 3])
  }

  @Test func xAgainstYAndRegressionData() throws {
    let (out, result) = run(
      """
      x = linspace(0, 1, 11)
      plot(x, x^2, file: "\(path("xy.svg"))")
      plot(line(25, slope: 2), file: "\(path("line.svg"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let xy = try svg("xy.svg")
    #expect(xy.titles.isEmpty && xy.points == [0])  // one unnamed line
    #expect(try svg("line.svg").points == [25])  // no legend for an unnamed series
  }

  @Test func theXorDecisionBoundaryToPNG() throws {
    let (out, result) = run(
      """
      data = xor()
      net = dense(2, 4, tanh) >> dense(4, 1, sigmoid)
      fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 3000);
      accuracy(net, data)
      plot(net, data, file: "\(path("xor.png"))", size: [400, 300])
      plot(net, data, file: "\(path("xor.svg"))")
      """)
    guard case .complete = result, out.contains("\n1\n") else {
      Issue.record("\(result) \(out)")
      return
    }
    // The SVG: the boundary and both classes' samples, two each.
    let svg = try svg("xor.svg")
    #expect(svg.titles == ["boundary", "class 0", "class 1"])
    #expect(svg.points.suffix(2) == [3, 3])
    // The PNG: the asked size, and each class's region colour by its samples. The regions
    // fill x, y in -0.1 … 1.1 (the data padded by a tenth); cut into 12 × 12 cells of 0.1,
    // the cells just inside the corners hold the samples: rows from the top.
    let blue = GnuplotScript.regionColours[0]
    let red = GnuplotScript.regionColours[1]
    let png = try pngPixels(path("xor.png"), cells: 12, colours: [blue, red])
    #expect(png.width == 400 && png.height == 300)
    guard png.cells.count == 12, png.cells.allSatisfy({ $0.count == 12 }) else {
      Issue.record("no class regions in the PNG")
      return
    }
    #expect(png.cells[10][1] == blue, "(0, 0) is class 0")
    #expect(png.cells[1][10] == blue, "(1, 1) is class 0")
    #expect(png.cells[1][1] == red, "(0, 1) is class 1")
    #expect(png.cells[10][10] == red, "(1, 0) is class 1")
  }

  @Test func aModelWithoutTwoInputsHasNoBoundary() {
    let (out, result) = run("plot(dense(3, 1, sigmoid), xor())")
    guard case .failed(let d) = result else {
      Issue.record("\(result) \(out)")
      return
    }
    #expect(d.first?.message.contains("2 inputs") == true)
  }

  @Test func textFiguresShowAxesAndClassCharacters() throws {
    let plotter = Plotter(directory: folder.path, textSize: { PlotSize(70, 22) })
    plotter.setting = .text
    let (loss, _) = run(
      """
      net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
      h = fit(net, xor(), loss: mse, opt: sgd(lr: 0.5), epochs: 200);
      plot(h)
      """, plotter: plotter)
    let lines = loss.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count >= 20)
    #expect(lines.allSatisfy { $0.count <= 70 })
    #expect(loss.contains("loss") && loss.contains("epoch"))
    #expect(loss.contains("200"))  // the last epoch on the x axis
    let (boundary, _) = run(
      """
      data = xor()
      net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
      fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 3000);
      plot(net, data)
      """, plotter: plotter)
    for mark in [".", ":", "o", "x"] { #expect(boundary.contains(mark), "\(mark)") }
    #expect(boundary.contains("class 0") && boundary.contains("class 1"))
  }

  @Test func injectionThroughTitlesLegendsAndFileNamesRunsNothing() throws {
    let marker = folder.appendingPathComponent("pwned").path
    let attempts = [
      "plot(xor(), title: \"`touch \(marker)`\", file: \"\(path("a.svg"))\")",
      "plot(xor(), title: \"x' . system('touch \(marker)') . '\", file: \"\(path("b.svg"))\")",
      "plot(xor(), title: \"x\\nsystem('touch \(marker)')\\n\", file: \"\(path("c.svg"))\")",
      "fn f(x) = x\nplot(f, 0..1, title: \"');system('touch \(marker)');#\", file: \"\(path("d.svg"))\")",
      "plot(xor(), file: \"|touch \(marker)\")",
      "plot(xor(), file: \"< touch \(marker)\")",
      "plot(xor(), file: \"x.svg\\nsystem('touch \(marker)')\")",
      "plot(xor(), file: \"`touch \(marker)`.svg\")",
    ]
    for source in attempts {
      _ = run(source)
      #expect(!FileManager.default.fileExists(atPath: marker), "ran: \(source)")
    }
    // The titles were drawn as text.
    let text = try String(contentsOfFile: path("a.svg"), encoding: .utf8)
    #expect(text.contains("`touch"))
  }

  /// GNUTERM=png sends figures without a file to numbered PNG files.
  @Test func gnutermPngWritesNumberedPNGs() throws {
    let plotter = Plotter(environment: ["GNUTERM": "png"], directory: folder.path)
    let (out, _) = run("plot(xor())", plotter: plotter)
    #expect(out == "wrote plot-1.png\n")
    let data = try Data(contentsOf: folder.appendingPathComponent("plot-1.png"))
    #expect(data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
  }

  @Test func aKilledGnuplotIsStartedAgain() throws {
    let plotter = Plotter(directory: folder.path)
    var out = ""
    let session = Session(plotter: plotter, output: { text, _ in out += text })
    _ = session.evaluate("plot(xor(), file: \"\(path("one.svg"))\")")
    let pid = try #require(plotter.gnuplotProcessIdentifier)
    kill(pid, SIGKILL)
    usleep(100_000)
    let result = session.evaluate("plot(xor(), file: \"\(path("two.svg"))\")")
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    #expect(try svg("two.svg").titles == ["class 0", "class 1"])
  }

  @Test func withoutGnuplotPlotSaysHowToInstallItAndTheSessionGoesOn() {
    let plotter = Plotter(gnuplot: GnuplotProcess(executable: "/nonexistent/gnuplot"))
    var out = ""
    let session = Session(plotter: plotter, output: { text, _ in out += text })
    guard case .failed(let d) = session.evaluate("x = 2\nplot(xor())") else {
      Issue.record("plot without gnuplot did not fail")
      return
    }
    #expect(d.first?.message.contains("apt-get install gnuplot-nox") == true)
    out = ""
    _ = session.evaluate("x * 3")
    #expect(out == "6\n")
  }
}

/// Collects each plotted series' title and its number of point marks from gnuplot's SVG.
/// gnuplot titles an untitled series with its group id; those are left out of `titles`.
final class SVGReader: NSObject, XMLParserDelegate {
  private var ids: [String] = []
  private var allTitles: [String] = []
  var titles: [String] { zip(ids, allTitles).filter { $0 != $1 }.map(\.1) }
  var points: [Int] = []
  private var depthInPlot: Int?
  private var depth = 0
  private var inTitle = false

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    depth += 1
    if name == "g", attributes["id"]?.hasPrefix("gnuplot_plot_") == true {
      depthInPlot = depth
      ids.append(attributes["id"] ?? "")
      allTitles.append("")
      points.append(0)
    } else if depthInPlot != nil, name == "title" {
      inTitle = true
    } else if depthInPlot != nil, name == "use", !points.isEmpty {
      points[points.count - 1] += 1
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inTitle, !allTitles.isEmpty { allTitles[allTitles.count - 1] += string }
  }

  func parser(
    _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
    qualifiedName: String?
  ) {
    if name == "title" { inTitle = false }
    if depth == depthInPlot { depthInPlot = nil }
    depth -= 1
  }
}

/// A PNG's size and which of the given colours fills each cell of the area they cover,
/// read by Support/png_pixels.py.
func pngPixels(_ path: String, cells: Int, colours: [String]) throws -> (
  width: Int, height: Int, cells: [[String]]
) {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Support/png_pixels.py").path
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", script, path, String(cells)] + colours
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  struct Result: Decodable {
    var width: Int
    var height: Int
    var cells: [[String]]
  }
  let result = try JSONDecoder().decode(Result.self, from: data)
  return (result.width, result.height, result.cells)
}

/// fit(…, live: true) redraws its loss curve as it trains.
@Suite struct LivePlotTests {
  @Test func aLiveLossCurveIsRedrawnIntoTheLiveFile() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-live-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let plotter = Plotter(directory: folder.path)
    plotter.setting = .svg
    var out = ""
    let session = Session(plotter: plotter, output: { text, _ in out += text })
    let result = session.evaluate(
      """
      net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
      fit(net, xor(), loss: mse, opt: sgd(lr: 0.5), epochs: 300, live: true);
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    // The last redraw is of the whole run: 300 epochs on the x axis.
    let svg = try String(
      contentsOf: folder.appendingPathComponent("plot-live.svg"), encoding: .utf8)
    #expect(svg.contains("> 300<"))
    #expect(svg.contains("<title>loss</title>"))
    // Without live, nothing is drawn.
    let quiet = Plotter(directory: folder.path + "/none")
    quiet.setting = .svg
    _ = Session(plotter: quiet, output: { _, _ in }).evaluate(
      "fit(dense(2, 1, sigmoid), xor(), epochs: 10, live: false);")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/none/plot-live.svg"))
  }
}

extension PlotTests {
  @Test func histAndScatterWriteTheirSetsToSVG() throws {
    let (out, result) = run(
      """
      seed(1)
      hist(randn(500), randn(500, mean: 4, std: 1.25), bins: 30, labels: ["N(0, 1)", "N(4, 1.25)"], file: "\(path("hist.svg"))", title: "two normals")
      scatter(randn(50, 2), 3 + randn(40, 2), labels: ["a", "b"], file: "\(path("scatter.svg"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let (titles, _) = try svg("hist.svg")
    #expect(titles == ["N(0, 1)", "N(4, 1.25)"])
    let text = try String(contentsOfFile: path("hist.svg"), encoding: .utf8)
    #expect(text.contains(">two normals<"))
    #expect(text.contains(">count<"))
    let (names, points) = try svg("scatter.svg")
    #expect(names == ["a", "b"])
    // Each set's marks, and one more in the legend.
    #expect(points == [51, 41])
  }
}
