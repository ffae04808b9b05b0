/// The mathematics in Markdown prose, cut out before the Markdown renderer sees it and put
/// back after as MathML.
///
/// Ink knows no mathematics: it reads `_` as emphasis and drops `\`, so
/// `$E = \frac{1}{2}\sum (t - o)^2$` would reach the page as `frac{1}{2}sum`. Each span is
/// therefore replaced by a placeholder of letters and digits, which Ink passes through
/// untouched, and the placeholder is then replaced by the span's MathML.
///
/// Spans follow the rules GitHub and Pandoc use: `$$…$$` is display math; `$…$` is inline
/// math when the opening `$` is not followed by a space and the closing `$` is neither
/// preceded by a space nor followed by a digit, so "$5 and $10" stays text. Neither crosses
/// a blank line or a backquote. `\$` is a literal dollar; code spans and fenced or indented code blocks are
/// left alone.
import Foundation

struct MarkdownMath {
  /// One span as written, without its dollars.
  struct Span: Equatable {
    var tex: String
    var display: Bool
  }

  /// The prose with placeholders in place of the spans and of each `\$`.
  var text: String
  /// The spans in order: the n-th is behind `placeholder(n)`.
  var spans: [Span]
  /// A prefix that occurs nowhere in the prose, so no placeholder can be mistaken.
  let key: String

  init(_ prose: String) {
    var key = "GBMATHQ"
    while prose.contains(key) { key += "Q" }
    self.key = key
    text = ""
    spans = []
    var inFence: Substring?
    var previousBlank = true
    var inList = false
    var inIndentedCode = false
    var chunk: [Character] = []
    for line in prose.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " }
      let blank = trimmed.allSatisfy(\.isWhitespace)
      let isCode: Bool
      if let fence = inFence {
        isCode = true
        if trimmed.hasPrefix(fence) { inFence = nil }
      } else if line.count - trimmed.count < 4,
        trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~")
      {
        inFence = trimmed.prefix(3)
        isCode = true
      } else if line.hasPrefix("    ") || line.hasPrefix("\t") {
        // Indented code starts after a blank line, except inside a list, where the indent
        // continues an item.
        isCode = inIndentedCode || (!blank && previousBlank && !inList)
        inIndentedCode = isCode
      } else {
        isCode = false
        if !blank {
          // A list ends at a paragraph that starts the line after a blank line.
          if Self.startsListItem(trimmed) {
            inList = true
          } else if previousBlank && line.first != " " {
            inList = false
          }
          inIndentedCode = false
        }
      }
      previousBlank = blank
      if isCode {
        flush(&chunk)
        text += line + "\n"
      } else {
        chunk += line
        chunk.append("\n")
      }
    }
    flush(&chunk)
    if text.hasSuffix("\n") { text.removeLast() }  // the newline added after the last line
  }

  /// Whether a line (without its indent) starts a list item: `- `, `* `, `+ `, `1. `, `1) `.
  static func startsListItem(_ line: Substring) -> Bool {
    if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") { return true }
    let digits = line.prefix { $0.isASCII && $0.isNumber }
    let rest = line.dropFirst(digits.count)
    return !digits.isEmpty && (rest.hasPrefix(". ") || rest.hasPrefix(") "))
  }

  func placeholder(_ n: Int) -> String { "\(key)\(n)Z" }
  var dollar: String { "\(key)DZ" }

  /// Scans one run of text lines for code spans, escapes and math.
  mutating func flush(_ chunk: inout [Character]) {
    defer { chunk = [] }
    let a = chunk
    var k = 0
    while k < a.count {
      let c = a[k]
      if c == "\\", k + 1 < a.count {
        if a[k + 1] == "$" {
          text += dollar
        } else {
          text.append(c)
          text.append(a[k + 1])
        }
        k += 2
        continue
      }
      if c == "`" {
        let end = Self.codeSpanEnd(a, from: k)
        text += String(a[k..<end])
        k = end
        continue
      }
      if c == "$", let (span, end) = Self.math(a, at: k) {
        text += placeholder(spans.count)
        spans.append(span)
        k = end
        continue
      }
      text.append(c)
      k += 1
    }
  }

  /// The end of the code span opened by the backquotes at `start`; a run with no closing run
  /// of the same length is literal backquotes.
  static func codeSpanEnd(_ a: [Character], from start: Int) -> Int {
    var k = start
    while k < a.count, a[k] == "`" { k += 1 }
    let length = k - start
    while k < a.count {
      if blankLine(a, at: k) { break }
      guard a[k] == "`" else {
        k += 1
        continue
      }
      let runStart = k
      while k < a.count, a[k] == "`" { k += 1 }
      if k - runStart == length { return k }
    }
    return start + length
  }

  /// Whether `a[k]` is a newline that begins a blank line, which ends a paragraph.
  static func blankLine(_ a: [Character], at k: Int) -> Bool {
    guard a[k] == "\n" else { return false }
    var j = k + 1
    while j < a.count, a[j] != "\n" {
      if !a[j].isWhitespace { return false }
      j += 1
    }
    return true
  }

  /// The math span whose opening `$` is at `start`, and the index after it.
  static func math(_ a: [Character], at start: Int) -> (Span, Int)? {
    let display = start + 1 < a.count && a[start + 1] == "$"
    var k = start + (display ? 2 : 1)
    let open = k
    if !display, k >= a.count || a[k].isWhitespace { return nil }
    while k < a.count {
      // A backquote is code's, which wins: "$5, `$x$`" is a price before code.
      if blankLine(a, at: k) || a[k] == "`" { return nil }
      if a[k] == "\\" {
        k += 2
        continue
      }
      if a[k] == "$" {
        if display {
          guard k + 1 < a.count, a[k + 1] == "$" else { return nil }
          let tex = String(a[open..<k])
          if tex.allSatisfy(\.isWhitespace) { return nil }
          return (Span(tex: tex, display: true), k + 2)
        }
        // The first dollar closes the span or there is none: "$5 and $x$" is a price
        // and then math, not one span holding a dollar.
        let followedByDigit = k + 1 < a.count && a[k + 1].isASCII && a[k + 1].isNumber
        guard !a[k - 1].isWhitespace && !followedByDigit else { return nil }
        return (Span(tex: String(a[open..<k]), display: false), k + 1)
      }
      k += 1
    }
    return nil
  }

  /// `html` (Ink's rendering of `text`) with each placeholder replaced by its span's MathML,
  /// or by the escaped source in `<code>` when the span is beyond the converter.
  func restore(in html: String) -> String {
    substituting(in: html) { Self.html($0) }
  }

  /// `text` (a title) with each placeholder replaced by its span's TeX source.
  func restoreSource(in plain: String) -> String {
    substituting(in: plain) { $0.tex }
  }

  /// `text` with each placeholder replaced, in one pass: replacing them one by one would
  /// cost the length of the page for every span.
  func substituting(in text: String, _ replacement: (Span) -> String) -> String {
    var out = ""
    var rest = text[...]
    while let found = rest.range(of: key) {
      out += rest[..<found.lowerBound]
      rest = rest[found.upperBound...]
      // The key is followed by digits and Z (a span) or by DZ (a dollar); Ink moves
      // neither, so anything else is text that happens to follow the key.
      if rest.hasPrefix("DZ") {
        out += "$"
        rest = rest.dropFirst(2)
        continue
      }
      let digits = rest.prefix { $0.isASCII && $0.isNumber }
      if let n = Int(digits), n < spans.count, rest.dropFirst(digits.count).first == "Z" {
        out += replacement(spans[n])
        rest = rest.dropFirst(digits.count + 1)
      } else {
        out += key
      }
    }
    return out + rest
  }

  static func html(_ span: Span) -> String {
    do {
      return try TeXMathML.math(span.tex, display: span.display)
    } catch {
      let dollars = span.display ? "$$" : "$"
      return "<code class=\"math-source\" title=\"\(NotebookExport.escape(error.message))\">"
        + NotebookExport.escape(dollars + span.tex + dollars) + "</code>"
    }
  }
}
