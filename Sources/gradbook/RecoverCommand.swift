import ArgumentParser
import Foundation
import LineEditing
import NotebookFormat
import Workspace

/// `gradbook recover [JOURNAL]`: turns the journal of a REPL session (the latest, or the one
/// named) back into a notebook.
struct RecoverNotebook: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "recover",
    abstract: "Turn the journal of a REPL session (the latest by default) into a notebook.")

  @Argument(help: "A journal from $XDG_STATE_HOME/gradbook/sessions (default: the latest).")
  var journal: String?

  @Option(name: .shortAndLong, help: "The notebook to write (default: recovered.nb.md here).")
  var output: String?

  func run() throws {
    try reportingFailures {
      let folder = sessionsDirectory()
      guard
        let source = journal.map(URL.init(fileURLWithPath:)) ?? Journal.latest(in: folder)
      else { throw CommandFailure(message: "no journals with cells in \(folder.path)") }
      let text = try NotebookFile.readText(source.path)
      let notebook: Notebook
      let problems: [String]
      do {
        (notebook, problems) = try Journal.recover(text)
      } catch {
        throw CommandFailure(message: "\(source.path) is not a journal: \(error)")
      }
      let target = output ?? freeName("recovered")
      try NotebookFile.write(NotebookWriter.write(notebook), to: target)
      print("recovered \(notebook.cells.count) cells from \(source.path) into \(target)")
      // Say what could not be read, so nothing is lost without a word.
      for problem in problems {
        FileHandle.standardError.write(
          Data("gradbook: \(source.path): could not read \(problem)\n".utf8))
      }
    }
  }

  /// `recovered.nb.md`, or `recovered-2.nb.md` … when that exists: never overwrite.
  func freeName(_ base: String) -> String {
    var name = "\(base).nb.md"
    var n = 1
    while FileManager.default.fileExists(atPath: name) {
      n += 1
      name = "\(base)-\(n).nb.md"
    }
    return name
  }
}
