/// A message about the source: what went wrong and where.
public struct Diagnostic: Sendable, Equatable {
  public enum Severity: String, Sendable { case error, warning, note }

  public var severity: Severity
  public var message: String
  public var range: SourceRange
  /// Lines printed after the caret: a suggestion, a signature.
  public var notes: [String]
  /// The text `range` points into, when it is not the text being run: an error inside a
  /// function that an earlier REPL entry defined.
  public var source: String?

  /// An error.
  public init(
    _ message: String, at range: SourceRange, notes: [String] = [], source: String? = nil
  ) {
    self.init(severity: .error, message, at: range, notes: notes, source: source)
  }

  public init(
    severity: Severity, _ message: String, at range: SourceRange, notes: [String] = [],
    source: String? = nil
  ) {
    self.severity = severity
    self.message = message
    self.range = range
    self.notes = notes
    self.source = source
  }
}

/// Renders diagnostics under the source line they point at:
///
/// ```
/// error: cannot multiply [2, 3] @ [2, 1]: inner sizes 3 and 2 differ
///   w @ x
///     ^
/// ```
/// With a file name the first line reads `FILE:LINE:COL: error: …`, as compilers write it.
public struct DiagnosticFormatter {
  public var file: String?
  /// The most characters of a source line an error shows.
  public static let widestLine = 120
  /// Wraps the word "error:" in red when printing to a terminal.
  public var colour: Bool

  public init(file: String? = nil, colour: Bool = false) {
    self.file = file
    self.colour = colour
  }

  /// - Parameter source: the text that was run; the diagnostic's own `source` wins.
  public func format(_ d: Diagnostic, in source: String) -> String {
    let lines = (d.source ?? source).split(separator: "\n", omittingEmptySubsequences: false)
    let label = colour ? "\u{1B}[1;31m\(d.severity.rawValue):\u{1B}[0m" : "\(d.severity.rawValue):"
    var out = ""
    if let file {
      out += "\(file):\(d.range.start.line):\(d.range.start.column): \(label) \(d.message)\n"
    } else {
      let place = lines.count > 1 ? "line \(d.range.start.line): " : ""
      out += "\(label) \(place)\(d.message)\n"
    }
    let lineIndex = d.range.start.line - 1
    if lineIndex >= 0, lineIndex < lines.count {
      var text = lines[lineIndex].replacingTabs()
      var startColumn = Swift.max(1, d.range.start.column)
      var endColumn =
        d.range.end.line == d.range.start.line
        ? Swift.max(d.range.end.column, startColumn + 1) : text.count + 1
      // A line of thousands of characters (a generated chain) is shown as the stretch around
      // the caret, so that the error stays a few lines long.
      let shown = DiagnosticFormatter.widestLine
      if text.count > shown {
        let characters = Array(text)
        let from = Swift.min(
          Swift.max(0, startColumn - 1 - shown / 3), Swift.max(0, characters.count - shown))
        let to = Swift.min(characters.count, from + shown)
        text =
          (from > 0 ? "…" : "") + String(characters[from..<to])
          + (to < characters.count ? "…" : "")
        let shift = from - (from > 0 ? 1 : 0)
        startColumn = Swift.max(1, startColumn - shift)
        endColumn = Swift.min(Swift.max(1, endColumn - shift), text.count + 1)
      }
      out += "  \(text)\n"
      let width = Swift.max(1, Swift.min(endColumn, text.count + 2) - startColumn)
      out +=
        "  " + String(repeating: " ", count: startColumn - 1) + "^"
        + String(repeating: "~", count: width - 1) + "\n"
    }
    for note in d.notes { out += "  \(note)\n" }
    return out
  }
}

extension Substring {
  /// Tabs as single spaces, so that the caret stays under its column.
  fileprivate func replacingTabs() -> String {
    String(map { $0 == "\t" ? " " : $0 })
  }
}
