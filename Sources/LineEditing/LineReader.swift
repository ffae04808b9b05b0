/// What one request for a line gave.
public enum LineInput: Equatable, Sendable {
  /// A line as typed (or recalled and edited), without its newline.
  case line(String)
  /// Ctrl-C at the prompt: whatever was typed is dropped.
  case interrupted
  /// Ctrl-D on an empty line, or the end of piped input.
  case endOfInput
}

/// Reads lines for an interactive front end. The REPL talks only to this protocol, so it runs
/// the same over libedit on a terminal and over plain standard input.
public protocol LineReader: AnyObject {
  /// Shows `prompt` and reads one line. The prompt may hold colour escapes.
  func readLine(prompt: Prompt) -> LineInput
  /// Remembers an entry (a whole statement, possibly of several lines) for recall and for
  /// the next session.
  func addHistory(_ entry: String)
  /// The remembered entries, oldest first.
  var history: [String] { get }
}

/// A prompt: its visible text and, for a terminal, the escape sequences that colour it.
public struct Prompt: Equatable, Sendable {
  public var text: String
  /// SGR parameters, e.g. "1;32" for bold green; nil for no colour.
  public var colour: String?

  public init(_ text: String, colour: String? = nil) {
    self.text = text
    self.colour = colour
  }
}
