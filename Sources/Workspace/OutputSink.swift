import Foundation
import TensorLanguage

/// Where a workspace sends what an input shows, event by event, as it happens: the
/// terminal, a kernel's iopub channel, a test's list.
public protocol OutputSink: AnyObject {
  /// Receives one event, on the thread that runs the input (the evaluation's own thread).
  func emit(_ event: OutputEvent)
}

/// A sink that hands each event to a closure.
public final class ClosureSink: OutputSink {
  private let body: (OutputEvent) -> Void

  public init(_ body: @escaping (OutputEvent) -> Void) { self.body = body }

  public func emit(_ event: OutputEvent) { body(event) }
}

/// The terminal as a sink: every event as the text the REPL prints for it, in colour or not;
/// the live line is handed on as transient text, and figures are left to the plotter, which
/// drew them (their text picture or file name comes as `display`).
public final class TerminalSink: OutputSink {
  private let colour: Bool
  private let write: (String, Bool) -> Void
  private let finish: () -> Void

  /// - Parameters:
  ///   - colour: paint errors and the interruption (the prompt is the REPL's).
  ///   - write: receives text and whether it is the transient live line.
  ///   - finish: clears a live line (`ConsoleOutput.finish`).
  public init(
    colour: Bool, write: @escaping (_ text: String, _ transient: Bool) -> Void,
    finish: @escaping () -> Void = {}
  ) {
    self.colour = colour
    self.write = write
    self.finish = finish
  }

  /// The terminal sink over `console`.
  public convenience init(console: ConsoleOutput, colour: Bool) {
    self.init(
      colour: colour, write: { console.write($0, transient: $1) }, finish: { console.finish() })
  }

  public func emit(_ event: OutputEvent) {
    switch event {
    case .text(let text), .display(let text), .timing(_, let text): write(text, false)
    case .progress(let line): write(line, true)
    case .progressEnd: finish()
    case .value(let shown): write(shown.text, false)
    case .figure, .liveFigure: break
    case .diagnostic(let diagnostic, let source):
      write(DiagnosticFormatter(colour: colour).format(diagnostic, in: source), false)
    case .commandError(let message):
      write(paint("error:", "1;31") + " " + message + "\n", false)
    case .interrupted(let range, let source):
      let place = range.map { source.contains("\n") ? " at line \($0.start.line)" : "" } ?? ""
      write(paint("interrupted\(place)", "1;33") + " (bindings are kept)\n", false)
    }
  }

  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
