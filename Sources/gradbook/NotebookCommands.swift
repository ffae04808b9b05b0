import ArgumentParser
import Foundation
import NotebookFormat
import Workspace

/// `gradbook run FILE…`: re-executes each notebook in a fresh session and rewrites its
/// outputs in place.
struct RunNotebooks: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Re-run notebooks (.nb.md) and rewrite their outputs in place.")

  @Argument(help: "Notebooks to run.")
  var files: [String]

  func run() throws {
    var failed = false
    for file in files {
      do {
        let notebook = try readNotebook(file)
        let now = NotebookReplay.run(notebook)
        try write(NotebookWriter.write(now), to: file)
        print("\(file): ran \(now.cells.count) cells")
      } catch let error as CommandFailure {
        FileHandle.standardError.write(Data("gradbook: \(error.message)\n".utf8))
        failed = true
      }
    }
    if failed { throw ExitCode.failure }
  }
}

/// `gradbook check FILE…`: re-executes each notebook and compares its outputs with the
/// recorded ones, printing a diff per changed cell; exit status 1 when any differ.
struct CheckNotebooks: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Re-run notebooks and compare their outputs; exit 1 when any differ.")

  @Argument(help: "Notebooks to check.")
  var files: [String]

  @Flag(help: "Accept the new outputs: write them into the notebooks.")
  var update = false

  func run() throws {
    var failed = false
    for file in files {
      do {
        let notebook = try readNotebook(file)
        let now = NotebookReplay.run(notebook)
        let diffs = NotebookReplay.differences(recorded: notebook, now: now, name: file)
        if diffs.isEmpty {
          print("\(file): \(now.cells.count) cells, every output as recorded")
        } else if update {
          try write(NotebookWriter.write(now), to: file)
          print("\(file): updated \(diffs.count) of \(now.cells.count) cells")
        } else {
          print(diffs.joined(), terminator: "")
          print(
            "\(file): \(diffs.count) of \(now.cells.count) cells differ (--update accepts them)")
          failed = true
        }
      } catch let error as CommandFailure {
        FileHandle.standardError.write(Data("gradbook: \(error.message)\n".utf8))
        failed = true
      }
    }
    if failed { throw ExitCode.failure }
  }
}

struct CommandFailure: Error {
  var message: String
}

func readNotebook(_ file: String) throws -> Notebook {
  guard let data = FileManager.default.contents(atPath: file),
    let text = String(data: data, encoding: .utf8)
  else { throw CommandFailure(message: "cannot read \(file)") }
  do {
    return try NotebookReader.read(text)
  } catch let error as NotebookError {
    throw CommandFailure(message: "\(file):\(error.line): \(error.message)")
  }
}

func write(_ text: String, to file: String) throws {
  do {
    try NotebookFile.write(text, to: file)
  } catch let error as NotebookFile.WriteError {
    throw CommandFailure(message: error.message)
  }
}
