import Foundation
import Kernel
import Plotting
import TensorLanguage
import Workspace

/// The kernel's evaluation: one `Workspace`, as the REPL has, whose output events become
/// Jupyter outputs (`KernelSink`).
///
/// A cell is run with the rules of notebook replay, since it may come from a stranger's
/// notebook: files are written only inside the kernel's folder (the notebook's), figures with
/// `file:` too, the commands that write or read notebooks (`:save`, `:open`, `:md`) are for the
/// terminal, and there is no shell.
final class WorkspaceKernelBackend: KernelBackend, @unchecked Sendable {
  let workspace: Workspace
  private let folder: String

  init(folder: String, seed: UInt64 = 42) {
    self.folder = folder
    let plotter = Plotter(directory: folder)
    // Figures arrive as events and are rendered for the cell; the plotter draws none itself.
    plotter.setting = .off
    // isTerminal: fit sends its live line, which the kernel shows as a display redrawn in
    // place. Values are laid out at the notebook's 80 columns, as a recorded notebook has them.
    workspace = Workspace(seed: seed, isTerminal: true, plotter: plotter, width: { 80 })
    let session = workspace.session
    session.quotableFolder = folder
    session.notebookFiles = NotebookFiles(writeFolder: folder)
    plotter.figureSink = { [unowned session] plot, file in
      try Self.write(plot, to: file, session: session)
    }
  }

  var banner: String {
    "Gradbook \(Gradbook.version): a small language for deep learning. ?NAME in a cell shows "
      + "the help for NAME, :help lists everything."
  }

  // MARK: Execute

  func execute(
    _ code: String, silent: Bool, storeHistory: Bool, emit: @escaping (KernelOutput) -> Void
  ) -> ExecutionOutcome {
    let sink = KernelSink(plotter: workspace.plotter, emit: silent ? { _ in } : emit)
    let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") {
      let outcome = commands(trimmed, sink: sink, storeHistory: storeHistory)
      sink.finish()
      return outcome
    }
    let outcome = workspace.run(code, to: sink, storeHistory: storeHistory, recording: !silent)
    sink.finish()
    if outcome == .incomplete {
      let diagnostic = Diagnostic.unfinished(code)
      return .error(
        name: "SyntaxError", value: diagnostic.message,
        traceback: lines(DiagnosticFormatter().format(diagnostic, in: code)))
    }
    return sink.failure ?? .ok
  }

  /// A cell of `:` commands and `?NAME`, one per line: what a kernel does of the REPL's.
  private func commands(_ text: String, sink: KernelSink, storeHistory: Bool) -> ExecutionOutcome {
    for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) })
    where !line.isEmpty {
      if let failure = command(line, sink: sink, storeHistory: storeHistory) { return failure }
    }
    return .ok
  }

  private func command(_ line: String, sink: KernelSink, storeHistory: Bool) -> ExecutionOutcome? {
    func failure(_ message: String) -> ExecutionOutcome {
      .error(name: "CommandError", value: message, traceback: ["error: " + message])
    }
    // Help goes to the front end's pager, as `?name` does in IPython.
    if line.hasPrefix("?") { return help(String(line.dropFirst()), sink: sink) }
    guard line.hasPrefix(":") else {
      return failure("a cell of commands has one :command or ?NAME per line, not '\(line)'")
    }
    let name = String(line.dropFirst().prefix { !$0.isWhitespace })
    switch Command.named(name)?.name {
    case "help":
      return help(String(line.dropFirst(1 + name.count)), sink: sink)
    case "plot":
      sink.emit(
        .text("figures go to: the notebook (in Jupyter every figure is shown in the cell)\n"))
      return nil
    case "save", "open", "md", "quit":
      return failure(
        ":\(Command.named(name)?.name ?? name) is for the terminal REPL; in Jupyter the "
          + "notebook is saved, opened and its prose kept by the front end")
    default:
      // :vars, :reset, :time and :history run as in the REPL; unknown names get its error.
      _ = workspace.run(line, to: sink, storeHistory: storeHistory)
      return sink.failure
    }
  }

  private func help(_ name: String, sink: KernelSink) -> ExecutionOutcome? {
    let name = name.trimmingCharacters(in: .whitespaces)
    if name.isEmpty {
      sink.page(Help.index())
    } else if let page = workspace.help(name) {
      sink.page(page.text)
    } else {
      let message = Help.missing(name)
      return .error(name: "HelpError", value: message, traceback: ["error: " + message])
    }
    return nil
  }

  // MARK: Figures

  /// A figure's `file:`, written inside the kernel's folder only (a relative name, no `..`,
  /// no link), as a replayed notebook's files are; the figure itself comes as an event.
  private static func write(_ plot: Plot, to file: String?, session: Session) throws -> String? {
    guard let file else { return nil }
    let data: Data
    switch try PlotFile.format(of: file) {
    case .svg: data = try session.plotter.svg(plot)
    case .png: data = try session.plotter.png(plot)
    case let other:
      throw RuntimeError("in Jupyter a figure's file: is .svg or .png, not .\(other.rawValue)")
    }
    try session.writeFile(data, named: file)
    return "wrote \(file)"
  }

  // MARK: Completion, help, completeness

  func complete(_ code: String, cursor: Int) -> CompletionResult {
    let completions = workspace.complete(code, cursor: cursor)
    var seen: Set<String> = []
    let matches = completions.candidates.map(\.text).filter { seen.insert($0).inserted }
    return CompletionResult(matches: matches, start: completions.start, end: completions.end)
  }

  func inspect(_ code: String, cursor: Int, detailLevel: Int) -> [String: String]? {
    // A binding under the cursor is shown as its value; otherwise the help for the name or
    // for the call the cursor is in.
    for name in Help.names(at: cursor, in: code).prefix(1) {
      if let value = workspace.session.bindings[name] {
        var formatter = ValueFormatter()
        formatter.width = Session.recordWidth
        return ["text/plain": "\(name): \(value.kindName)\n\(formatter.format(value))\n"]
      }
    }
    return workspace.help(at: cursor, in: code).map { ["text/plain": $0.text] }
  }

  func isComplete(_ code: String) -> CodeCompleteness {
    switch workspace.isComplete(code) {
    case .complete: .complete
    case .incomplete: .incomplete(indent: "  ")
    case .invalid: .invalid
    }
  }

  func interrupt() { workspace.cancellation.cancel() }
}

/// Lines of `text` without the empty ones at its end.
private func lines(_ text: String) -> [String] {
  text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    .reversed().drop { $0.isEmpty }.reversed()
}
