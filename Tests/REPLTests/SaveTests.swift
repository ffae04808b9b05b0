import Foundation
import NotebookFormat
import Testing
import Workspace

@testable import REPL

/// `:save` writes the session as a notebook that replays to the same outputs.
@Suite struct SaveTests {
  @Test func aSavedSessionIsANotebookThatChecksClean() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-save-\(UUID().uuidString)").path
    let reader = ScriptedReader([
      ":md # XOR", "data = xor()", "net = dense(2, 4, tanh) >>", "  dense(4, 1, sigmoid)",
      "fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 500);", "accuracy(net, data)",
      "1 +* 2", ":vars", ":save \(file)",
    ])
    let out = transcript(reader)
    #expect(out.hasSuffix("saved 5 cells to \(file).nb.md\n"))
    let text = try String(contentsOfFile: file + ".nb.md", encoding: .utf8)
    let notebook = try NotebookReader.read(text)
    #expect(notebook.seed == 42)
    #expect(text.hasPrefix("<!-- gradbook notebook format=1 seed=42 -->\n# XOR\n\n```gradbook\n"))
    // One cell per entry, a multi-line entry whole; commands are not cells.
    #expect(
      notebook.cells.map(\.source)
        == [
          "data = xor()", "net = dense(2, 4, tanh) >>\n  dense(4, 1, sigmoid)",
          "fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 500);", "accuracy(net, data)",
          "1 +* 2", "net",
        ].dropLast())
    #expect(notebook.cells[3].output == "1\n")
    // The error is an output too, plain (no colour).
    #expect(
      notebook.cells[4].output?.hasPrefix("error: expected an expression but found '*'\n") == true)
    // The training summary, without its timing.
    let summary = try #require(notebook.cells[2].output)
    #expect(summary.hasPrefix("epoch 500/500 · loss ") && summary.hasSuffix("accuracy 1\n"))
    // Replayed in a fresh session, every output is the same.
    let now = NotebookReplay.run(notebook).notebook
    #expect(NotebookReplay.differences(recorded: notebook, now: now, name: "saved").isEmpty)
  }

  /// Tensors are laid out to the terminal's width on the screen, but a saved notebook holds
  /// them as replay prints them, so a session saved from a wide terminal checks clean.
  @Test func aWideTerminalSavesValuesAsReplayLaysThemOut() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-wide-\(UUID().uuidString).nb.md").path
    var screen = ""
    let repl = REPLUnderTest(
      reader: ScriptedReader(["x = linspace(-3, 3, 50)", "print(x[0:2])", ":save \(file)"]),
      options: .init(width: { 120 })
    ) { text, transient in if !transient { screen += text } }
    _ = repl.run()
    let notebook = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8))
    let recorded = try #require(notebook.cells.first?.output)
    // 50 numbers: 12 to a line at 120 columns on the screen, 8 at 80 in the notebook.
    #expect(screen.contains("-1.653,\n"))
    #expect(recorded.contains("-2.143,\n    -2.02,"))
    #expect(recorded.split(separator: "\n").allSatisfy { $0.count <= 80 })
    #expect(!screen.contains(recorded))
    // Only the layout differs: the same numbers in the same order.
    let echoed = try #require(screen.components(separatedBy: "tensor [2]").first)
    let numbers = { (s: String) in s.split(whereSeparator: { " ,[]\n".contains($0) }) }
    #expect(numbers(recorded) == numbers(echoed))
    let now = NotebookReplay.run(notebook).notebook
    #expect(NotebookReplay.differences(recorded: notebook, now: now, name: "wide").isEmpty)
  }

  @Test func openReplaysANotebookAndSaveWritesItBack() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-open-\(UUID().uuidString).nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=5 -->
    # Opened

    ```gradbook
    r = rand(2)
    ```
    ```gradbook
    w = [1,
      2]
    ```

    """.write(toFile: file, atomically: true, encoding: .utf8)
    let reader = ScriptedReader([":open \(file)", "w * 10", ":save"])
    let out = transcript(reader)
    #expect(out.hasPrefix("gb> r = rand(2)\ntensor [2]\n"))
    #expect(out.contains("gb> w = [1,\n..>   2]\ntensor [2]\n[1, 2]\n"))
    #expect(out.contains("opened \(file): 2 cells replayed; :save writes it back\n"))
    #expect(out.hasSuffix("saved 3 cells to \(file)\n"))
    let saved = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8))
    #expect(saved.seed == 5)
    #expect(saved.cells.map(\.source) == ["r = rand(2)", "w = [1,\n  2]", "w * 10"])
    #expect(saved.cells[2].output == "tensor [2]\n[10, 20]\n")
    // The notebook's seed was used: the same numbers as a fresh replay.
    let replay = NotebookReplay.run(saved).notebook
    #expect(replay.cells[0].output == saved.cells[0].output)
  }

  /// A text figure on the screen is not the cell's output; the notebook keeps the figure as
  /// an SVG beside it.
  @Test func aPlotIsSavedAsAFigureNotAsItsTextPicture() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-fig-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("pic.nb.md").path
    let out = transcript(ScriptedReader([":plot text", "plot(xor())", ":save \(file)"]))
    #expect(out.contains("class 0"))  // drawn on the screen, as text
    let saved = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8))
    #expect(saved.cells.count == 1)
    #expect(saved.cells[0].output == nil)
    #expect(saved.cells[0].figures.map(\.path) == ["pic.nb.assets/cell-1.svg"])
    #expect(
      FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("pic.nb.assets/cell-1.svg").path))
  }

  @Test func saveWithoutAFileTheFirstTimeExplains() {
    #expect(
      transcript(ScriptedReader(["1", ":save"])).hasSuffix(
        "error: :save needs a file the first time, e.g. :save xor.nb.md\n"))
    #expect(transcript(ScriptedReader([":md"])).hasPrefix("error: :md takes the text"))
  }
}
