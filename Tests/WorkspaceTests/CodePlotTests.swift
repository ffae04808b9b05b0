import Foundation
import FoundationXML
import Plotting
import Testing
import Workspace

/// `plot(codes, labels)`: points `[n, 2]` coloured by class, as gnuplot draws them.
@Suite struct CodePlotTests {
  let folder: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-codes-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  func run(_ source: String) -> (String, Evaluation) {
    var out = ""
    let session = Session(
      plotter: Plotter(directory: folder.path), output: { text, _ in out += text })
    return (out, session.evaluate(source))
  }

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  func svg(_ name: String) throws -> (titles: [String], points: [Int], text: String) {
    let data = try Data(contentsOf: folder.appendingPathComponent(name))
    let reader = SVGReader()
    let parser = XMLParser(data: data)
    parser.delegate = reader
    #expect(parser.parse(), "\(name) is well-formed XML")
    return (reader.titles, reader.points, String(decoding: data, as: UTF8.self))
  }

  /// gnuplot's SVG spelling of a palette colour: `rgb( 31, 119, 180)`.
  func svgColour(_ hex: String) -> String {
    let digits = Array(hex.dropFirst())
    let parts = stride(from: 0, to: 6, by: 2).map { i in
      Int(String(digits[i..<(i + 2)]), radix: 16) ?? -1
    }
    return "rgb(" + parts.map { String(format: "%3d", $0) }.joined(separator: ", ") + ")"
  }

  @Test func tenClassesGetTenColoursAndALegend() throws {
    // 40 points, labels 0…9 four times over (i mod 10).
    let (out, result) = run(
      """
      codes = randn([40, 2])
      i = arange(0, 40)
      labels = reshape(i - 10 * floor(i / 10), [40, 1])
      plot(codes, labels, file: "\(path("codes.svg"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let figure = try svg("codes.svg")
    #expect(figure.titles == (0..<10).map { "class \($0)" })
    // Every point of each class, and its mark in the legend.
    #expect(figure.points == [Int](repeating: 5, count: 10))
    for hex in GnuplotScript.colours.prefix(10) {
      #expect(figure.text.contains(svgColour(hex)), "\(hex) is drawn")
    }
    #expect(Set(GnuplotScript.colours.prefix(10)).count == 10)
  }

  @Test func labelsNameTheClassesPresent() throws {
    let (out, result) = run(
      """
      codes = [[0, 0], [1, 1], [2, 0], [3, 1], [4, 0]]
      plot(codes, [3, 7, 3, 7, 3], labels: ["three", "seven"], file: "\(path("named.svg"))")
      """)
    guard case .complete = result else {
      Issue.record("\(result) \(out)")
      return
    }
    let figure = try svg("named.svg")
    #expect(figure.titles == ["three", "seven"])
    #expect(figure.points == [4, 3])
    // Class 3 keeps its own colour (the fourth), whichever classes are present.
    #expect(figure.text.contains(svgColour(GnuplotScript.colours[3])))
    #expect(figure.text.contains(svgColour(GnuplotScript.colours[7])))
  }

  @Test func labelsThatAreNotClassesAreRefused() throws {
    for (source, message) in [
      ("plot([[0, 0], [1, 1]], [0.5, 1])", "whole numbers"),
      ("plot([[0, 0], [1, 1]], [0, 1, 2])", "one label per point"),
      ("plot([[0, 0], [1, 1]], [0, 1], labels: [\"a\"])", "labels: has 1 name for 2 classes;"),
    ] {
      let (out, result) = run(source)
      guard case .failed(let errors) = result else {
        Issue.record("\(source) gave \(result) \(out)")
        continue
      }
      #expect(errors.contains { $0.message.contains(message) }, "\(source): \(errors)")
    }
  }
}
