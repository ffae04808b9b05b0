import Foundation
import NotebookFormat
import REPL
import TensorLanguage
import Workspace

/// Runs a whole script: all syntax errors are reported together before anything runs; at
/// the first runtime error it stops. Diagnostics go to standard error as
/// `FILE:LINE:COL: error: …` with the source line and a caret.
struct ScriptRunner {
  let name: String
  let source: String
  var seed: UInt64 = 42

  /// The exit status: 0 when the script ran, 1 after an error, 130 when interrupted.
  func run() -> Int32 {
    Interrupts.listen()
    defer { Interrupts.stopListening() }
    // The session, with the tensors it holds, is freed before Ctrl-C ends the process again:
    // freeing a large one takes a moment, and a Ctrl-C then must not kill the process
    // instead of letting it exit with its status.
    return evaluate()
  }

  private func evaluate() -> Int32 {
    let console = ConsoleOutput()
    let cancellation = CancellationToken(followsInterrupts: true)
    // What the script shows goes to the terminal as the REPL shows it; its errors are
    // reported below, on standard error, with the script's name.
    let sink = TerminalSink(console: console, colour: false)
    let session = Session(
      isTerminal: console.isTerminal, seed: seed, cancellation: { cancellation.isCancelled },
      events: sink.emit)
    if console.isTerminal { session.plotter.textSize = textFigureSize }
    if name != "<stdin>" { session.quotableFolder = NotebookFile.folderPath(of: name) }
    let result = session.evaluate(source)
    console.finish()
    return report(result, in: source)
  }

  /// Prints what went wrong, if anything, and gives the exit status for it.
  private func report(_ result: Evaluation, in source: String) -> Int32 {
    let colour =
      isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let formatter = DiagnosticFormatter(file: name, colour: colour)
    switch result {
    case .complete:
      return 0
    case .incomplete:
      // A script cannot be continued.
      let d = Diagnostic.unfinished(source)
      FileHandle.standardError.write(Data(formatter.format(d, in: source).utf8))
      return 1
    case .failed(let diagnostics):
      for d in diagnostics {
        FileHandle.standardError.write(Data(formatter.format(d, in: source).utf8))
      }
      return 1
    case .interrupted(let range):
      let place = range.map { "\(name):\($0.start.line):\($0.start.column)" } ?? name
      FileHandle.standardError.write(Data("\(place): interrupted\n".utf8))
      return 130
    }
  }
}
