/// What evaluates for the kernel. The protocol code knows nothing of the language: a backend
/// runs cells and answers completion, help and completeness, in Jupyter's terms.
///
/// `execute`, `complete`, `inspect` and `isComplete` are called on the shell thread one at a
/// time; `interrupt` comes from another thread (control, or the SIGINT watcher) while
/// `execute` runs, and must only ask the running evaluation to stop.
public protocol KernelBackend: AnyObject {
  /// Runs `code`, sending what it prints and shows to `emit` as it happens (nothing is sent
  /// when `silent`); gives how it ended. `storeHistory` is false for code the front end runs
  /// on its own behalf.
  func execute(
    _ code: String, silent: Bool, storeHistory: Bool, emit: @escaping (KernelOutput) -> Void
  ) -> ExecutionOutcome

  /// Completions at `cursor`, counted in Unicode code points from the start of `code`.
  func complete(_ code: String, cursor: Int) -> CompletionResult

  /// The help for the name at `cursor` (code points), as a MIME bundle; nil when there is none.
  func inspect(_ code: String, cursor: Int, detailLevel: Int) -> [String: String]?

  /// Whether `code` is a whole input, without running it.
  func isComplete(_ code: String) -> CodeCompleteness

  /// Asks the running evaluation to stop at its next check; safe from any thread.
  func interrupt()

  /// A one-paragraph greeting for `kernel_info_reply`.
  var banner: String { get }
}

/// One output of a running cell, as Jupyter shows it.
public enum KernelOutput: Sendable, Equatable {
  public enum StreamName: String, Sendable { case stdout, stderr }

  /// Printed text.
  case stream(StreamName, String)
  /// A rich output; with a `displayID`, later outputs with the same id and `update: true`
  /// redraw it in place (a live progress line, a live loss curve).
  case display(data: [String: String], displayID: String?, update: Bool)
  /// The value of the cell, as `execute_result` (at most one per cell).
  case result([String: String])
  /// A page of text for the front end's pager (`?name` typed in a cell).
  case page(String)
}

/// How an execution ended.
public enum ExecutionOutcome: Sendable, Equatable {
  case ok
  /// `error`: what went wrong; `traceback` holds the lines shown (the caret diagnostic).
  case error(name: String, value: String, traceback: [String])
}

/// The answer to `complete_request`: the matches replace the code points `start..<end`.
public struct CompletionResult: Sendable, Equatable {
  public var matches: [String]
  public var start: Int
  public var end: Int

  public init(matches: [String], start: Int, end: Int) {
    self.matches = matches
    self.start = start
    self.end = end
  }
}

/// The answer to `is_complete_request`.
public enum CodeCompleteness: Sendable, Equatable {
  case complete
  /// More lines are needed; `indent` is what the next line should start with.
  case incomplete(indent: String)
  case invalid
  case unknown
}
