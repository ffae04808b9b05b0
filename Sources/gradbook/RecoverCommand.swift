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
    let folder = stateDirectory().appendingPathComponent("sessions")
    guard let source = journal.map(URL.init(fileURLWithPath:)) ?? Journal.journals(in: folder).first
    else {
      FileHandle.standardError.write(Data("gradbook: no journals in \(folder.path)\n".utf8))
      throw ExitCode.failure
    }
    guard let data = FileManager.default.contents(atPath: source.path),
      let text = String(data: data, encoding: .utf8)
    else {
      FileHandle.standardError.write(Data("gradbook: cannot read \(source.path)\n".utf8))
      throw ExitCode.failure
    }
    let notebook: Notebook
    do {
      notebook = try Journal.recover(text)
    } catch {
      FileHandle.standardError.write(
        Data("gradbook: \(source.path) is not a journal: \(error)\n".utf8))
      throw ExitCode.failure
    }
    let target = output ?? freeName("recovered")
    do {
      try NotebookFile.write(NotebookWriter.write(notebook), to: target)
    } catch let error as NotebookFile.WriteError {
      FileHandle.standardError.write(Data("gradbook: \(error.message)\n".utf8))
      throw ExitCode.failure
    }
    print("recovered \(notebook.cells.count) cells from \(source.path) into \(target)")
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
