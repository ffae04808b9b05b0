import Foundation
import NotebookFormat
import Testing
import Workspace

@testable import REPL

/// Issue 13 in the REPL: prose that looks like a fence, quoted file names, stray arguments,
/// saving beside figures in folders with punctuation, and built-ins that took anything.
@Suite struct SafetyREPLTests {
  let fm = FileManager.default

  func folder(_ name: String = "gb-repl-safe") throws -> URL {
    let url = fm.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try fm.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func mdTextThatLooksLikeAFenceRoundTripsThroughTheNotebookAndTheJournal() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let file = root.appendingPathComponent("f.nb.md").path
    let journal = try Journal(folder: root.appendingPathComponent("journals"), seed: 42)
    var out = ""
    let reader = ScriptedReader([
      ":md ```output", "1 + 1", ":md ```gradbook", ":md ```", "2 + 2", ":save \(file)",
    ])
    let repl = REPLUnderTest(reader: reader, journal: journal) { text, _ in out += text }
    _ = repl.run()
    #expect(out.hasSuffix("saved 2 cells to \(file)\n"), "\(out)")
    let expected: [Notebook.Block] = [
      .prose("```output\n\n"), .cell(Cell(source: "1 + 1", output: "2\n")),
      .prose("```gradbook\n\n```\n\n"), .cell(Cell(source: "2 + 2", output: "4\n")),
    ]
    #expect(try NotebookFile.read(file).blocks == expected)
    let (recovered, problems) = try Journal.recover(
      String(contentsOf: journal.url, encoding: .utf8))
    #expect(problems.isEmpty)
    #expect(recovered.blocks == expected)
    // Opened again and saved, it is the same file.
    let before = try String(contentsOfFile: file, encoding: .utf8)
    let again = transcript(ScriptedReader([":open \(file)", ":save"]))
    #expect(again.hasSuffix("saved 2 cells to \(file)\n"))
    #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
  }

  @Test func aQuotedFileNameIsTheNameWithoutQuotes() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    for quote in ["\"", "'"] {
      let file = root.appendingPathComponent("q\(quote == "'" ? "1" : "2").nb.md").path
      let out = transcript(ScriptedReader(["1", ":save \(quote)\(file)\(quote)"]))
      #expect(out.hasSuffix("saved 1 cell to \(file)\n"), "\(out)")
      #expect(fm.fileExists(atPath: file))
      #expect(
        transcript(ScriptedReader([":open \(quote)\(file)\(quote)"])).contains("opened \(file)"))
    }
    #expect(try fm.contentsOfDirectory(atPath: root.path).sorted() == ["q1.nb.md", "q2.nb.md"])
  }

  @Test func aCommandThatTakesNothingRefusesAStrayArgument() {
    let out = transcript(ScriptedReader([":q extra", ":vars now", ":reset all", "x = 6 * 7", "x"]))
    #expect(out.contains("error: :quit takes no argument, not 'extra'\n"))
    #expect(out.contains("error: :vars takes no argument, not 'now'\n"))
    #expect(out.contains("error: :reset takes no argument, not 'all'\n"))
    // Still running after each.
    #expect(out.hasSuffix("42\n"))
  }

  @Test(arguments: ["Bob's notebooks", "a&b", "x(1)"])
  func saveWritesFiguresInAFolderWithPunctuation(_ name: String) throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let dir = root.appendingPathComponent(name)
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("p.nb.md").path
    let out = transcript(ScriptedReader([":plot off", "plot(xor())", ":save \(file)"]))
    #expect(out.hasSuffix("saved 1 cell to \(file)\n"), "\(out)")
    let saved = try NotebookFile.read(file)
    #expect(saved.cells[0].figures.map(\.path) == ["p.nb.assets/cell-1.svg"])
    let svg = try String(contentsOfFile: dir.path + "/p.nb.assets/cell-1.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<?xml"))
  }

  @Test func zeroGradAndBackwardRefuseATensorWithNoParameters() {
    let out = transcript(
      ScriptedReader([
        "zero_grad(5)", "backward(5)", "backward(sum([1, 2]) * 3)", "w = param([1, 2])",
        "backward(sum(w * w))", "w.grad", "zero_grad(w)", "w.grad",
      ]))
    #expect(out.contains("error: zero_grad: target is a plain tensor, which has no gradient"))
    #expect(
      out.contains(
        "error: backward: E depends on no parameter, so there is nothing to back-propagate"))
    #expect(out.components(separatedBy: "backward: E depends on no parameter").count == 3)
    // With a parameter both work as before.
    #expect(out.contains("tensor [2]\n[2, 4]\n"))
    #expect(out.hasSuffix("tensor [2]\n[0, 0]\n"))
  }
}
