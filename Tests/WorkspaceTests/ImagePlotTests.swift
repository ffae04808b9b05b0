import Foundation
import Plotting
import Testing
import Workspace

/// Image grids, filters and confusion matrices drawn by the real gnuplot, from the language,
/// in the files it wrote, as text and as a notebook's SVG.
@Suite struct ImagePlotTests {
  let folder: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-images-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  func run(_ source: String, setting: Plotter.Setting? = nil) -> (String, Evaluation) {
    var out = ""
    let plotter = Plotter(directory: folder.path)
    plotter.setting = setting
    let session = Session(plotter: plotter, output: { text, _ in out += text })
    let result = session.evaluate(source)
    return (out, result)
  }

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  func file(_ name: String) throws -> String {
    try String(contentsOfFile: path(name), encoding: .utf8)
  }

  /// How many times `part` occurs in `text`.
  func count(_ part: String, in text: String) -> Int {
    text.components(separatedBy: part).count - 1
  }

  /// Whether the SVG writes `caption` as a text of its own.
  func hasText(_ svg: String, _ caption: String) -> Bool { svg.contains(">\(caption)</") }

  /// A model that calls every digit a 3: zero weights, the largest bias on class 3.
  let alwaysThree = """
    net = flatten >> dense(64, 10, w: zeros(10, 64), b: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    """

  @Test func aDataSetOfImagesIsAGridOfThemWithTheirLabels() throws {
    let (out, result) = run(
      """
      plot(digits(), n: 12, file: "\(path("digits.svg"))")
      plot(digits(), file: "\(path("digits.png"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let svg = try file("digits.svg")
    // Each pixel of each tile is a rectangle of its own (no embedded image a viewer would
    // blur): 12 tiles of 8×8; the first 12 digits are 0…9, 0, 1.
    #expect(count("<image", in: svg) == 0)
    #expect(count("<polygon", in: svg) == 12 * 64)
    for label in 0...9 { #expect(hasText(svg, "\(label)"), "label \(label)") }
    #expect(hasText(svg, "digits"))
    let png = try Data(contentsOf: URL(fileURLWithPath: path("digits.png")))
    #expect(png.count > 1000)
    #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4e, 0x47])
  }

  @Test func aModelsPredictionsAreCaptionsWithTheWrongOnesMarkedRed() throws {
    let (out, result) = run(
      alwaysThree + """

        plot(net, digits(), n: 10, file: "\(path("pred.svg"))")
        plot(net, digits(), wrong: true, n: 5, file: "\(path("wrong.svg"))")
        """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let svg = try file("pred.svg")
    #expect(count("<polygon", in: svg) == 10 * 64)
    // Digits 0…9, all called 3: nine wrong as label→3, the 3 right.
    for label in [0, 1, 2, 4, 5, 6, 7, 8, 9] { #expect(hasText(svg, "\(label)→3")) }
    #expect(hasText(svg, "3"))
    #expect(!svg.contains("3→3"))
    #expect(hasText(svg, "digits: 9 of 10 shown wrong"))
    // The wrong captions and their frames are red (#d62728 is rgb(214, 39, 40)).
    #expect(svg.contains("rgb(214,  39,  40)") || svg.contains("#d62728"))
    let wrong = try file("wrong.svg")
    #expect(count("<polygon", in: wrong) == 5 * 64)
    // Every digit but the 183 threes is wrong.
    #expect(hasText(wrong, "digits: 1614 of 1797 wrong, the first 5 shown"))
    #expect(hasText(wrong, "0→3"))
  }

  @Test func aFourDimensionalWeightIsDrawnAsFilters() throws {
    let (out, result) = run(
      """
      w = param(randn(4, 1, 3, 3));
      plot(w, file: "\(path("grey.svg"))")
      plot(param(randn(2, 3, 5, 5)), file: "\(path("rgb.svg"))")
      plot(randn(2, 5, 3, 3), file: "\(path("channels.svg"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let grey = try file("grey.svg")
    #expect(count("<polygon", in: grey) == 4 * 9)
    #expect(hasText(grey, "filters [4, 1, 3, 3]"))
    for k in 0..<4 { #expect(hasText(grey, "\(k)")) }
    #expect(count("<polygon", in: try file("rgb.svg")) == 2 * 25)
    // 5 input channels: one small image per filter and channel, captioned filter.channel.
    let channels = try file("channels.svg")
    #expect(count("<polygon", in: channels) == 10 * 9)
    #expect(hasText(channels, "1.4"))
  }

  @Test func aConfusionMatrixIsAValueAndAHeatMapWithItsCounts() throws {
    let (out, result) = run(
      alwaysThree + """

        cm = confusion(net, digits())
        cm.counts[5, 3]
        cm.accuracy
        plot(cm, file: "\(path("cm.svg"))")
        """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    // Every digit is predicted 3: column 3 holds the class sizes, 183 of them right.
    #expect(out.contains("confusion · 10 classes · 1797 samples · 183 correct"))
    #expect(out.contains("\n182\n"))
    let svg = try file("cm.svg")
    // The heat map, gnuplot's first plot, is one rectangle per cell (the colour box after it
    // is drawn with rectangles of its own).
    #expect(count("<image", in: svg) == 0)
    let heatMap =
      svg.components(separatedBy: "id=\"gnuplot_plot_1\"").last?
      .components(separatedBy: "id=\"gnuplot_plot_2\"").first ?? ""
    #expect(count("<polygon", in: heatMap) == 10 * 10)
    for n in [178, 182, 177, 183, 181, 174, 180] { #expect(hasText(svg, "\(n)"), "count \(n)") }
    #expect(hasText(svg, "predicted"))
    #expect(hasText(svg, "true"))
    #expect(hasText(svg, "confusion · 183 of 1797 right"))
  }

  @Test func asTextImagesAreCharacterPicturesAndAMatrixItsTable() throws {
    let (out, result) = run(
      alwaysThree + """

        plot(digits(), n: 4)
        plot(net, digits(), n: 2)
        plot(confusion(net, digits()))
        plot(digits(), n: 2, file: "\(path("digits.txt"))")
        """, setting: .text)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    // The first digit, a 0, 16 characters wide (2 per pixel) and 8 lines high; its bright
    // strokes reach the top band '@' (16/16), its corners are blank.
    #expect(out.contains("0" + String(repeating: " ", count: 17) + "1"))
    #expect(out.contains("@"))
    #expect(out.contains("0→3 ✗"))
    #expect(out.contains("true (rows) against predicted (columns)"))
    let text = try file("digits.txt")
    #expect(text.hasPrefix("digits\n"))
    // The title, the captions' line and 8 lines of two pictures 16 wide, 2 apart.
    let lines = text.split(separator: "\n")
    #expect(lines.count == 10)
    #expect(lines.dropFirst().allSatisfy { $0.count == 16 + 2 + 16 })
  }

  @Test func aNotebookFigureOfImagesIsAnSVGWithThem() throws {
    let plot = Plot(
      kind: .images, title: "two",
      images: Plot.ImageGrid(
        channels: 1, height: 2, width: 2, columns: 2,
        tiles: [
          Plot.ImageGrid.Tile(pixels: [0, 1, 1, 0], caption: "a"),
          Plot.ImageGrid.Tile(pixels: [1, 0, 0, 1], caption: "b", marked: true),
        ]))
    let svg = String(decoding: try Plotter().svg(plot), as: UTF8.self)
    #expect(count("<polygon", in: svg) == 2 * 4)
    #expect(hasText(svg, "a"))
    #expect(hasText(svg, "b"))
  }

  @Test func mistakesInImagePlotsAreClearErrors() {
    let cases: [(String, String)] = [
      ("plot(moons(20), n: 4)", "n: applies to images"),
      ("plot(digits(), wrong: true)", "wrong: true shows a model's mistakes"),
      (alwaysThree + "\nplot(digits(), net)", "the model comes first: plot(net, data)"),
      ("plot(dataset(randn(4, 2, 3, 3), [0, 1, 0, 1], classes: 2))", "samples [2, 3, 3]"),
      ("plot(digits(), n: 0)", "n must be at least 1"),
      ("plot(randn(40, 3, 200, 200))", "more than a figure draws"),
      (
        "d = dataset(zeros(2, 1), [0, 1], classes: 300);\nplot(confusion(dense(1, 2), d))",
        "too large to draw"
      ),
      (
        "d = dataset(zeros(2, 1), [0, 1], classes: 1e9);\nconfusion(dense(1, 2), d)",
        "exceeds the memory cap"
      ),
    ]
    for (source, expected) in cases {
      let (out, result) = run(source)
      guard case .failed(let diagnostics) = result else {
        Issue.record("\(source) did not fail: \(out)")
        continue
      }
      let text = diagnostics.map(\.message).joined(separator: "\n")
      #expect(text.contains(expected), "\(source): \(text)")
    }
  }
}
