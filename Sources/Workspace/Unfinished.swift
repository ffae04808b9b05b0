import TensorLanguage

extension Diagnostic {
  /// What to say when input ends inside a statement that cannot be continued (the end of
  /// a script, of a REPL session, or of a `:time` line): placed just past the last
  /// character, with `reason` (by default the parser's) after "unexpected end of input".
  public static func unfinished(_ source: String, reason: String? = nil) -> Diagnostic {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let last = lines.lastIndex { !$0.allSatisfy(\.isWhitespace) } ?? 0
    let end = SourceLocation(line: last + 1, column: lines[last].count + 1, offset: 0)
    let why =
      reason ?? Parser.parse(source).diagnostics.first?.message ?? "the statement is unfinished"
    return Diagnostic(
      "unexpected end of input: \(why)", at: SourceRange(end, end),
      notes: ["close every bracket and block, and finish the last expression"])
  }
}
