import Foundation
import LineEditing
import NeuralNet
import NotebookFormat
import Plotting
import TensorEngine
import TensorLanguage
import Workspace

/// The interactive loop: reads a statement (over several lines when it is unfinished),
/// evaluates it in one session, prints its value or what went wrong, and handles the `:`
/// commands. Line editing, output and the terminal are hooks, so the loop runs the same
/// over libedit, over a pipe and in tests (code.py's InteractiveConsole over its
/// InteractiveInterpreter).
public final class REPL {
  /// How the REPL looks and where it writes.
  public struct Options {
    /// Colour the prompt and errors (a terminal, and NO_COLOR unset).
    public var colour: Bool
    /// Output goes to a terminal (a live progress line can be redrawn).
    public var isTerminal: Bool
    /// The width tensors and listings are laid out to, asked before each statement.
    public var width: () -> Int
    /// The first line shown; nil shows none.
    public var welcome: String?

    public init(
      colour: Bool = false, isTerminal: Bool = false, width: @escaping () -> Int = { 80 },
      welcome: String? = nil
    ) {
      self.colour = colour
      self.isTerminal = isTerminal
      self.width = width
      self.welcome = welcome
    }
  }

  public let session: Session
  private let capture: OutputRecorder
  /// Where each finished cell is written at once, to survive a crash.
  private let journal: Journal?
  private let reader: LineReader
  private let options: Options
  private let output: (String, Bool) -> Void
  private let finishOutput: () -> Void
  /// Lines of a statement that is not finished yet.
  private var pending: [String] = []
  /// The session so far, as a notebook: each entry with what it printed, and `:md` prose.
  public private(set) var notebook: Notebook
  /// Where `:save` wrote last; `:save` alone writes there again.
  private var notebookFile: String?
  /// The plots each cell of `notebook` drew, by cell, for the figures `:save` writes.
  private var cellPlots: [[Plot]] = []

  /// - Parameters:
  ///   - reader: where lines come from.
  ///   - seed: where the session's random generator starts.
  ///   - journal: where each finished cell is appended at once.
  ///   - cancellation: whether the user asked to stop (Ctrl-C, unless a test stands in).
  ///   - output: receives text and whether it is a transient live line.
  ///   - finish: clears a live line left by the last statement.
  public init(
    reader: LineReader, seed: UInt64 = 42, journal: Journal? = nil, options: Options = Options(),
    cancellation: @escaping () -> Bool = { Interrupts.requested },
    output: @escaping (_ text: String, _ transient: Bool) -> Void,
    finish: @escaping () -> Void = {}
  ) {
    self.reader = reader
    self.options = options
    self.output = output
    self.finishOutput = finish
    self.notebook = Notebook(seed: seed)
    self.journal = journal
    let capture = OutputRecorder()
    self.capture = capture
    self.session = Session(
      isTerminal: options.isTerminal, seed: seed, cancellation: cancellation,
      output: { text, transient in
        if !transient { capture.text += text }
        output(text, transient)
      })
    // A text figure on the screen is not part of the cell's output (its plot is recorded
    // for the notebook's figure).
    session.displayOutput = { text in output(text, false) }
    // A value is recorded as replay prints it (80 columns), whatever the terminal's width.
    session.recordValue = { text in capture.text += text }
  }

  /// Tab completion over this REPL's session.
  public var completer: Completer {
    Completer { [weak session] in session?.bindings ?? [:] }
  }

  public static let primaryPrompt = "gb> "
  public static let continuationPrompt = "..> "

  /// Shows the welcome, replays `notebook` when one is given, then runs until `:quit` or
  /// the end of input; gives the exit status (0).
  public func run(opening notebook: String? = nil) -> Int32 {
    if let text = options.welcome { say(text) }
    if let notebook { open(notebook) }
    while true {
      let prompt =
        pending.isEmpty
        ? Prompt(Self.primaryPrompt, colour: options.colour ? "1;32" : nil)
        : Prompt(Self.continuationPrompt, colour: options.colour ? "32" : nil)
      Interrupts.clear()
      switch reader.readLine(prompt: prompt) {
      case .endOfInput:
        if pending.isEmpty {
          // Ctrl-D leaves the cursor after the prompt; the shell's prompt wants a fresh line.
          if options.isTerminal { output("\n", false) }
          return 0
        }
        // An unfinished statement at the end: say so, then a second Ctrl-D quits.
        let source = pending.joined(separator: "\n")
        pending = []
        report(.failed([.unfinished(source, reason: "the statement is unfinished")]), in: source)
      case .interrupted:
        pending = []
        say("^C")
      case .line(let line):
        if case .quit = handle(line) { return 0 }
      }
    }
  }

  enum Outcome { case proceed, quit }

  /// One line typed at the prompt.
  func handle(_ line: String) -> Outcome {
    if pending.isEmpty {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { return .proceed }
      if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") {
        reader.addHistory(trimmed)
        return command(trimmed)
      }
    }
    pending.append(line)
    let source = pending.joined(separator: "\n")
    if record(source) {
      pending = []
      reader.addHistory(source)
    }
    return .proceed
  }

  /// Evaluates a statement and keeps it as a notebook cell with what it printed and drew;
  /// false when it is unfinished (nothing is kept then).
  @discardableResult
  private func record(_ source: String, options: [String] = []) -> Bool {
    let run = NotebookReplay.runCell(
      source, options: options, in: session, recorder: capture, evaluate: evaluate)
    if case .incomplete = run.evaluation { return false }
    report(run.evaluation, in: source)
    // An interrupted cell keeps where it stopped ({interrupted=N}), so that the notebook and
    // the journal replay what happened rather than all the work that was asked for.
    let cell = Cell(source: source, options: run.options, output: run.output)
    notebook.blocks.append(.cell(cell))
    journal?.append(.cell(cell))
    cellPlots.append(run.plots)
    return true
  }

  private func evaluate(_ source: String, stoppingAt check: Int? = nil) -> Evaluation {
    session.formatter.width = max(20, options.width())
    Interrupts.clear()
    let result = session.evaluate(source, stoppingAt: check)
    finishOutput()
    return result
  }

  private func report(_ result: Evaluation, in source: String) {
    let formatter = DiagnosticFormatter(colour: options.colour)
    switch result {
    case .complete, .incomplete:
      break
    case .failed(let diagnostics):
      for d in diagnostics { output(formatter.format(d, in: source), false) }
    case .interrupted(let range):
      let place =
        range.map { source.contains("\n") ? " at line \($0.start.line)" : "" } ?? ""
      say(paint("interrupted\(place)", "1;33") + " (bindings are kept)")
    }
  }

  // MARK: Commands

  private func command(_ text: String) -> Outcome {
    if text.hasPrefix("?") {
      help(String(text.dropFirst()))
      return .proceed
    }
    let body = text.dropFirst()
    let name = String(body.prefix { !$0.isWhitespace })
    let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    guard let command = Command.named(name) else {
      let names = Command.all.map(\.name)
      let close = closestName(to: name, in: names).map { "; did you mean :\($0)?" } ?? ""
      fail("unknown command :\(name)\(close) (:help commands lists them)")
      return .proceed
    }
    // A command that takes nothing must not quietly do its work with a stray word after it
    // (`:q extra` was meant as something else).
    if command.argument.isEmpty, !argument.isEmpty {
      fail("\(command.usage) takes no argument, not '\(argument)'")
      return .proceed
    }
    switch command.name {
    case "help": help(argument)
    case "vars": vars()
    case "reset":
      let count = session.bindings.count
      session.reset()
      say("forgot \(count) binding" + (count == 1 ? "" : "s"))
    case "history": history(argument)
    case "time": time(argument)
    case "plot": plotSetting(argument)
    case "md": markdown(argument)
    case "open": open(Self.unquoted(argument))
    case "save": save(Self.unquoted(argument))
    case "quit": return .quit
    default: break
    }
    return .proceed
  }

  private func help(_ name: String) {
    let name = name.trimmingCharacters(in: .whitespaces)
    if name.isEmpty {
      output(Help.index(width: options.width()), false)
    } else if let page = Help.page(name, width: options.width()) {
      output(page, false)
    } else {
      fail(Help.missing(name))
    }
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
    let width = options.width()
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

  private func history(_ argument: String) {
    let entries = reader.history
    var shown = entries[...]
    if !argument.isEmpty {
      guard let n = Int(argument), n > 0 else {
        fail(":history takes a count of entries, e.g. :history 10")
        return
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
  }

  private func time(_ statement: String) {
    guard !statement.isEmpty else {
      fail(":time needs a statement, e.g. :time fit(net, data, epochs: 100)")
      return
    }
    let start = DispatchTime.now().uptimeNanoseconds
    let result = evaluate(statement)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if case .incomplete = result {
      report(
        .failed([.unfinished(statement, reason: "the statement is unfinished")]), in: statement)
      return
    }
    report(result, in: statement)
    say("time: " + formatDuration(seconds))
  }

  /// Replays a notebook into this session, showing each cell as if typed, then lets the
  /// user continue it; `:save` then writes back to it. While replaying, `file:` in a plot is
  /// ignored, so a stranger's notebook writes nothing.
  public func open(_ file: String) {
    guard !file.isEmpty else {
      fail(":open needs a notebook, e.g. :open xor.nb.md")
      return
    }
    let opened: Notebook
    let text: String
    do {
      text = try NotebookFile.readText(file)
      opened = try NotebookFile.parse(text, of: file)
    } catch let error as NotebookFile.FileError {
      fail(error.message)
      return
    } catch {
      fail("cannot read \(file): \(error)")
      return
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
        record(cell.source, options: cell.options)
      }
    }
    if NotebookReader.hasWindowLineEndings(text) {
      say("\(file) has Windows line endings (CRLF); :save writes them as LF")
    }
    let count = opened.cells.count
    say(
      "opened \(file): \(count) cell" + (count == 1 ? "" : "s") + " replayed; :save writes it back")
  }

  private func markdown(_ text: String) {
    guard !text.isEmpty else {
      fail(":md takes the text to add, e.g. :md ## Training")
      return
    }
    notebook.blocks.append(.prose(text + "\n\n"))
    journal?.append(.prose(text + "\n\n"))
  }

  private func save(_ argument: String) {
    guard var file = argument.isEmpty ? notebookFile : argument else {
      fail(":save needs a file the first time, e.g. :save xor.nb.md")
      return
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
    } catch {
      let reason =
        (error as? PlotError)?.message ?? (error as? NotebookFile.FileError)?.message
        ?? "\(error)"
      fail(
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

  private func plotSetting(_ argument: String) {
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
      fail(":plot takes one of " + names.joined(separator: " ") + ", not '\(argument)'")
    }
  }

  // MARK: Output

  private func say(_ line: String) { output(line + "\n", false) }

  private func fail(_ message: String) {
    say(paint("error:", "1;31") + " " + message)
  }

  private func paint(_ text: String, _ colour: String) -> String {
    options.colour ? "\u{1B}[\(colour)m\(text)\u{1B}[0m" : text
  }
}

/// A wall time for a person: µs, ms or s with three significant digits.
public func formatDuration(_ seconds: Double) -> String {
  if seconds < 1e-3 { return String(format: "%.3g µs", seconds * 1e6) }
  if seconds < 1 { return String(format: "%.3g ms", seconds * 1e3) }
  return String(format: "%.3g s", seconds)
}
