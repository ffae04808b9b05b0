import Foundation
import Testing

@testable import NotebookFormat

/// A notebook with prose, a cell with an output and a figure, and a cell with options: what
/// the export tests take apart.
let exportSample = Notebook(
  seed: 7,
  blocks: [
    .prose("# XOR\n\nThe perceptron cannot separate XOR.\n\n"),
    .cell(
      Cell(
        source: "data = xor()\nplot(data)", output: "dataset xor · 4 samples\n",
        figures: [
          Figure(
            title: "the <data>", path: "xor.nb.assets/cell-1.svg", cell: 1, kind: "points",
            hash: "9f2c")
        ])),
    .prose("\n"),
    .cell(Cell(source: "print(\"<script>alert(1)</script>\")", options: ["no-check"])),
  ])

let exportSVG = """
  <svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">
  <circle cx="10" cy="10" r="8" fill="teal"/>
  </svg>

  """

@Suite struct ExportJupyterTests {
  func parsed(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func proseBecomesMarkdownAndCellsBecomeNumberedCodeCellsWithTheirOutputs() throws {
    let text = try NotebookExport.ipynb(
      exportSample, figures: ["xor.nb.assets/cell-1.svg": Data(exportSVG.utf8)])
    let json = try parsed(text)
    #expect(json["nbformat"] as? Int == 4)
    #expect(json["nbformat_minor"] as? Int == 5)
    let metadata = try #require(json["metadata"] as? [String: Any])
    let kernel = try #require(metadata["kernelspec"] as? [String: String])
    #expect(kernel == ["name": "gradbook", "display_name": "Gradbook", "language": "gradbook"])
    let language = try #require(metadata["language_info"] as? [String: String])
    #expect(
      language == [
        "name": "gradbook", "file_extension": ".gb", "mimetype": "text/x-gradbook",
        "pygments_lexer": "text",
      ])
    // The names are those of the kernelspec `gradbook kernel install` writes.
    #expect(kernel["name"] == KernelSpec.name)
    #expect(kernel["display_name"] == KernelSpec.displayName)

    // The blank prose between the two cells makes no empty markdown cell.
    let cells = try #require(json["cells"] as? [[String: Any]])
    #expect(cells.map { $0["cell_type"] as? String } == ["markdown", "code", "code"])
    #expect(cells.map { $0["id"] as? String } == ["md-1", "cell-1", "cell-2"])
    #expect(
      cells[0]["source"] as? [String] == ["# XOR\n", "\n", "The perceptron cannot separate XOR."])
    #expect(cells[1]["execution_count"] as? Int == 1)
    #expect(cells[2]["execution_count"] as? Int == 2)
    #expect(cells[1]["source"] as? [String] == ["data = xor()\n", "plot(data)"])

    let outputs = try #require(cells[1]["outputs"] as? [[String: Any]])
    #expect(outputs.map { $0["output_type"] as? String } == ["stream", "display_data"])
    #expect(outputs[0]["name"] as? String == "stdout")
    #expect(outputs[0]["text"] as? [String] == ["dataset xor · 4 samples\n"])
    let data = try #require(outputs[1]["data"] as? [String: [String]])
    #expect(Set(data.keys) == ["image/svg+xml", "text/plain"])
    #expect(data["image/svg+xml"]?.joined() == exportSVG)
    #expect(data["text/plain"] == ["the <data>"])

    // A cell without output has no outputs; its options are kept in its metadata.
    #expect((cells[2]["outputs"] as? [Any])?.isEmpty == true)
    let options = (cells[2]["metadata"] as? [String: [String: [String]]])?["gradbook"]?["options"]
    #expect(options == ["no-check"])
  }

  @Test func theSameNotebookGivesTheSameBytesWithSortedKeys() throws {
    let figures = ["xor.nb.assets/cell-1.svg": Data(exportSVG.utf8)]
    let first = try NotebookExport.ipynb(exportSample, figures: figures)
    #expect(try NotebookExport.ipynb(exportSample, figures: figures) == first)
    #expect(first.hasPrefix("{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",\n"))
    #expect(first.hasSuffix("\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"))
  }

  @Test func aPNGFigureIsBase64() throws {
    var notebook = exportSample
    let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 1, 2])
    notebook.blocks[1] = .cell(
      Cell(
        source: "plot(x)",
        figures: [Figure(title: "p", path: "xor.nb.assets/p.png", cell: 1, kind: "loss", hash: "")]
      ))
    let json = try parsed(try NotebookExport.ipynb(notebook, figures: ["xor.nb.assets/p.png": png]))
    let cell = try #require((json["cells"] as? [[String: Any]])?[1])
    let output = try #require((cell["outputs"] as? [[String: Any]])?.first)
    #expect(
      (output["data"] as? [String: Any])?["image/png"] as? String == png.base64EncodedString())
  }

  @Test func aFigureWithoutItsBytesOrOfAnotherKindIsAnError() {
    #expect(
      throws: NotebookExport.ExportError(message: "figure xor.nb.assets/cell-1.svg was not loaded")
    ) {
      try NotebookExport.ipynb(exportSample, figures: [:])
    }
    var notebook = exportSample
    notebook.blocks[1] = .cell(
      Cell(
        source: "x",
        figures: [Figure(title: "", path: "xor.nb.assets/a.gif", cell: 1, kind: "", hash: "")]))
    #expect(throws: NotebookExport.ExportError.self) {
      try NotebookExport.ipynb(notebook, figures: ["xor.nb.assets/a.gif": Data()])
    }
  }

  @Test func stringsAreEscapedAsJSONWantsAndNonASCIIIsKept() {
    var out = ""
    JSON.quote("a\"b\\c\nd\te\u{01}é→", to: &out)
    #expect(out == #""a\"b\\c\nd\te\u0001é→""#)
    #expect(JSON.object([:]).text == "{}\n")
    #expect(JSON.array([.integer(1), .strings(["x"])]).text == "[\n 1,\n [\n  \"x\"\n ]\n]\n")
  }

  @Test func textIsCutIntoLinesThatKeepTheirNewline() {
    #expect(NotebookExport.lines("") == [])
    #expect(NotebookExport.lines("a") == ["a"])
    #expect(NotebookExport.lines("a\n") == ["a\n"])
    #expect(NotebookExport.lines("a\n\nb") == ["a\n", "\n", "b"])
  }
}
