import Foundation
import Kernel
import LineEditing
import Plotting
import REPL
import Synchronization
import TensorLanguage
import Workspace

/// The kernel's evaluation over today's `Session`, with the REPL's `Completer` and `Help`.
/// Temporary: once the workspace reports structured output events, this adapter becomes a
/// sink over it, and the dependency on the REPL module goes.
///
/// A cell is replayed with the rules of notebook replay, since it may come from a stranger's
/// notebook: files are written only inside the kernel's folder (the notebook's), figures with
/// `file:` too, and there is no shell.
final class SessionKernelBackend: KernelBackend, @unchecked Sendable {
  let session: Session
  private let folder: String
  private let stopRequested = StopFlag()
  private let router: OutputRouter

  init(folder: String, seed: UInt64 = 42) {
    self.folder = folder
    let router = OutputRouter()
    self.router = router
    let plotter = Plotter(directory: folder)
    plotter.setting = .off
    let stop = stopRequested
    // isTerminal: the live training line is drawn, as a display updated in place.
    session = Session(
      isTerminal: true, seed: seed, plotter: plotter,
      cancellation: { stop.isSet },
      output: { text, transient in router.write(text, transient: transient) })
    session.quotableFolder = folder
    session.notebookFiles = NotebookFiles(writeFolder: folder)
    // The echoed value comes through `recordValue` (laid out as a notebook keeps it) only when
    // the screen's width differs from the record's; the screen's copy is not used.
    session.formatter.width = Session.recordWidth + 20
    session.displayOutput = { text in router.display(text) }
    session.recordValue = { text in router.value(text) }
    plotter.figureSink = { [unowned session] plot, file in
      try Self.figure(plot, file: file, session: session, router: router)
    }
    plotter.liveFigureSink = { [unowned plotter] plot in
      guard let bundle = try? Self.bundle(plot, plotter: plotter) else { return }
      router.liveFigure(bundle)
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
    stopRequested.clear()
    router.start(emit)
    defer { router.finish() }
    let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") { return commands(trimmed) }
    return outcome(of: session.evaluate(code), in: code)
  }

  private func outcome(of evaluation: Evaluation, in code: String) -> ExecutionOutcome {
    let formatter = DiagnosticFormatter()
    switch evaluation {
    case .complete:
      return .ok
    case .incomplete:
      let diagnostic = Diagnostic.unfinished(code)
      return .error(
        name: "SyntaxError", value: diagnostic.message,
        traceback: lines(formatter.format(diagnostic, in: code)))
    case .failed(let diagnostics):
      let syntax = session.isComplete(code) == .invalid
      return .error(
        name: syntax ? "SyntaxError" : "RuntimeError",
        value: diagnostics.first?.message ?? "error",
        traceback: diagnostics.flatMap { lines(formatter.format($0, in: code)) })
    case .interrupted(let range):
      let place = range.map { code.contains("\n") ? " at line \($0.start.line)" : "" } ?? ""
      return .error(
        name: "Interrupted", value: "interrupted\(place) (bindings are kept)",
        traceback: ["interrupted\(place) (bindings are kept)"])
    }
  }

  private func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      .reversed().drop { $0.isEmpty }.reversed()
  }

  /// A cell of `:` commands and `?NAME`, one per line: what a kernel can do of the REPL's.
  private func commands(_ text: String) -> ExecutionOutcome {
    for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) })
    where !line.isEmpty {
      let outcome = command(line)
      if outcome != .ok { return outcome }
    }
    return .ok
  }

  private func command(_ line: String) -> ExecutionOutcome {
    func failure(_ message: String) -> ExecutionOutcome {
      .error(name: "CommandError", value: message, traceback: ["error: " + message])
    }
    if line.hasPrefix("?") { return help(String(line.dropFirst())) }
    guard line.hasPrefix(":") else {
      return failure("a cell of commands has one :command or ?NAME per line, not '\(line)'")
    }
    let body = line.dropFirst()
    let name = String(body.prefix { !$0.isWhitespace })
    let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    guard let command = Command.named(name) else {
      return failure("unknown command :\(name) (:help commands lists them)")
    }
    switch command.name {
    case "help":
      return help(argument)
    case "reset":
      let count = session.bindings.count
      session.reset()
      router.write("forgot \(count) binding" + (count == 1 ? "" : "s") + "\n", transient: false)
    case "vars":
      let names = session.bindings.keys.sorted()
      let width = (names.map(\.count).max() ?? 0) + 2
      let text = names.map { name in
        name.padding(toLength: width, withPad: " ", startingAt: 0)
          + (session.bindings[name]?.kindName ?? "")
      }
      router.write(
        names.isEmpty
          ? "no bindings yet: x = [1, 2, 3] makes one\n"
          : text.joined(separator: "\n")
            + "\n", transient: false)
    case "time":
      guard !argument.isEmpty else {
        return failure(":time needs a statement, e.g. :time fit(net, data, epochs: 100)")
      }
      let start = DispatchTime.now().uptimeNanoseconds
      let result = outcome(of: session.evaluate(argument), in: argument)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      router.write("time: \(formatDuration(seconds))\n", transient: false)
      return result
    case "plot":
      router.write(
        "figures go to: the notebook (in Jupyter every figure is shown in the cell)\n",
        transient: false)
    default:
      return failure(
        ":\(command.name) is for the terminal REPL; in Jupyter the notebook is saved, opened "
          + "and its history kept by the front end")
    }
    return .ok
  }

  private func help(_ name: String) -> ExecutionOutcome {
    let name = name.trimmingCharacters(in: .whitespaces)
    if name.isEmpty {
      router.page(Help.index())
    } else if let page = Help.page(name) {
      router.page(page)
    } else {
      let message = Help.missing(name)
      return .error(name: "HelpError", value: message, traceback: ["error: " + message])
    }
    return .ok
  }

  // MARK: Figures

  private static func bundle(_ plot: Plot, plotter: Plotter) throws -> [String: String] {
    let svg = String(decoding: try plotter.svg(plot), as: UTF8.self)
    let png = try plotter.png(plot).base64EncodedString()
    return [
      "image/svg+xml": svg, "image/png": png,
      "text/plain": "<figure: \(plot.caption)>",
    ]
  }

  /// A figure shown in the cell; with `file:`, also written there, inside the kernel's folder
  /// only (a relative name, no `..`, no link), as a replayed notebook's files are.
  private static func figure(_ plot: Plot, file: String?, session: Session, router: OutputRouter)
    throws -> String?
  {
    let bundle = try bundle(plot, plotter: session.plotter)
    router.figure(bundle)
    guard let file else { return nil }
    let data: Data
    switch try PlotFile.format(of: file) {
    case .svg: data = Data((bundle["image/svg+xml"] ?? "").utf8)
    case .png: data = Data(base64Encoded: bundle["image/png"] ?? "") ?? Data()
    case let other:
      throw RuntimeError(
        "in Jupyter a figure's file: is .svg or .png, not .\(other.rawValue)")
    }
    try session.writeFile(data, named: file)
    return "wrote \(file)"
  }

  // MARK: Completion, help, completeness

  func complete(_ code: String, cursor: Int) -> CompletionResult {
    let scalars = Array(code.unicodeScalars)
    let cursor = min(max(0, cursor), scalars.count)
    var before = String.UnicodeScalarView()
    before.append(contentsOf: scalars[..<cursor])
    let completion = Completer(directory: folder) { [session] in session.bindings }
      .complete(String(before))
    let word = completion.word.unicodeScalars.count
    let replaced = String(before).hasSuffix(completion.word) ? word : 0
    var seen: Set<String> = []
    let matches = completion.candidates.map(\.text).filter { seen.insert($0).inserted }
    return CompletionResult(matches: matches, start: cursor - replaced, end: cursor)
  }

  func inspect(_ code: String, cursor: Int, detailLevel: Int) -> [String: String]? {
    let scalars = Array(code.unicodeScalars)
    let cursor = min(max(0, cursor), scalars.count)
    func isName(_ s: Unicode.Scalar) -> Bool { Character(s).isNamePart }
    var start = cursor
    while start > 0, isName(scalars[start - 1]) { start -= 1 }
    var end = cursor
    while end < scalars.count, isName(scalars[end]) { end += 1 }
    var nameScalars = String.UnicodeScalarView()
    nameScalars.append(contentsOf: scalars[start..<end])
    let name = String(nameScalars)
    guard !name.isEmpty else { return nil }
    if let value = session.bindings[name] {
      var formatter = ValueFormatter()
      formatter.width = Session.recordWidth
      return ["text/plain": "\(name): \(value.kindName)\n\(formatter.format(value))\n"]
    }
    return Help.page(name).map { ["text/plain": $0] }
  }

  func isComplete(_ code: String) -> CodeCompleteness {
    // `?NAME` is a line of its own, like a `:` command.
    if code.trimmingCharacters(in: .whitespaces).hasPrefix("?") { return .complete }
    return switch session.isComplete(code) {
    case .complete: .complete
    case .incomplete: .incomplete(indent: "  ")
    case .invalid: .invalid
    }
  }

  func interrupt() { stopRequested.set() }
}

/// An interrupt asked for: set from the control or signal thread, read by the evaluation.
final class StopFlag: Sendable {
  private let flag = Atomic<Bool>(false)
  var isSet: Bool { flag.load(ordering: .relaxed) }
  func set() { flag.store(true, ordering: .relaxed) }
  func clear() { flag.store(false, ordering: .relaxed) }
}

/// Turns a session's output into the kernel's, in order: text as stdout, the echoed value of
/// a cell's last statement as its result (earlier values are printed text), the live line and
/// the live figure as displays updated in place. Everything runs on the evaluation thread.
final class OutputRouter: @unchecked Sendable {
  private var emit: (KernelOutput) -> Void = { _ in }
  /// An echoed value not yet followed by other output: the result, if nothing follows.
  private var pendingValue: String?
  /// Text the session showed that may be the screen's copy of a value (see `value`).
  private var pendingDisplay: String?
  private var liveLine: String?
  private var liveFigure: String?

  func start(_ emit: @escaping (KernelOutput) -> Void) {
    self.emit = emit
    pendingValue = nil
    pendingDisplay = nil
    liveLine = nil
    liveFigure = nil
  }

  func finish() {
    if let text = pendingDisplay { emit(.stream(.stdout, text)) }
    // Jupyter's results end without a newline (IPython's do); printed text keeps its own.
    if let value = pendingValue {
      emit(.result(["text/plain": value.hasSuffix("\n") ? String(value.dropLast()) : value]))
    }
    pendingDisplay = nil
    pendingValue = nil
    emit = { _ in }
  }

  /// Sends what is held as ordinary text, before another output.
  private func flush() {
    if let value = pendingValue { emit(.stream(.stdout, value)) }
    if let text = pendingDisplay { emit(.stream(.stdout, text)) }
    pendingValue = nil
    pendingDisplay = nil
  }

  func write(_ text: String, transient: Bool) {
    if transient {
      let id = liveLine ?? UUID().uuidString.lowercased()
      emit(.display(data: ["text/plain": text], displayID: id, update: liveLine != nil))
      liveLine = id
      return
    }
    flush()
    endLive()
    // A note is a warning about how something is shown (a figure with too many points drawn
    // thinned): where Python's warnings go in Jupyter, standard error.
    emit(.stream(text.hasPrefix("note: ") ? .stderr : .stdout, text))
  }

  /// The live line is cleared, as the terminal clears it, and the next live figure is a new
  /// one (the last frame of this one stays).
  private func endLive() {
    if let id = liveLine {
      emit(.display(data: ["text/plain": ""], displayID: id, update: true))
    }
    liveLine = nil
    liveFigure = nil
  }

  /// Text for the screen: a value's screen copy (then `value` follows at once) or a note.
  func display(_ text: String) {
    flush()
    pendingDisplay = text
  }

  func value(_ text: String) {
    pendingDisplay = nil
    flush()
    endLive()
    pendingValue = text
  }

  func page(_ text: String) {
    flush()
    emit(.page(text))
  }

  func figure(_ bundle: [String: String]) {
    flush()
    emit(.display(data: bundle, displayID: nil, update: false))
  }

  func liveFigure(_ bundle: [String: String]) {
    flush()
    let id = liveFigure ?? UUID().uuidString.lowercased()
    emit(.display(data: bundle, displayID: id, update: liveFigure != nil))
    liveFigure = id
  }
}
