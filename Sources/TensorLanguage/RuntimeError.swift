/// An error raised while evaluating: a message, and the source range it belongs to when the
/// interpreter knows it (built-ins throw without one and the interpreter adds the call's).
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var range: SourceRange?
  /// Extra lines shown after the message: a signature, a suggestion.
  public var notes: [String]
  /// The text `range` points into when it is not the text being run (see
  /// `Diagnostic.source`).
  public var source: String?

  public init(_ message: String, at range: SourceRange? = nil, notes: [String] = []) {
    self.message = message
    self.range = range
    self.notes = notes
  }

  public var description: String { message }
}
