import Foundation
import Testing

@testable import NotebookFormat

/// Issue 13: prose HTML in an exported page, prose that looks like a fence, CRLF files and
/// salvaging a damaged journal.
@Suite struct SafetyFormatTests {
  func page(_ prose: String) -> String {
    NotebookExport.html(
      Notebook(blocks: [.prose(prose + "\n")]), figures: [:], title: "t.nb.md")
  }

  /// The prose section of a page.
  func body(_ prose: String) -> String {
    let html = page(prose)
    let start = html.range(of: "<section class=\"prose\">\n")!.upperBound
    let end = html.range(of: "\n</section>", range: start..<html.endIndex)!.lowerBound
    return String(html[start..<end])
  }

  @Test func rawHTMLThatActsOnTheReaderIsShownAsText() {
    let cases: [(String, String)] = [
      (
        "<meta http-equiv=\"refresh\" content=\"0;url=https://e.example/\">",
        "&lt;meta http-equiv=\"refresh\" content=\"0;url=https://e.example/\">"
      ),
      (
        "<form action=\"https://e.example/\"><input name=q></form>",
        "&lt;form action=\"https://e.example/\">&lt;input name=q>&lt;/form>"
      ),
      ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
      ("<base href=\"https://e.example/\">", "&lt;base href=\"https://e.example/\">"),
      (
        "<iframe src=\"https://e.example\"></iframe>",
        "&lt;iframe src=\"https://e.example\">&lt;/iframe>"
      ),
      ("<svg onload=\"x()\"></svg>", "&lt;svg onload=\"x()\">&lt;/svg>"),
      ("<style>body{display:none}</style>", "&lt;style>body{display:none}&lt;/style>"),
    ]
    for (raw, shown) in cases {
      #expect(body(raw).contains(shown), "\(raw) → \(body(raw))")
    }
  }

  @Test func harmlessTagsAreKeptWithoutTheirDangerousAttributes() {
    #expect(
      body("a <b onclick=\"x()\">bold</b> <sub>2</sub> <kbd>Ctrl</kbd> word")
        == "<p>a <b>bold</b> <sub>2</sub> <kbd>Ctrl</kbd> word</p>")
    #expect(
      body("<a href=\"https://example.org/a?b=1&amp;c=2\">ok</a>").contains(
        "<a href=\"https://example.org/a?b=1&amp;c=2\">ok</a>"))
    for bad in [
      "javascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:alert(1)",
      "&#106;avascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x",
    ] {
      let html = body("<a href=\"\(bad)\">x</a>")
      #expect(html.contains("<a>x</a>"), "\(bad) → \(html)")
    }
    // A Markdown link to javascript: loses its target too.
    #expect(body("[x](javascript:alert(1))").contains("<a>x</a>"))
    #expect(body("[x](#cell-2) [y](other.html)").contains("<a href=\"#cell-2\">x</a>"))
    #expect(
      body("<img src=\"data:image/png;base64,AAAA\" onerror=\"x()\" alt=\"p\">")
        .contains("<img src=\"data:image/png;base64,AAAA\" alt=\"p\">"))
    #expect(body("<img src=\"https://e.example/t.gif\">").contains("<img>"))
    // Comments are dropped, fenced code keeps its language class.
    #expect(!body("a <!-- hidden --> b").contains("hidden"))
    #expect(body("```swift\nlet a = 1\n```").contains("<code class=\"language-swift\">"))
  }

  @Test func thePolicyForbidsFormsAndABaseURL() {
    let html = page("text")
    #expect(
      html.contains(
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
          + "form-action 'none'; base-uri 'none'\""))
  }

  @Test func mathematicsStillBecomesMathMLBesideSanitisedHTML() {
    let html = body("Here $a < b$ and <script>x</script> $$\\frac{1}{2}$$")
    #expect(html.contains("<mi>a</mi><mo>&lt;</mo><mi>b</mi>"))
    #expect(html.contains("<mfrac>"))
    #expect(html.contains("&lt;script>x&lt;/script>"))
  }

  /// Every prose line that the reader would take for a cell's or an output's fence, with or
  /// without backslashes before it, reads back as the same prose.
  @Test func proseThatLooksLikeAFenceReadsBackAsTheSameProse() throws {
    let tricky = [
      "```output", "```gradbook", "````gradbook {no-check}", "```", "\\```gradbook",
      "\\\\```output", "```gradbook x", "\\text", "``` output", "```gradbook{tolerance=1}",
    ]
    for line in tricky {
      for notebook in [
        Notebook(blocks: [.prose(line + "\n\n")]),
        Notebook(blocks: [
          .prose("# T\n" + line + "\n"), .cell(Cell(source: "1", output: "1\n")),
          .prose(line + "\n\n"), .cell(Cell(source: "2")),
        ]),
      ] {
        let text = NotebookWriter.write(notebook)
        let back = try NotebookReader.read(text)
        #expect(back == notebook, "\(line)\n\(text)")
        #expect(NotebookWriter.write(back) == text)
      }
    }
  }

  @Test func windowsLineEndingsAreRead() throws {
    let lf =
      "<!-- gradbook notebook format=1 seed=3 -->\n# T\n\n```gradbook\n1 + 1\n```\n```output\n2\n```\n"
    let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
    #expect(NotebookReader.hasWindowLineEndings(crlf))
    #expect(!NotebookReader.hasWindowLineEndings(lf))
    #expect(try NotebookReader.read(crlf) == NotebookReader.read(lf))
    #expect(NotebookWriter.write(try NotebookReader.read(crlf)) == lf)
  }

  @Test func salvageKeepsEveryReadableCellAfterAnUnreadableLine() throws {
    // A journal written before prose was escaped: a stray output fence in the middle.
    let text = """
      <!-- gradbook notebook format=1 seed=42 -->
      ```gradbook
      a = 1
      ```
      ```output
      1
      ```

      ```output

      ```gradbook
      b = 2
      ```
      ```gradbook
      c = [1,
      """
    let (notebook, problems) = try NotebookReader.salvage(text)
    #expect(notebook.cells.map(\.source) == ["a = 1", "b = 2"])
    #expect(
      problems.map(\.description) == [
        "line 9: an output block must follow its gradbook cell directly; kept as text",
        "line 14: this block is never closed with ```; the block from here to the end is dropped",
      ])
    #expect(notebook.blocks.contains(.prose("\n```output\n\n")))
  }
}
