import Foundation
import Ink

extension NotebookExport {
  /// `notebook` as one self-contained HTML page: a file to mail or publish that needs no
  /// assets folder, no network and no Gradbook.
  ///
  /// Prose is rendered from Markdown, its mathematics (`$…$`, `$$…$$`) as MathML, which
  /// browsers draw without a script (see `MarkdownMath`); each cell's source and output are
  /// shown verbatim, HTML-escaped, since they are program text, not markup. Figures are embedded as data
  /// URIs in `<img>`, never inline `<svg>`: an image cannot run scripts an SVG might carry.
  /// Raw HTML in prose keeps only harmless tags (`HTMLSanitizer`); any other tag is shown as
  /// the text it was, so a notebook someone else wrote cannot redirect the reader (a meta
  /// refresh), post a form or run a script. A Content-Security-Policy allows nothing but the
  /// page's own style and `data:` images, and no form targets or base URL, as a second wall.
  ///
  /// - Parameters:
  ///   - figures: the bytes of each figure file, keyed by `Figure.path`; a figure without
  ///     bytes is shown as a note naming its path.
  ///   - title: the page's title when the notebook has no `# ` heading, e.g. its file name.
  public static func html(_ notebook: Notebook, figures: [String: Data], title: String) -> String {
    let parser = MarkdownParser()
    var body = ""
    var pageTitle: String?
    var cellCount = 0
    for block in notebook.blocks {
      switch block {
      case .prose(let text):
        guard let prose = trimmedProse(text) else { continue }
        let math = MarkdownMath(joiningWrappedCode(prose))
        let markdown = parser.parse(math.text)
        if pageTitle == nil, let heading = markdown.title, !heading.isEmpty {
          pageTitle = math.restoreSource(in: heading)
        }
        // Raw HTML in the prose is sanitised before the MathML (built here, trusted) goes in.
        let html = math.restore(in: HTMLSanitizer.sanitize(markdown.html))
        body += "<section class=\"prose\">\n\(html)\n</section>\n"
      case .cell(let cell):
        cellCount += 1
        body += "<section class=\"cell\" id=\"cell-\(cellCount)\">\n"
        body += "<pre class=\"source\"><code>\(escape(cell.source))</code></pre>\n"
        if let output = cell.output, !output.isEmpty {
          // The final newline would show as an empty last line in some browsers.
          let shown = output.hasSuffix("\n") ? String(output.dropLast()) : output
          body += "<pre class=\"output\">\(escape(shown))</pre>\n"
        }
        for figure in cell.figures {
          body += figureHTML(figure, bytes: figures[figure.path]) + "\n"
        }
        body += "</section>\n"
      }
    }
    return """
      <!DOCTYPE html>
      <html>
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
      img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="Gradbook">
      <title>\(escape(pageTitle ?? title))</title>
      <style>
      \(stylesheet)
      </style>
      </head>
      <body>
      <main>
      \(body)</main>
      </body>
      </html>

      """
  }

  /// `prose` with each line that starts with inline code joined to the paragraph line before
  /// it. Ink (0.6) ends a paragraph at a line that starts with a backquote, so a hard-wrapped
  /// sentence continuing with `code` would be cut in two; joined, it reads as CommonMark (and
  /// GitHub) read it. Fenced blocks, headings, tables, HTML, quotes, indented code and hard
  /// line breaks are left alone.
  static func joiningWrappedCode(_ prose: String) -> String {
    var lines: [String] = []
    var fence: Substring?
    for line in prose.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " }
      if let open = fence {
        if trimmed.hasPrefix(open) { fence = nil }
      } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        fence = trimmed.prefix(3)
      } else if line.hasPrefix("`"), let previous = lines.last, continuesParagraph(previous) {
        lines[lines.count - 1] = previous + " " + line
        continue
      }
      lines.append(String(line))
    }
    return lines.joined(separator: "\n")
  }

  /// Whether the next line of text may continue `line`'s paragraph.
  static func continuesParagraph(_ line: String) -> Bool {
    let indent = line.prefix { $0 == " " }.count
    guard indent < 4, let first = line.dropFirst(indent).first else { return false }
    return !"#|<>`~".contains(first) && !line.hasSuffix("  ") && !line.hasSuffix("\\")
  }

  /// A figure as an `<img>` with a data URI, its title as `alt` and caption.
  static func figureHTML(_ figure: Figure, bytes: Data?) -> String {
    guard let bytes, let type = mediaType(of: figure) else {
      return "<p class=\"missing\">figure \(escape(figure.path)) could not be embedded</p>"
    }
    let source = "data:\(type);base64,\(bytes.base64EncodedString())"
    return """
      <figure><img src="\(source)" alt="\(escape(figure.title))">\
      <figcaption>\(escape(figure.title))</figcaption></figure>
      """
  }

  /// `text` safe in HTML text and in attribute values, quoted either way.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }

  /// Enough style to read comfortably on screen and on paper; no fonts or files to fetch.
  /// Mathematics asks for a font with an OpenType MATH table (the one on each system:
  /// STIX Two on macOS, Cambria on Windows, DejaVu or Latin Modern on Linux): without one,
  /// brackets around a matrix cannot stretch.
  static let stylesheet = """
    body { margin: 0; background: #fcfcfc; color: #1f2328;
      font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
    h1, h2, h3 { line-height: 1.25; }
    pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    pre { font-size: 14px; line-height: 1.45; padding: 0.6rem 0.8rem; overflow-x: auto;
      border-radius: 6px; white-space: pre; }
    :not(pre) > code { background: #eff1f3; padding: 0.1em 0.3em; border-radius: 4px; }
    .cell { margin: 1rem 0; }
    pre.source { background: #f1f4f9; border-left: 3px solid #4a78c2; margin-bottom: 0.3rem; }
    pre.output { background: #fff; border: 1px solid #e1e4e8; margin-top: 0.3rem; }
    figure { margin: 0.8rem 0; text-align: center; }
    figure img { max-width: 100%; height: auto; background: #fff; }
    figcaption { color: #59636e; font-size: 0.9rem; }
    .missing { color: #b3261e; }
    math { font-size: 1.1em; font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math",
      "DejaVu Math TeX Gyre", math; }
    math[display="block"] { margin: 0.8rem 0; padding: 0.2em 0; overflow-x: auto;
      overflow-y: hidden; }
    code.math-source { color: #6e2b8f; }
    @media print { pre { white-space: pre-wrap; } main { max-width: none; } }
    """
}
