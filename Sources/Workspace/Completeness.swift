import TensorLanguage

/// Whether a piece of source is a whole input, as a front end asks before running it (a
/// Jupyter console's `is_complete_request`, a REPL deciding between `gb>` and `..>`).
public enum Completeness: Equatable, Sendable {
  /// Every statement is finished (or it is a `:` command, or nothing).
  case complete
  /// It stops mid-statement: an open bracket or block, a trailing operator or comma.
  case incomplete
  /// It can never be finished by more lines: a syntax error before its end.
  case invalid
}

extension Session {
  /// Whether `source` is complete, incomplete or invalid, by parsing it alone: nothing runs,
  /// no binding changes, nothing is printed.
  public func isComplete(_ source: String) -> Completeness {
    let text = source.drop { $0.isWhitespace }
    // A `:` command is one line, whatever follows the colon.
    if text.isEmpty || text.first == ":" { return .complete }
    let parsed = Parser.parse(source)
    if parsed.incomplete { return .incomplete }
    return parsed.diagnostics.isEmpty ? .complete : .invalid
  }
}
