import Foundation
import Testing

@testable import NotebookFormat

/// Mathematics in prose through the whole HTML and Jupyter exports.
@Suite struct ExportMathTests {
  func page(_ prose: String) -> String {
    NotebookExport.html(Notebook(blocks: [.prose(prose)]), figures: [:], title: "x")
  }

  /// The part of the page between `<main>` and `</main>`.
  func main(_ prose: String) -> String {
    let page = page(prose)
    let start = page.range(of: "<main>\n")!.upperBound
    let end = page.range(of: "</main>")!.lowerBound
    return String(page[start..<end])
  }

  static let annotation = #"<annotation encoding="application/x-tex">"#

  @Test func theIssuesFormulaReachesThePageAsMathMLWithItsSource() {
    let html = main(#"The error is $E = \frac{1}{2}\sum (t - o)^2$ over the outputs."#)
    #expect(
      html.hasPrefix(
        "<section class=\"prose\">\n<p>The error is <math><semantics><mrow><mi>E</mi><mo>=</mo>"
          + "<mfrac><mn>1</mn><mn>2</mn></mfrac>"))
    #expect(
      html.contains(
        "\(Self.annotation)E = \\frac{1}{2}\\sum (t - o)^2</annotation></semantics></math>"
          + " over the outputs.</p>"))
    #expect(!html.contains("frac{1}{2}sum"))
  }

  @Test func underscoresInMathAreSubscriptsNotEmphasis() {
    let html = main("From $w_7$ to $o_1$, and $h_1 + h_2$.")
    #expect(!html.contains("<em>"))
    #expect(html.contains("<math><semantics><msub><mi>w</mi><mn>7</mn></msub>"))
    #expect(html.contains("<math><semantics><msub><mi>o</mi><mn>1</mn></msub>"))
    #expect(html.components(separatedBy: "<math>").count == 4)
  }

  @Test func displayMathIsABlockEvenOverSeveralLines() {
    let html = main("Before.\n\n$$\n\\sum_{i=1}^{n} x_i\n$$\n\nAfter.")
    #expect(
      html.contains(
        "<math display=\"block\"><semantics><mrow><munderover><mo largeop=\"true\" "
          + "movablelimits=\"false\">∑</mo>"))
    #expect(html.contains("\(Self.annotation)\n\\sum_{i=1}^{n} x_i\n</annotation>"))
    #expect(html.contains("<p>Before.</p>") && html.contains("<p>After.</p>"))
  }

  @Test func pricesEscapedDollarsAndCodeStayLiteral() {
    for text in [
      "It costs $5 and $10 today.", "Pay $ 5 or $x $ later.", "A lone $ sign.",
      "Tuition: $20 per $5.",
    ] {
      #expect(!page(text).contains("<math"), "\(text)")
    }
    #expect(main(#"Write \$x\$ for a dollar."#).contains("<p>Write $x$ for a dollar.</p>"))
    let code = main("Type `$x_1$` here.\n\n```\nprint(\"$a_b$\")\n```\n\n    $c_d$ indented")
    #expect(!code.contains("<math"))
    #expect(code.contains("<code>$x_1$</code>"))
    #expect(code.contains("$a_b$"))
    #expect(code.contains("$c_d$"))
    // A dollar before a digit closes nothing; the math after it is still math.
    #expect(main("$a$1 and $b$.").contains("<p>$a$1 and <math><semantics><mi>b</mi>"))
    #expect(
      main("A price of $5 stays, `$x_1$` is code.").contains(
        "<p>A price of $5 stays, <code>$x_1$</code> is code.</p>"))
    #expect(main("It is $5 and $x$.").contains("<p>It is $5 and <math><semantics><mi>x</mi>"))
  }

  @Test func mathInAListItemIsStillMath() {
    let html = main("- first $x_1$\n\n    continued $x_2$")
    #expect(html.components(separatedBy: "<math>").count == 3)
  }

  @Test func whatTheConverterCannotReadIsShownAsEscapedSource() {
    let html = main(#"See $\foo{x} < y$ and $$\begin{align}a\end{align}$$."#)
    #expect(
      html.contains(
        "<code class=\"math-source\" title=\"unknown command \\foo\">$\\foo{x} &lt; y$</code>"))
    #expect(
      html.contains(
        "<code class=\"math-source\" title=\"unknown environment align\">"
          + "$$\\begin{align}a\\end{align}$$</code>"))
  }

  @Test func aSpanCannotInjectMarkup() {
    let html = main("Evil $</math><script>alert(1)</script>$ and $\\foo</code><script>$.")
    #expect(!html.contains("<script"))
    #expect(html.contains("&lt;/math&gt;&lt;script&gt;"))
    #expect(html.contains("$\\foo&lt;/code&gt;&lt;script&gt;$</code>"))
  }

  @Test func textThatLooksLikeAPlaceholderIsLeftAlone() {
    let html = main("GBMATHQ0Z and GBMATHQDZ stay, $x$ is math.")
    #expect(html.contains("GBMATHQ0Z and GBMATHQDZ stay, <math>"))
  }

  @Test func manySpansCostTimeInProportion() {
    // 20,000 spans in one paragraph: each is substituted in one pass over the page, not one
    // pass per span.
    let prose = String(repeating: "$x_1$ and $y$, ", count: 10_000)
    let start = ContinuousClock.now
    let html = main(prose)
    #expect(ContinuousClock.now - start < .seconds(20))
    #expect(html.components(separatedBy: "<math>").count == 20_001)
    #expect(!html.contains("GBMATHQ"))
  }

  @Test func aHeadingWithMathGivesATitleWithTheSource() {
    let page = page("# The $\\sigma$ function\n\nText.")
    #expect(page.contains("<title>The \\sigma function</title>"))
    #expect(page.contains("<h1>The <math><semantics><mi>σ</mi>"))
  }

  @Test func jupyterKeepsTheMathAsWritten() throws {
    let prose = "# Loss\n\n$E = \\frac{1}{2}\\sum (t - o)^2$ and $$w_7 \\leftarrow w_7 - \\eta$$\n"
    let text = try NotebookExport.ipynb(Notebook(blocks: [.prose(prose)]), figures: [:])
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let cells = try #require(json["cells"] as? [[String: Any]])
    let source = try #require(cells.first?["source"] as? [String])
    #expect(
      source.joined()
        == "# Loss\n\n$E = \\frac{1}{2}\\sum (t - o)^2$ and $$w_7 \\leftarrow w_7 - \\eta$$")
  }
}
