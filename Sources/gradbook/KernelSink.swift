import Foundation
import Kernel
import Plotting
import TensorLanguage
import Workspace

/// A workspace's output events as Jupyter outputs, in order: printed text as stdout, the value
/// of a cell's last statement as its `execute_result` (earlier values are printed text, as
/// they would scroll by in the REPL), figures as SVG and PNG `display_data`, the live training
/// line and live loss curve as displays redrawn in place, and what stopped the cell as its
/// error. Everything runs on the evaluation thread.
final class KernelSink: OutputSink {
  private let plotter: Plotter
  private let emit: (KernelOutput) -> Void
  /// What stopped the cell, as `execute_reply` reports it; nil when it ran to its end.
  private(set) var failure: ExecutionOutcome?
  /// An echoed value not yet followed by other output: the result, if nothing follows.
  private var pendingValue: String?
  private var liveLine: String?
  /// The display of each live figure of this cell, by the workspace's id for it.
  private var liveFigures: [Int: String] = [:]

  init(plotter: Plotter, emit: @escaping (KernelOutput) -> Void) {
    self.plotter = plotter
    self.emit = emit
  }

  func emit(_ event: OutputEvent) {
    switch event {
    case .progress(let line):
      let id = liveLine ?? Self.newID()
      emit(.display(data: ["text/plain": line], displayID: id, update: liveLine != nil))
      liveLine = id
    case .progressEnd:
      // The live line is cleared, as the terminal clears it.
      if let id = liveLine { emit(.display(data: ["text/plain": ""], displayID: id, update: true)) }
      liveLine = nil
    case .liveFigure(let plot, let number):
      guard let bundle = bundle(plot) else { return }
      flush()
      let id = liveFigures[number] ?? Self.newID()
      emit(.display(data: bundle, displayID: id, update: liveFigures[number] != nil))
      liveFigures[number] = id
    case .figure(let plot):
      guard let bundle = bundle(plot) else { return }
      flush()
      emit(.display(data: bundle, displayID: nil, update: false))
    case .value(let shown):
      flush()
      pendingValue = shown.record
    case .text(let text), .display(let text), .timing(_, let text):
      // A note is a warning about how something is shown (a figure with too many points
      // drawn thinned): where Python's warnings go in Jupyter, standard error.
      print(text, to: text.hasPrefix("note: ") ? .stderr : .stdout)
    case .diagnostic(let diagnostic, let source):
      flush()
      let syntax = !Parser.parse(source).diagnostics.isEmpty
      fail(
        syntax ? "SyntaxError" : "RuntimeError", diagnostic.message,
        DiagnosticFormatter().format(diagnostic, in: source))
    case .commandError(let message):
      flush()
      fail("CommandError", message, "error: " + message)
    case .interrupted(let range, let source):
      flush()
      let place = range.map { source.contains("\n") ? " at line \($0.start.line)" : "" } ?? ""
      let text = "interrupted\(place) (bindings are kept)"
      fail("Interrupted", text, text)
    }
  }

  /// Sends the held value as the cell's result; called once the cell has run.
  func finish() {
    // Jupyter's results end without a newline (IPython's do); printed text keeps its own.
    if let value = pendingValue {
      emit(.result(["text/plain": value.hasSuffix("\n") ? String(value.dropLast()) : value]))
    }
    pendingValue = nil
  }

  /// A help page for the front end's pager.
  func page(_ text: String) {
    flush()
    emit(.page(text))
  }

  private func print(_ text: String, to stream: KernelOutput.StreamName) {
    flush()
    emit(.stream(stream, text))
  }

  /// Sends a held value as printed text, since output follows it.
  private func flush() {
    if let value = pendingValue { emit(.stream(.stdout, value)) }
    pendingValue = nil
  }

  /// The first error of a cell is its error; the rest of its diagnostics join the traceback.
  private func fail(_ name: String, _ value: String, _ text: String) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      .reversed().drop { $0.isEmpty }.reversed()
    if case .error(let first, let message, let traceback) = failure {
      failure = .error(name: first, value: message, traceback: traceback + lines)
    } else {
      failure = .error(name: name, value: value, traceback: Array(lines))
    }
  }

  /// A figure as Jupyter shows it: gnuplot's SVG and PNG, and its caption for viewers that
  /// show no images; nil (with the reason on stderr) when gnuplot cannot draw it.
  private func bundle(_ plot: Plot) -> [String: String]? {
    do {
      let svg = String(decoding: try plotter.svg(plot), as: UTF8.self)
      let png = try plotter.png(plot).base64EncodedString()
      return ["image/svg+xml": svg, "image/png": png, "text/plain": "<figure: \(plot.caption)>"]
    } catch {
      let reason = (error as? PlotError)?.message ?? "\(error)"
      print("the figure was not drawn: \(reason)\n", to: .stderr)
      return nil
    }
  }

  private static func newID() -> String { UUID().uuidString.lowercased() }
}
