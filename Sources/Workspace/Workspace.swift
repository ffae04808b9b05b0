import Foundation
import NotebookFormat
import Plotting
import TensorEngine
import TensorLanguage

/// The one object a front end holds (the REPL's prompt loop, a Jupyter kernel): a session
/// with its bindings, the `:` commands and `?name` help, completion, the recording of the
/// session as a notebook (each statement a cell, with its output and figures, appended to a
/// journal at once), the history of inputs, and the token that stops the work under way.
/// Everything an input shows goes to the sink it is run with, as `OutputEvent`s.
///
/// Not thread-safe: run inputs from one thread at a time. Only `cancellation` may be used
/// from another thread (a kernel's control channel) while an input runs.
public final class Workspace {
  /// The bindings, the plotter and the language's evaluation.
  public let session: Session
  /// Draws figures: `plotter.svg(plot)` and `plotter.png(plot)` render a `figure` event's
  /// plot through the session's gnuplot for a front end that shows images.
  public var plotter: Plotter { session.plotter }
  /// Stops the input under way at its next step; cleared before each evaluation.
  public let cancellation: CancellationToken
  /// The session so far, as a notebook: each statement with what it printed, and `:md` prose.
  public private(set) var notebook: Notebook
  /// Where `:save` wrote last (or the notebook `:open` read); `:save` alone writes there.
  public private(set) var notebookFile: String?
  /// The inputs run so far (statements and commands, not `?name`), numbered from 1.
  public private(set) var history = InputHistory()
  /// The width, in characters, that values, help and listings are laid out to, asked before
  /// each input; a notebook keeps values at 80 columns whatever it is.
  public var width: () -> Int
  /// The entries `:history` lists; nil lists `history`'s. The REPL lists its line editor's
  /// history, which goes back to earlier sessions.
  public var historyEntries: (() -> [String])?

  /// Where each finished cell is written at once, to survive a crash.
  private let journal: Journal?
  /// The plots each cell of `notebook` drew, by cell, for the figures `:save` writes.
  private var cellPlots: [[Plot]] = []
  private let recorder: CellRecorder
  /// Where the session's events go: the recorder, then the sink of the input being run.
  private let router: EventRouter

  /// The prompts the REPL shows, which `:open` echoes before each cell it replays.
  public static let primaryPrompt = "gb> "
  public static let continuationPrompt = "..> "

  /// - Parameters:
  ///   - seed: where the session's random generator starts (the notebook's `seed=`).
  ///   - journal: where each finished cell is appended at once.
  ///   - isTerminal: output goes to a terminal that redraws a live line (fit then sends
  ///     `progress` events).
  ///   - plotter: where figures are drawn (`:plot` changes its setting).
  ///   - cancellation: the token that stops long work; `CancellationToken(followsInterrupts:
  ///     true)` for one that Ctrl-C sets.
  ///   - width: the front end's width in characters, asked before each input.
  public init(
    seed: UInt64 = 42, journal: Journal? = nil, isTerminal: Bool = false,
    plotter: Plotter = Plotter(), cancellation: CancellationToken = CancellationToken(),
    width: @escaping () -> Int = { 80 }
  ) {
    let recorder = CellRecorder()
    let router = EventRouter(recorder: recorder)
    self.recorder = recorder
    self.router = router
    self.cancellation = cancellation
    self.journal = journal
    self.width = width
    self.notebook = Notebook(seed: seed)
    self.session = Session(
      isTerminal: isTerminal, seed: seed, plotter: plotter,
      cancellation: { cancellation.isCancelled }, events: router.route)
  }

  /// What running an input came to.
  public enum Outcome: Equatable, Sendable {
    /// It ran: a statement to its end, a command, a help page, or nothing (blank input).
    case ok
    /// A statement stops mid-way (open bracket or block, trailing operator): nothing ran and
    /// nothing was kept; a front end asks for more lines and runs the whole again.
    case incomplete
    /// It stopped at an error (sent as `diagnostic`), or a command could not do what it was
    /// asked (`commandError`). Bindings made before the error are kept.
    case failed
    /// The user stopped it (sent as `interrupted`); every binding is kept.
    case interrupted
    /// `:quit`: the front end should end.
    case quit
  }

  /// Runs one input and sends what it shows to `sink`: a statement (whole source, any
  /// number of lines), a `:command`, or `?name`. A statement that ran (even to an error or an
  /// interruption) becomes a cell of `notebook` and of the journal, with `{interrupted=N}`
  /// when it was stopped; its timings are sent but never recorded.
  /// - Parameters:
  ///   - storeHistory: keep the input in `history` (a kernel's `store_history`).
  ///   - recording: keep a statement as a cell of `notebook` and the journal (false for a
  ///     kernel's `silent` requests, which a notebook of the session should not show).
  @discardableResult
  public func run(
    _ input: String, to sink: some OutputSink, storeHistory: Bool = true, recording: Bool = true
  ) -> Outcome {
    router.sink = sink
    defer { router.sink = nil }
    let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty { return .ok }
    if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") {
      if storeHistory { history.append(trimmed) }
      return command(trimmed)
    }
    let outcome = record(input, keeping: recording)
    if outcome != .incomplete, storeHistory { history.append(input) }
    return outcome
  }

  /// Whether `source` is complete, incomplete or invalid, by parsing it alone: nothing runs.
  /// A `:` command or `?name` is complete.
  public func isComplete(_ source: String) -> Completeness {
    let text = source.drop { $0.isWhitespace }
    if text.first == "?" { return .complete }
    return session.isComplete(source)
  }

  /// Completion over this workspace's bindings, from the current folder.
  public var completer: Completer { Completer { [weak session] in session?.bindings ?? [:] } }

  /// The completions at `cursor` (Unicode code points) in `text`.
  public func complete(_ text: String, cursor: Int) -> Completions {
    completer.complete(text, cursor: cursor)
  }

  /// The help page for `name` (what `?name` prints), at the workspace's width; nil when
  /// there is none.
  public func help(_ name: String) -> HelpPage? { Help.lookup(name, width: width()) }

  /// The help page for the name at `cursor` (Unicode code points) in `text`, or when it has
  /// none (a keyword argument, a binding), for the built-in whose call the cursor is in (a
  /// kernel's `inspect_request`); nil when there is neither.
  public func help(at cursor: Int, in text: String) -> HelpPage? {
    Help.names(at: cursor, in: text).lazy.compactMap(help).first
  }

  // MARK: Cells

  /// Evaluates a statement and keeps it as a notebook cell with what it printed and drew.
  private func record(_ source: String, options: [String] = [], keeping: Bool = true)
    -> Outcome
  {
    let run = NotebookReplay.runCell(
      source, options: options, in: session, recorder: recorder, evaluate: evaluate)
    if case .incomplete = run.evaluation { return .incomplete }
    let outcome = report(run.evaluation, in: source)
    guard keeping else { return outcome }
    // An interrupted cell keeps where it stopped ({interrupted=N}), so that the notebook and
    // the journal replay what happened rather than all the work that was asked for.
    let cell = Cell(source: source, options: run.options, output: run.output)
    notebook.blocks.append(.cell(cell))
    journal?.append(.cell(cell))
    cellPlots.append(run.plots)
    return outcome
  }

  private func evaluate(_ source: String, stoppingAt check: Int? = nil) -> Evaluation {
    session.formatter.width = max(20, width())
    cancellation.clear()
    return session.evaluate(source, stoppingAt: check)
  }

  /// Sends what went wrong, if anything; gives the outcome it makes.
  private func report(_ result: Evaluation, in source: String) -> Outcome {
    switch result {
    case .complete: return .ok
    case .incomplete: return .incomplete
    case .failed(let diagnostics):
      for d in diagnostics { send(.diagnostic(d, source: source)) }
      return .failed
    case .interrupted(let range):
      send(.interrupted(at: range, source: source))
      return .interrupted
    }
  }

  // MARK: Commands

  private func command(_ text: String) -> Outcome {
    if text.hasPrefix("?") { return showHelp(String(text.dropFirst())) }
    let body = text.dropFirst()
    let name = String(body.prefix { !$0.isWhitespace })
    let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    guard let command = Command.named(name) else {
      let names = Command.all.map(\.name)
      let close = closestName(to: name, in: names).map { "; did you mean :\($0)?" } ?? ""
      return fail("unknown command :\(name)\(close) (:help commands lists them)")
    }
    // A command that takes nothing must not quietly do its work with a stray word after it
    // (`:q extra` was meant as something else).
    if command.argument.isEmpty, !argument.isEmpty {
      return fail("\(command.usage) takes no argument, not '\(argument)'")
    }
    switch command.name {
    case "help": return showHelp(argument)
    case "vars": vars()
    case "reset":
      let count = session.bindings.count
      session.reset()
      say("forgot \(count) binding" + (count == 1 ? "" : "s"))
    case "history": return showHistory(argument)
    case "time": return time(argument)
    case "plot": return plotSetting(argument)
    case "md": return markdown(argument)
    case "open": return open(Self.unquoted(argument))
    case "save": return save(Self.unquoted(argument))
    case "quit": return .quit
    default: break
    }
    return .ok
  }

  private func showHelp(_ name: String) -> Outcome {
    let name = name.trimmingCharacters(in: .whitespaces)
    if name.isEmpty {
      send(.text(Help.index(width: width())))
    } else if let page = help(name) {
      send(.text(page.text))
    } else {
      return fail(Help.missing(name))
    }
    return .ok
  }

  private func vars() {
    let bindings = session.bindings
    guard !bindings.isEmpty else {
      say("no bindings yet: x = [1, 2, 3] makes one")
      return
    }
    let names = bindings.keys.sorted()
    let nameWidth = (names.map(\.count).max() ?? 0) + 2
    let rows = names.map { name -> (String, String) in
      describe(bindings[name] ?? .none)
    }
    let kindWidth = (rows.map(\.0.count).max() ?? 0) + 2
    let width = width()
    for (name, (kind, detail)) in zip(names, rows) {
      var line =
        name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
        + kind.padding(toLength: kindWidth, withPad: " ", startingAt: 0) + detail
      if line.count > width { line = String(line.prefix(max(1, width - 1))) + "…" }
      say(line)
    }
  }

  /// A binding's kind, and its shape, parameter count or one-line description.
  func describe(_ value: Value) -> (String, String) {
    // The kind as errors name it, without its article: "a data set" is listed as "data set".
    let kind = value.kindName.split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
    /// `text` without `prefix`, which the description repeats from the kind column.
    func dropping(_ prefix: String, _ text: String) -> String {
      text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }
    switch value {
    case .tensor(let t) where t.rank > 0:
      return (t.isParameter ? "parameter" : kind, Shape.describe(t.shape))
    case .layer(let layer):
      let count = layer.parameterCount
      let parts = layer.layers.map(\.description).joined(separator: " >> ")
      return (kind, "\(count) parameter" + (count == 1 ? "" : "s") + " · \(parts)")
    case .dataset(let d): return (kind, dropping("dataset ", d.description))
    case .function(let f): return (kind, f.description)
    case .history(let h): return (kind, dropping("history · ", h.description))
    case .confusion(let c):
      return ("confusion", "\(c.classes) classes · \(c.total) samples · \(c.correct) correct")
    default:
      return (kind, session.formatter.format(value).replacingOccurrences(of: "\n", with: " "))
    }
  }

  private func showHistory(_ argument: String) -> Outcome {
    let entries = historyEntries?() ?? history.entries.map(\.input)
    var shown = entries[...]
    if !argument.isEmpty {
      guard let n = Int(argument), n > 0 else {
        return fail(":history takes a count of entries, e.g. :history 10")
      }
      shown = entries.suffix(n)
    }
    let numberWidth = String(entries.count).count
    for (offset, entry) in shown.enumerated() {
      let number = String(entries.count - shown.count + offset + 1)
      let label = String(repeating: " ", count: numberWidth - number.count) + number + "  "
      let indent = "\n" + String(repeating: " ", count: label.count)
      say(label + entry.replacingOccurrences(of: "\n", with: indent))
    }
    return .ok
  }

  private func time(_ statement: String) -> Outcome {
    guard !statement.isEmpty else {
      return fail(":time needs a statement, e.g. :time fit(net, data, epochs: 100)")
    }
    let start = DispatchTime.now().uptimeNanoseconds
    let result = evaluate(statement)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if case .incomplete = result {
      send(
        .diagnostic(
          .unfinished(statement, reason: "the statement is unfinished"), source: statement))
      return .failed
    }
    let outcome = report(result, in: statement)
    send(.timing(seconds: seconds, text: "time: " + formatDuration(seconds) + "\n"))
    return outcome
  }

  /// Replays a notebook into this session, sending each cell as if typed (after the
  /// prompt) and what it shows, then lets the user continue it; `:save` then writes back to
  /// it. While replaying, `file:` in a plot is ignored and `save` writes only beside the
  /// notebook, so a stranger's notebook writes nothing elsewhere.
  @discardableResult
  public func open(_ file: String, to sink: some OutputSink) -> Outcome {
    router.sink = sink
    defer { router.sink = nil }
    return open(file)
  }

  private func open(_ file: String) -> Outcome {
    guard !file.isEmpty else { return fail(":open needs a notebook, e.g. :open xor.nb.md") }
    let opened: Notebook
    let text: String
    do {
      text = try NotebookFile.readText(file)
      opened = try NotebookFile.parse(text, of: file)
    } catch let error as NotebookFile.FileError {
      return fail(error.message)
    } catch {
      return fail("cannot read \(file): \(error)")
    }
    session.reseed(opened.seed)
    notebook = Notebook(seed: opened.seed)
    cellPlots = []
    notebookFile = file
    session.plotter.writesFiles = false
    // While it replays, errors quote only files of the notebook's own folder.
    let quotable = session.quotableFolder
    session.quotableFolder = NotebookFile.folderPath(of: file)
    // Like gradbook run, its cells save into the notebook's folder and nowhere else.
    session.notebookFiles = NotebookFiles(writeFolder: NotebookFile.folderPath(of: file))
    defer {
      session.plotter.writesFiles = true
      session.quotableFolder = quotable
      session.notebookFiles = nil
    }
    for block in opened.blocks {
      switch block {
      case .prose(let text):
        notebook.blocks.append(.prose(text))
      case .cell(let cell):
        let lines = cell.source.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
          say((i == 0 ? Self.primaryPrompt : Self.continuationPrompt) + line)
        }
        _ = record(cell.source, options: cell.options)
      }
    }
    if NotebookReader.hasWindowLineEndings(text) {
      say("\(file) has Windows line endings (CRLF); :save writes them as LF")
    }
    let count = opened.cells.count
    say(
      "opened \(file): \(count) cell" + (count == 1 ? "" : "s") + " replayed; :save writes it back")
    return .ok
  }

  private func markdown(_ text: String) -> Outcome {
    guard !text.isEmpty else { return fail(":md takes the text to add, e.g. :md ## Training") }
    notebook.blocks.append(.prose(text + "\n\n"))
    journal?.append(.prose(text + "\n\n"))
    return .ok
  }

  private func save(_ argument: String) -> Outcome {
    guard var file = argument.isEmpty ? notebookFile : argument else {
      return fail(":save needs a file the first time, e.g. :save xor.nb.md")
    }
    if !file.hasSuffix(".nb.md") { file += ".nb.md" }
    // Figures are named after the notebook, so they are made now that its name is known.
    let (saved, drawn) = NotebookFigures.attach(
      cellPlots, to: notebook, notebookName: Figure.notebookName(of: file))
    let count = notebook.cells.count
    let cells = "\(count) cell" + (count == 1 ? "" : "s")
    do {
      do {
        try NotebookSaving.save(saved, drawn: drawn, to: file, plotter: session.plotter)
        say("saved \(cells) to \(file)")
      } catch let error as NotebookSaving.DrawingError {
        // Without gnuplot the work is still saved, and links no figure that is not there.
        let (bare, _) = NotebookFigures.attach([], to: notebook, notebookName: "")
        try NotebookSaving.save(bare, drawn: [], to: file, plotter: session.plotter)
        say("saved \(cells) to \(file) without figures: \(error.message)")
      }
      notebookFile = file
      return .ok
    } catch {
      let reason =
        (error as? PlotError)?.message ?? (error as? NotebookFile.FileError)?.message
        ?? "\(error)"
      return fail(
        "\(file) was not saved: \(reason) (the session is kept; :save OTHER.nb.md saves elsewhere)")
    }
  }

  /// A file name as typed after `:save` or `:open`: `"q.nb.md"` and `'q.nb.md'` are
  /// `q.nb.md`, as a shell would read them (names with spaces are typed this way).
  static func unquoted(_ argument: String) -> String {
    for quote in ["\"", "'"] where argument.count >= 2 {
      if argument.hasPrefix(quote) && argument.hasSuffix(quote) {
        return String(argument.dropFirst().dropLast())
      }
    }
    return argument
  }

  private func plotSetting(_ argument: String) -> Outcome {
    let plotter = session.plotter
    if argument.isEmpty {
      say("figures go to: " + (plotter.setting?.rawValue ?? "auto"))
    } else if argument == "auto" {
      plotter.setting = nil
      say("figures go to: auto")
    } else if let setting = Plotter.Setting(rawValue: argument) {
      plotter.setting = setting
      say("figures go to: \(setting.rawValue)")
    } else {
      let names = Plotter.Setting.allCases.map(\.rawValue) + ["auto"]
      return fail(":plot takes one of " + names.joined(separator: " ") + ", not '\(argument)'")
    }
    return .ok
  }

  // MARK: Output

  private func send(_ event: OutputEvent) { session.emit(event) }

  private func say(_ line: String) { send(.text(line + "\n")) }

  private func fail(_ message: String) -> Outcome {
    send(.commandError(message))
    return .failed
  }
}

/// Hands a session's events to the notebook recorder and to the sink of the input being run;
/// a class, so the session's closure can be made before the workspace is whole.
private final class EventRouter {
  let recorder: CellRecorder
  var sink: (any OutputSink)?

  init(recorder: CellRecorder) { self.recorder = recorder }

  func route(_ event: OutputEvent) {
    recorder.record(event)
    sink?.emit(event)
  }
}

/// A wall time for a person: µs, ms or s with three significant digits.
public func formatDuration(_ seconds: Double) -> String {
  if seconds < 1e-3 { return String(format: "%.3g µs", seconds * 1e6) }
  if seconds < 1 { return String(format: "%.3g ms", seconds * 1e3) }
  return String(format: "%.3g s", seconds)
}
