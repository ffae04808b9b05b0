import Foundation

/// Reads the text of a `.nb.md` file.
public enum NotebookReader {
  public static func read(_ text: String) throws -> Notebook {
    let text = withUnixLineEndings(text)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // A final newline leaves one empty piece after it.
    if lines.last == "" { lines.removeLast() }
    guard let header = lines.first, let seed = parseHeader(header) else {
      throw NotebookError(
        line: 1,
        "a notebook starts with <!-- gradbook notebook format=\(Notebook.format) seed=N -->")
    }
    var notebook = Notebook(seed: seed)
    var prose = ""
    var i = 1
    func flushProse() {
      if !prose.isEmpty { notebook.blocks.append(.prose(prose)) }
      prose = ""
    }
    while i < lines.count {
      let line = lines[i]
      if let (fence, tag, options) = openingFence(line), tag == "gradbook" {
        let (source, next) = try body(lines, from: i + 1, fence: fence, opened: i + 1)
        var cell = Cell(source: source, options: options)
        i = next
        if i < lines.count, let (outFence, outTag, _) = openingFence(lines[i]), outTag == "output" {
          let (output, after) = try body(lines, from: i + 1, fence: outFence, opened: i + 1)
          cell.output = output.isEmpty ? "" : output + "\n"
          i = after
        }
        while i + 1 < lines.count, let figure = try figure(lines[i], lines[i + 1], line: i + 1) {
          cell.figures.append(figure)
          i += 2
        }
        flushProse()
        notebook.blocks.append(.cell(cell))
        continue
      }
      if let (_, tag, _) = openingFence(line), tag == "output" {
        throw NotebookError(
          line: i + 1, "an output block must follow its gradbook cell directly")
      }
      prose += unescapedProse(line) + "\n"
      i += 1
    }
    flushProse()
    return notebook
  }

  /// `text` with Windows line endings (a notebook edited or checked out on Windows) read as
  /// LF, which the writer writes.
  static func withUnixLineEndings(_ text: String) -> String {
    hasWindowLineEndings(text) ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
  }

  /// Whether `text` ends its lines with CR LF (its first line does).
  public static func hasWindowLineEndings(_ text: String) -> Bool {
    guard let newline = text.utf8.firstIndex(of: UInt8(ascii: "\n")),
      newline > text.utf8.startIndex
    else { return false }
    return text.utf8[text.utf8.index(before: newline)] == UInt8(ascii: "\r")
  }

  /// A prose line as it stands in the file: one that would read as a `gradbook` or
  /// `output` fence (typed with `:md`, say) gets a backslash in front, so that it stays prose
  /// (Markdown shows `\```` as three backquotes); one that already starts with backslashes
  /// before such a fence gets one more, so that reading takes exactly one off again.
  public static func escapedProse(_ line: Substring) -> String {
    openingFence(String(line.drop { $0 == "\\" })) != nil ? "\\" + line : String(line)
  }

  /// The inverse of `escapedProse`.
  static func unescapedProse(_ line: String) -> String {
    line.hasPrefix("\\") && openingFence(String(line.drop { $0 == "\\" })) != nil
      ? String(line.dropFirst()) : line
  }

  /// A figure's link line and the comment under it.
  static func figure(_ link: String, _ comment: String, line: Int) throws -> Figure? {
    guard link.hasPrefix("!["), link.hasSuffix(")"), let close = link.range(of: "]("),
      comment.hasPrefix("<!-- figure ")
    else { return nil }
    let title = String(link[link.index(link.startIndex, offsetBy: 2)..<close.lowerBound])
    let path = String(link[close.upperBound..<link.index(before: link.endIndex)])
    var fields: [String: String] = [:]
    for word in comment.split(separator: " ") where word.contains("=") {
      let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
      fields[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    guard comment.hasSuffix(" -->"), let cell = fields["cell"].flatMap({ Int($0) }),
      let kind = fields["kind"], let hash = fields["data-sha256"]
    else {
      throw NotebookError(
        line: line + 1, "a figure comment reads <!-- figure cell=N kind=K data-sha256=H -->")
    }
    return Figure(title: title, path: path, cell: cell, kind: kind, hash: hash)
  }

  /// `<!-- gradbook notebook format=1 seed=42 -->` gives 42.
  static func parseHeader(_ line: String) -> UInt64? {
    let words = line.split(separator: " ")
    guard words.count == 6, words[0] == "<!--", words[1] == "gradbook", words[2] == "notebook",
      words[3] == "format=\(Notebook.format)", words[4].hasPrefix("seed="), words[5] == "-->"
    else { return nil }
    return UInt64(words[4].dropFirst(5))
  }

  /// A fence line: its backquotes, its tag and the options in braces after it.
  static func openingFence(_ line: String) -> (String, String, [String])? {
    let ticks = line.prefix { $0 == "`" }
    guard ticks.count >= 3 else { return nil }
    let rest = line.dropFirst(ticks.count)
    let tag = String(rest.prefix { $0 != " " && $0 != "{" })
    guard tag == "gradbook" || tag == "output" else { return nil }
    var options: [String] = []
    let tail = rest.dropFirst(tag.count).trimmingCharacters(in: .whitespaces)
    if tail.hasPrefix("{"), tail.hasSuffix("}") {
      options = tail.dropFirst().dropLast().split(separator: " ").map(String.init)
    } else if !tail.isEmpty {
      return nil
    }
    return (String(ticks), tag, options)
  }

  /// The lines up to the closing fence, joined; and the index after it.
  static func body(_ lines: [String], from start: Int, fence: String, opened: Int) throws
    -> (String, Int)
  {
    var i = start
    while i < lines.count {
      if lines[i] == fence { return (lines[start..<i].joined(separator: "\n"), i + 1) }
      i += 1
    }
    throw NotebookError(line: opened, "this block is never closed with \(fence)")
  }
}
