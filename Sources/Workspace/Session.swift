import Foundation
import Plotting
import TensorEngine
import TensorLanguage

/// What evaluating a piece of source gave.
public enum Evaluation {
  /// Every statement ran; what they printed went to the output.
  case complete
  /// The source stops mid-statement (open bracket or block, trailing operator): a REPL asks
  /// for another line and evaluates the whole again.
  case incomplete
  /// Syntax errors (all the parser found), or the runtime error that stopped evaluation.
  /// Bindings made by statements before the failing one are kept.
  case failed([Diagnostic])
  /// The user interrupted; `at` is where evaluation stopped, when known.
  case interrupted(at: SourceRange?)
}

/// A session of the workspace: the bindings, and `evaluate(source)` that every front end
/// (script runner, REPL, notebook replay) calls.
public final class Session: Context {
  public let isTerminal: Bool
  /// How values are printed (digits, width).
  public var formatter = ValueFormatter()
  private let events: (OutputEvent) -> Void
  private let cancellation: () -> Bool
  /// This session's random numbers: `seed(n)` and every random draw use it alone.
  private let random: RandomStream
  /// Where figures go; `:plot` changes its setting.
  public let plotter: Plotter
  private lazy var interpreter: Interpreter = {
    madeInterpreter = true
    let interpreter = Interpreter(context: self)
    // Evaluation runs on a thread of `evaluationStackSize`; leave room for the built-ins.
    interpreter.stackLimit = evaluationStackSize - (16 << 20)
    return interpreter
  }()
  /// The folder whose files errors may quote (see `Context.quotableFolder`): where the
  /// session was started, a script's folder, or a notebook's while it is replayed.
  public var quotableFolder: String? = FileManager.default.currentDirectoryPath
  /// False while a notebook is replayed: like `plot(file:)`, `save` then writes nothing.
  public var writesFiles: Bool { plotter.writesFiles }
  /// While a notebook is replayed, the folders its `save` writes into and its loads read
  /// from; nil otherwise, when names are paths from where the user is.
  public var notebookFiles: NotebookFiles?

  public func writeFile(_ data: Data, named file: String) throws {
    if let notebookFiles { return try notebookFiles.write(data, named: file) }
    guard writesFiles else {
      throw RuntimeError(
        "save writes no file while a notebook is replayed without a folder for its files "
          + "(gradbook run and check, and :open, give it its own)")
    }
    try Self.writeAtomically(data, to: file)
  }

  public func pathForReading(_ file: String) -> String {
    notebookFiles?.path(for: file) ?? file
  }
  /// The checks for an interruption asked so far by the evaluation under way, and the one at
  /// which a replay stops it.
  private var checks = 0
  private var stopCheck: Int?
  /// The check (counted from 1 in its evaluation) at which the last evaluation was
  /// interrupted; nil when it was not. The checks come in the same order on every run of the
  /// same source from the same state, so `evaluate(source, stoppingAt:)` with this number
  /// stops a replay where the user stopped the original.
  public private(set) var interruptedAtCheck: Int?

  /// - Parameters:
  ///   - isTerminal: whether output goes to a terminal that can redraw a live line.
  ///   - seed: where the session's random generator starts.
  ///   - plotter: where figures go.
  ///   - cancellation: asked between steps of long work; true stops it (Ctrl-C).
  ///   - events: receives everything the session shows, as it happens (see `OutputEvent`).
  public init(
    isTerminal: Bool = false, seed: UInt64 = 42, plotter: Plotter = Plotter(),
    cancellation: @escaping () -> Bool = { false },
    events: @escaping (OutputEvent) -> Void
  ) {
    self.isTerminal = isTerminal
    self.random = RandomStream(seed: seed)
    self.plotter = plotter
    self.cancellation = cancellation
    self.events = events
  }

  /// A session whose output is plain text: printed text, values, screen text and timings
  /// (`transient: false`), and the live line (`transient: true`); figures are only drawn.
  /// - Parameter output: receives the text and whether it is a transient live line.
  public convenience init(
    isTerminal: Bool = false, seed: UInt64 = 42, plotter: Plotter = Plotter(),
    cancellation: @escaping () -> Bool = { false },
    output: @escaping (_ text: String, _ transient: Bool) -> Void
  ) {
    self.init(
      isTerminal: isTerminal, seed: seed, plotter: plotter, cancellation: cancellation,
      events: { event in
        switch event {
        case .progress(let line): output(line, true)
        case .text(let text), .display(let text), .timing(_, let text): output(text, false)
        case .value(let shown): output(shown.text, false)
        case .commandError(let message): output("error: \(message)\n", false)
        case .progressEnd, .figure, .liveFigure, .diagnostic, .interrupted: break
        }
      })
  }

  /// The current bindings, by name.
  public var bindings: [String: Value] { interpreter.globals }

  /// Restarts the session's random generator, as `seed(n)` does.
  public func reseed(_ seed: UInt64) { random.generator = RandomGenerator(seed: seed) }

  /// Forgets every binding. A value a loop nested without end (`x = (x, 1)`, 200,000 times)
  /// is freed one level per call, so it is freed on the evaluation thread's large stack.
  public func reset() {
    let interpreter = self.interpreter
    onLargeStack { interpreter.reset() }
  }

  /// Whether `interpreter` was made: deinit must not make one (it would refer to the session
  /// being freed).
  private var madeInterpreter = false

  deinit {
    guard madeInterpreter else { return }
    let interpreter = self.interpreter
    onLargeStack { interpreter.reset() }
  }

  /// Parses `source` and runs its statements in order, printing the value of each
  /// expression statement and assignment (unless it ends in `;`). With `stoppingAt`, the
  /// evaluation is interrupted at that check as if Ctrl-C had been pressed just before it.
  public func evaluate(_ source: String, stoppingAt check: Int? = nil) -> Evaluation {
    checks = 0
    stopCheck = check
    interruptedAtCheck = nil
    // Evaluation recurses with the program's nesting; a thread of our own with a large stack
    // keeps the language's depth limits, not the caller's thread, in charge.
    // Work inside one operation (a large random fill, a data set) asks the same counted
    // check as the statements do, so a replay stops it where the user did.
    let result = onLargeStack {
      RandomGenerator.using(self.random) {
        Cancellation.checking({ self.shouldCancel() }) { self.evaluateHere(source) }
      }
    }
    endLiveLine()
    return result
  }

  private func evaluateHere(_ source: String) -> Evaluation {
    let parsed = Parser.parse(source)
    if parsed.incomplete { return .incomplete }
    if !parsed.diagnostics.isEmpty { return .failed(parsed.diagnostics) }
    interpreter.source = source
    for stmt in parsed.statements {
      // Each statement's live figure is a new one (a kernel shows a new display for it).
      liveFigureID = nil
      do {
        let value = try interpreter.execute(stmt)
        echo(stmt, value)
      } catch let error as RuntimeError {
        return .failed([
          Diagnostic(
            error.message, at: error.range ?? stmt.range, notes: error.notes,
            source: error.source)
        ])
      } catch let interruption as Interrupted {
        return .interrupted(at: interruption.range ?? stmt.range)
      } catch {
        return .failed([Diagnostic("\(error)", at: stmt.range)])
      }
      // Work that stops by itself when interrupted (fit) returns normally; stop here too.
      if shouldCancel() { return .interrupted(at: stmt.range) }
    }
    return .complete
  }

  private func echo(_ stmt: Stmt, _ value: Value) {
    switch stmt.kind {
    case .expression(_, let silent) where !silent:
      show(value)
    case .assign(_, _, let silent) where !silent:
      // fit has already reported its run; its history would only repeat it.
      if case .history = value { return }
      show(value)
    case .store(_, _, let silent) where !silent:
      show(value)
    default:
      break
    }
  }

  private func show(_ value: Value) {
    if case .none = value { return }
    let text = formatter.format(value) + "\n"
    // The screen's layout follows the terminal; a notebook's must not, or a session saved
    // from a wide terminal would not check clean anywhere else.
    var record = formatter
    record.width = Self.recordWidth
    let recorded = formatter.width == Self.recordWidth ? text : record.format(value) + "\n"
    emit(.value(ShownValue(value: value, text: text, record: recorded)))
  }

  // MARK: Context

  public func write(_ text: String, transient: Bool) {
    emit(transient ? .progress(text) : .text(text))
  }

  /// Whether a live line is on show, to be ended before the next output.
  private var liveLine = false
  /// The identity of the live figure the statement being run draws, once it drew one.
  private var liveFigureID: Int?
  private var liveFigures = 0

  /// Sends `event` on, ending a live line first when the event prints something, so every
  /// front end sees the live line end where a terminal must clear it.
  public func emit(_ event: OutputEvent) {
    switch event {
    case .progress: liveLine = true
    case .progressEnd:
      guard liveLine else { return }
      liveLine = false
    case .figure, .liveFigure: break
    default: endLiveLine()
    }
    events(event)
  }

  private func endLiveLine() {
    if liveLine { emit(.progressEnd) }
  }

  /// The width values are laid out to in a notebook, as replay lays them out.
  public static let recordWidth = ValueFormatter().width

  public func display(_ text: String) { emit(.display(text)) }
  public func shouldCancel() -> Bool {
    checks += 1
    let stop = stopCheck.map { checks >= $0 } ?? false
    guard stop || cancellation() else { return false }
    if interruptedAtCheck == nil { interruptedAtCheck = checks }
    return true
  }

  public func show(_ plot: Plot, file: String?, size: PlotSize?) throws -> String? {
    let (shown, note) = plot.thinned()
    if let note { emit(.text(note + "\n")) }
    // Recorded whether or not it can be drawn here, as the plotter records it.
    emit(.figure(shown))
    return try reportingPlotErrors { try plotter.show(shown, file: file, size: size) }
  }

  public func showLive(_ plot: Plot) throws {
    let shown = plot.thinned().plot
    if liveFigureID == nil {
      liveFigures += 1
      liveFigureID = liveFigures
    }
    emit(.liveFigure(shown, id: liveFigureID ?? 0))
    try reportingPlotErrors { try plotter.showLive(shown) }
  }

  /// Runs `body`, turning the plotter's and gnuplot's errors into errors of the language.
  private func reportingPlotErrors<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as PlotError {
      throw RuntimeError(error.message)
    } catch let error as GnuplotError {
      throw RuntimeError("\(error)")
    }
  }

  public var livePlotsByDefault: Bool { plotter.goesToWindow }

  public func call(_ function: Function, _ arguments: [Value]) throws -> Value {
    try interpreter.call(function, arguments.map { Arguments.Item($0) }, at: nil)
  }
}
