import Foundation
import LineEditing
import Workspace

extension REPL {
  /// The REPL on this process's terminal: libedit with the history file and completion
  /// (plain lines when libedit cannot start), colour unless NO_COLOR is set, Ctrl-C caught,
  /// and the terminal put back as it was however the process ends.
  public static func runInTerminal(welcome: String, seed: UInt64 = 42) -> Int32 {
    restoreTerminalOnExit()
    Interrupts.listen()
    defer { Interrupts.stopListening() }
    let console = ConsoleOutput()
    let colour =
      console.isTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    let editor = EditLineReader(historyFile: historyFileURL())
    let repl = REPL(
      reader: editor ?? PlainLineReader(), seed: seed,
      options: Options(
        colour: colour, isTerminal: console.isTerminal, width: terminalWidth,
        welcome: colour ? "\u{1B}[1m\(welcome)\u{1B}[0m" : welcome),
      output: { console.write($0, transient: $1) }, finish: { console.finish() })
    editor?.completer = repl.completer.complete
    return repl.run()
  }
}
