import Foundation
import Testing

@testable import NotebookFormat

@Suite struct ExportHTMLTests {
  let figures = ["xor.nb.assets/cell-1.svg": Data(exportSVG.utf8)]

  @Test func figuresAreEmbeddedAsDataURIsWithTheirTitleEscaped() {
    let page = NotebookExport.html(exportSample, figures: figures, title: "xor.nb.md")
    let uri = "data:image/svg+xml;base64,\(Data(exportSVG.utf8).base64EncodedString())"
    #expect(page.contains("<img src=\"\(uri)\" alt=\"the &lt;data&gt;\">"))
    // Never inline: an SVG's own scripts would run in the page.
    #expect(!page.contains("<svg"))
  }

  @Test func sourcesAndOutputsAreEscaped() {
    var notebook = exportSample
    notebook.blocks[3] = .cell(
      Cell(source: "print('<script>')", output: "<script>alert(\"x\" & 'y')</script>\n"))
    let page = NotebookExport.html(notebook, figures: figures, title: "xor.nb.md")
    #expect(
      page.contains(
        "<pre class=\"output\">&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;</pre>"
      ))
    #expect(
      page.contains("<pre class=\"source\"><code>print(&#39;&lt;script&gt;&#39;)</code></pre>"))
    #expect(!page.contains("<script"))
  }

  @Test func proseIsRenderedAndTheFirstHeadingIsTheTitle() {
    let page = NotebookExport.html(exportSample, figures: figures, title: "xor.nb.md")
    #expect(page.contains("<h1>XOR</h1>"))
    #expect(page.contains("<p>The perceptron cannot separate XOR.</p>"))
    #expect(page.contains("<title>XOR</title>"))
    #expect(page.hasPrefix("<!DOCTYPE html>\n"))
    // Self-contained: nothing to fetch, and the policy forbids fetching or scripting anyway.
    #expect(page.contains("default-src 'none'; img-src data:; style-src 'unsafe-inline'"))
    #expect(!page.contains("http:") && !page.contains("https:"))
  }

  @Test func withoutAHeadingTheTitleIsTheGivenNameEscaped() {
    let notebook = Notebook(blocks: [.prose("Just words.\n"), .cell(Cell(source: "1"))])
    let page = NotebookExport.html(notebook, figures: [:], title: "a<b>.nb.md")
    #expect(page.contains("<title>a&lt;b&gt;.nb.md</title>"))
  }

  @Test func aFigureThatCouldNotBeLoadedIsNamedInPlace() {
    let page = NotebookExport.html(exportSample, figures: [:], title: "x")
    #expect(page.contains("figure xor.nb.assets/cell-1.svg could not be embedded"))
  }

  @Test func aWrappedLineStartingWithCodeStaysInItsParagraph() {
    let notebook = Notebook(blocks: [
      .prose("It learns with a rule:\n`w ← w + η x` after each sample.\n\n```\n`a`\n```\n")
    ])
    let page = NotebookExport.html(notebook, figures: [:], title: "x")
    #expect(
      page.contains("<p>It learns with a rule: <code>w ← w + η x</code> after each sample.</p>"))
    // Inside a fenced block nothing is joined.
    #expect(NotebookExport.joiningWrappedCode("```\nx\n`a`\n```") == "```\nx\n`a`\n```")
    #expect(NotebookExport.joiningWrappedCode("# T\n`a`") == "# T\n`a`")
  }
}
