/// File names for figures. They reach gnuplot inside a quoted `set output`, where a name
/// beginning with `|` would run a command and `<` would read one, so only a plain set of
/// characters is accepted.
public enum PlotFile {
  /// Letters, digits and `. _ - + / ~ ,` and spaces.
  static func isSafe(_ c: Character) -> Bool {
    guard c.isASCII else { return c.isLetter || c.isNumber }
    return c.isLetter || c.isNumber || "._-+/~, ".contains(c)
  }

  /// The format a file name asks for, after checking it is safe to hand to gnuplot.
  public static func format(of path: String) throws -> PlotTarget.FileFormat {
    guard !path.isEmpty else { throw PlotError("the file name is empty") }
    if let first = path.first, first == "|" || first == "<" || first == "-" {
      throw PlotError("a file name may not begin with '\(first)'")
    }
    if let bad = path.first(where: { !isSafe($0) }) {
      let shown =
        bad.isASCII && bad.asciiValue.map { $0 < 32 || $0 == 127 } == true
        ? "a control character" : "'\(bad)'"
      throw PlotError(
        "\(shown) is not allowed in a figure's file name: use letters, digits, . _ - + / ~")
    }
    let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
    guard path.contains("."), let format = PlotTarget.FileFormat(rawValue: ext) else {
      throw PlotError("a figure's file name ends in .svg, .png, .pdf or .txt, not '\(path)'")
    }
    return format
  }
}
