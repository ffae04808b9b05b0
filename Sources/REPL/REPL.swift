import Foundation
import LineEditing
import NotebookFormat
import TensorLanguage
import Workspace

/// The interactive loop over a `Workspace`: reads a statement (over several lines when it is
/// unfinished), hands each whole input to the workspace, and prints what it shows through a
/// terminal sink. Line editing, output and the terminal are hooks, so the loop runs the same
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

  /// The workspace this loop is the front end of.
  public let workspace: Workspace
  /// The workspace's session.
  public var session: Session { workspace.session }
  /// The session so far, as a notebook.
  public var notebook: Notebook { workspace.notebook }
  private let reader: LineReader
  private let options: Options
  private let sink: TerminalSink
  /// Lines of a statement that is not finished yet.
  private var pending: [String] = []

  /// - Parameters:
  ///   - reader: where lines come from.
  ///   - seed: where the session's random generator starts.
  ///   - journal: where each finished cell is appended at once.
  ///   - cancellation: what stops a running statement (Ctrl-C, unless a test stands in).
  ///   - output: receives text and whether it is a transient live line.
  ///   - finish: clears a live line left by the last statement.
  public init(
    reader: LineReader, seed: UInt64 = 42, journal: Journal? = nil, options: Options = Options(),
    cancellation: CancellationToken = CancellationToken(followsInterrupts: true),
    output: @escaping (_ text: String, _ transient: Bool) -> Void,
    finish: @escaping () -> Void = {}
  ) {
    self.reader = reader
    self.options = options
    self.sink = TerminalSink(colour: options.colour, write: output, finish: finish)
    self.workspace = Workspace(
      seed: seed, journal: journal, isTerminal: options.isTerminal, cancellation: cancellation,
      width: options.width)
    // `:history` lists the line editor's entries, which go back to earlier sessions.
    workspace.historyEntries = { [reader] in reader.history }
  }

  /// Tab completion over this REPL's workspace, as the line editor takes it.
  public var completer: (String) -> Completion {
    let completer = workspace.completer
    return { completer.tab($0) }
  }

  public static let primaryPrompt = Workspace.primaryPrompt
  public static let continuationPrompt = Workspace.continuationPrompt

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
      // A Ctrl-C pressed at the prompt must not stop the next statement.
      workspace.cancellation.clear()
      switch reader.readLine(prompt: prompt) {
      case .endOfInput:
        if pending.isEmpty {
          // Ctrl-D leaves the cursor after the prompt; the shell's prompt wants a fresh line.
          if options.isTerminal { sink.emit(.text("\n")) }
          return 0
        }
        // An unfinished statement at the end: say so, then a second Ctrl-D quits.
        let source = pending.joined(separator: "\n")
        pending = []
        sink.emit(
          .diagnostic(.unfinished(source, reason: "the statement is unfinished"), source: source))
      case .interrupted:
        pending = []
        say("^C")
      case .line(let line):
        if case .quit = handle(line) { return 0 }
      }
    }
  }

  /// One line typed at the prompt.
  func handle(_ line: String) -> Workspace.Outcome {
    if pending.isEmpty {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { return .ok }
      if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") {
        reader.addHistory(trimmed)
        return workspace.run(trimmed, to: sink)
      }
    }
    pending.append(line)
    let source = pending.joined(separator: "\n")
    let outcome = workspace.run(source, to: sink)
    if outcome != .incomplete {
      pending = []
      reader.addHistory(source)
    }
    return outcome
  }

  /// Replays a notebook into this session, showing each cell as if typed, then lets the
  /// user continue it, as `:open` does.
  public func open(_ file: String) { workspace.open(file, to: sink) }

  private func say(_ line: String) { sink.emit(.text(line + "\n")) }
}

extension Completer {
  /// What Tab does with the word before the cursor, in the line editor's terms.
  public func tab(_ before: String) -> Completion {
    let found = complete(before)
    return Completion(
      word: found.word,
      candidates: found.candidates.map { .init($0.text, suffix: $0.suffix) })
  }
}
