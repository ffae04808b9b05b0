import ArgumentParser
import Foundation
import NotebookFormat
import Plotting
import Workspace

/// `gradbook run FILE…`: re-executes each notebook in a fresh session and rewrites its
/// outputs in place.
struct RunNotebooks: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Re-run notebooks (.nb.md) and rewrite their outputs in place.")

  @Argument(help: "Notebooks to run.")
  var files: [String]

  @OptionGroup var memory: MemoryOption

  func run() throws {
    try memory.apply()
    try replayEach(files, writing: .notebookFolder) { file, _, replay in
      try save(replay, to: file)
      print("\(file): ran \(replay.notebook.cells.count) cells")
      return true
    }
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

  @OptionGroup var memory: MemoryOption

  func run() throws {
    try memory.apply()
    // A check leaves the source tree as it was: what the notebook saves goes to a
    // temporary folder, read before the notebook's own.
    try replayEach(files, writing: .temporaryFolder) { file, notebook, replay in
      let now = replay.notebook
      let diffs = NotebookReplay.differences(recorded: notebook, now: now, name: file)
      if diffs.isEmpty {
        print("\(file): \(now.cells.count) cells, every output as recorded")
      } else if update {
        try save(replay, to: file)
        print("\(file): updated \(diffs.count) of \(now.cells.count) cells")
      } else {
        print(diffs.joined(), terminator: "")
        print("\(file): \(diffs.count) of \(now.cells.count) cells differ (--update accepts them)")
        return false
      }
      return true
    }
  }
}

/// Replays each notebook in a fresh session and hands `body` the file, the notebook as
/// recorded and its replay; `body` says whether all is well. A notebook that cannot be read
/// is reported and the others still run; exit status 1 when any failed.
func replayEach(
  _ files: [String], writing: ReplayWrites,
  _ body: (String, Notebook, NotebookReplay.Result) throws -> Bool
) throws {
  var failed = false
  for file in files {
    do {
      try reportingFailures {
        let notebook = try NotebookFile.read(file)
        let folder = NotebookFile.folderPath(of: file)
        var scratch: String?
        defer { scratch.map { try? FileManager.default.removeItem(atPath: $0) } }
        let notebookFiles: NotebookFiles
        switch writing {
        case .notebookFolder:
          notebookFiles = NotebookFiles(writeFolder: folder)
        case .temporaryFolder:
          var template = Array((NSTemporaryDirectory() + "gradbook-check-XXXXXX").utf8CString)
          guard let made = mkdtemp(&template) else {
            throw CommandFailure(message: "cannot make a temporary folder for \(file)'s files")
          }
          scratch = String(cString: made)
          notebookFiles = NotebookFiles(
            writeFolder: scratch ?? folder, readFolders: [scratch ?? folder, folder])
        }
        let replay = NotebookReplay.run(
          notebook, name: Figure.notebookName(of: file), folder: folder, files: notebookFiles)
        if try !body(file, notebook, replay) { failed = true }
      }
    } catch is ExitCode {
      failed = true
    }
  }
  if failed { throw ExitCode.failure }
}

/// Where a replayed notebook's `save` writes: its own folder (`gradbook run`), or a
/// temporary one removed afterwards (`gradbook check`, which changes no file but the
/// notebook it is told to update).
enum ReplayWrites { case notebookFolder, temporaryFolder }

/// What a notebook command says went wrong, printed as `gradbook: message`.
struct CommandFailure: Error {
  var message: String
}

/// Runs `body`; a `CommandFailure` or a file that cannot be read or written is printed as
/// `gradbook: message` and ends the command with exit status 1.
func reportingFailures(_ body: () throws -> Void) throws {
  let message: String
  do {
    return try body()
  } catch let error as CommandFailure {
    message = error.message
  } catch let error as NotebookFile.FileError {
    message = error.message
  }
  FileHandle.standardError.write(Data("gradbook: \(message)\n".utf8))
  throw ExitCode.failure
}

/// Writes a replayed notebook and its figures beside it, as one unit (`NotebookSaving`).
func save(_ replay: NotebookReplay.Result, to file: String) throws {
  let windowsLines = (try? NotebookFile.readText(file)).map(NotebookReader.hasWindowLineEndings)
  do {
    try NotebookSaving.save(
      replay.notebook, drawn: replay.drawn, to: file, plotter: replay.plotter)
  } catch let error as PlotError {
    throw CommandFailure(message: "\(file): \(error.message); nothing was written")
  } catch let error as NotebookSaving.DrawingError {
    throw CommandFailure(message: "\(file): \(error.message); nothing was written")
  } catch let error as NotebookFile.FileError {
    throw CommandFailure(message: error.message)
  } catch {
    throw CommandFailure(message: "\(file): cannot save it: \(error)")
  }
  if windowsLines == true {
    print("\(file): its Windows line endings (CRLF) were written back as LF")
  }
}
