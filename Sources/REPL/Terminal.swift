import Foundation
import LineEditing
import Plotting
import Workspace

/// A text figure as wide as the terminal and about as tall as it, between 15 and 30 rows,
/// so the prompt and the statement stay in view.
public func textFigureSize() -> PlotSize {
  let (columns, rows) = terminalSize()
  return PlotSize(columns, max(15, min(30, rows - 3)))
}

extension REPL {
  /// The REPL on this process's terminal: libedit with the history file and completion
  /// (plain lines when libedit cannot start), colour unless NO_COLOR is set, Ctrl-C caught,
  /// and the terminal put back as it was however the process ends.
  /// - Parameter notebook: a notebook to open (replay) first, as `:open` does.
  public static func runInTerminal(welcome: String, seed: UInt64 = 42, notebook: String? = nil)
    -> Int32
  {
    restoreTerminalOnExit()
    Interrupts.listen()
    defer { Interrupts.stopListening() }
    let console = ConsoleOutput()
    let colour =
      console.isTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    let editor = EditLineReader(historyFile: historyFileURL())
    let journal: Journal?
    var journalProblem: String?
    do {
      journal = try Journal(folder: sessionsDirectory(), seed: seed)
    } catch {
      journal = nil
      journalProblem =
        "warning: no journal for this session: cannot write in \(sessionsDirectory().path) "
        + "(\(journalReason(error))); a crash would lose the session, so :save often"
    }
    let repl = REPL(
      reader: editor ?? PlainLineReader(), seed: seed, journal: journal,
      options: Options(
        colour: colour, isTerminal: console.isTerminal, width: terminalWidth,
        welcome: (colour ? "\u{1B}[1m\(welcome)\u{1B}[0m" : welcome)
          + (journalProblem.map { "\n" + $0 } ?? "")),
      output: { console.write($0, transient: $1) }, finish: { console.finish() })
    editor?.completer = repl.completer
    repl.session.plotter.textSize = textFigureSize
    return repl.run(opening: notebook)
  }
}

/// Why a journal could not be made, in a few words.
func journalReason(_ error: Error) -> String {
  let cocoa = error as? CocoaError
  if let underlying = cocoa?.userInfo[NSUnderlyingErrorKey] as? NSError,
    underlying.domain == NSPOSIXErrorDomain
  {
    return String(cString: strerror(Int32(underlying.code)))
  }
  return cocoa.map { _ in "it is missing or read-only" } ?? "\(error)"
}
