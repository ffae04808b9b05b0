import Testing

@testable import NotebookFormat

/// The converter's output, element by element; each expected string is written out from
/// the MathML Core spec's element for the construct (mfrac, msub, munderover …), not copied
/// from a run.
@Suite struct TeXMathMLTests {
  /// The MathML inside `<semantics>`, without the annotation.
  func body(_ tex: String, display: Bool = false) throws -> String {
    let math = try TeXMathML.math(tex, display: display)
    let open = display ? "<math display=\"block\"><semantics>" : "<math><semantics>"
    let close =
      "<annotation encoding=\"application/x-tex\">\(NotebookExport.escape(tex))</annotation>"
      + "</semantics></math>"
    #expect(math.hasPrefix(open) && math.hasSuffix(close))
    return String(math.dropFirst(open.count).dropLast(close.count))
  }

  func failure(_ tex: String) -> String? {
    do {
      _ = try TeXMathML.math(tex, display: false)
      return nil
    } catch {
      return error.message
    }
  }

  @Test func theSquaredErrorOfTheLecture() throws {
    #expect(
      try body(#"E = \frac{1}{2}\sum (t - o)^2"#)
        == "<mrow><mi>E</mi><mo>=</mo><mfrac><mn>1</mn><mn>2</mn></mfrac>"
        + "<mo largeop=\"true\" movablelimits=\"false\">∑</mo><mo stretchy=\"false\">(</mo>"
        + "<mi>t</mi><mo>−</mo><mi>o</mi><msup><mo stretchy=\"false\">)</mo><mn>2</mn></msup>"
        + "</mrow>")
  }

  @Test func subscriptsAndSuperscriptsTakeOneCharacterOrAGroup() throws {
    #expect(try body("w_7") == "<msub><mi>w</mi><mn>7</mn></msub>")
    // TeX reads x^23 as x² followed by 3.
    #expect(try body("x^23") == "<mrow><msup><mi>x</mi><mn>2</mn></msup><mn>3</mn></mrow>")
    #expect(
      try body("x_{ij}^{2k}")
        == "<msubsup><mi>x</mi><mrow><mi>i</mi><mi>j</mi></mrow>"
        + "<mrow><mn>2</mn><mi>k</mi></mrow></msubsup>")
    #expect(try body("3.14") == "<mn>3.14</mn>")
    #expect(try body("f'") == "<msup><mi>f</mi><mo>′</mo></msup>")
    #expect(try body("{}_a") == "<msub><mrow></mrow><mi>a</mi></msub>")
  }

  @Test func limitsGoBelowAndAboveOnlyInDisplay() throws {
    let sum = "<mo largeop=\"true\" movablelimits=\"false\">∑</mo>"
    let limits = "<mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi>"
    #expect(try body(#"\sum_{i=1}^n"#, display: true) == "<munderover>\(sum)\(limits)</munderover>")
    #expect(try body(#"\sum_{i=1}^n"#) == "<msubsup>\(sum)\(limits)</msubsup>")
    // An integral keeps its limits beside it, as in TeX.
    #expect(
      try body(#"\int_0^1"#, display: true)
        == "<msubsup><mo largeop=\"true\" movablelimits=\"false\">∫</mo><mn>0</mn><mn>1</mn></msubsup>"
    )
    #expect(
      try body(#"\lim_{n \to \infty}"#, display: true)
        == "<munder><mi>lim</mi><mrow><mi>n</mi><mo>→</mo><mi>∞</mi></mrow></munder>")
  }

  @Test func fractionsRootsAndFunctions() throws {
    #expect(
      try body(#"\sqrt{x}+\sqrt[3]{y}"#)
        == "<mrow><msqrt><mi>x</mi></msqrt><mo>+</mo><mroot><mi>y</mi><mn>3</mn></mroot></mrow>")
    #expect(try body(#"\frac12"#) == "<mfrac><mn>1</mn><mn>2</mn></mfrac>")
    #expect(
      try body(#"\sigma(z) = \frac{1}{1 + e^{-z}}"#)
        == "<mrow><mi>σ</mi><mo stretchy=\"false\">(</mo><mi>z</mi><mo stretchy=\"false\">)</mo>"
        + "<mo>=</mo><mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi>"
        + "<mrow><mo>−</mo><mi>z</mi></mrow></msup></mrow></mfrac></mrow>")
    #expect(
      try body("|x|")
        == "<mrow><mo stretchy=\"false\" lspace=\"0\" rspace=\"0\">|</mo><mi>x</mi>"
        + "<mo stretchy=\"false\" lspace=\"0\" rspace=\"0\">|</mo></mrow>")
    #expect(try body(#"\tanh x"#) == "<mrow><mi>tanh</mi><mi>x</mi></mrow>")
  }

  @Test func symbolsGreekAndFonts() throws {
    #expect(
      try body(#"\eta \cdot \Delta \leq \nabla \partial"#)
        == "<mrow><mi>η</mi><mo>⋅</mo><mi mathvariant=\"normal\">Δ</mi><mo>≤</mo><mi>∇</mi>"
        + "<mi>∂</mi></mrow>")
    // Mathematical bold code points, since MathML Core ignores mathvariant="bold".
    #expect(try body(#"\mathbf{W}x"#) == "<mrow><mi>𝐖</mi><mi>x</mi></mrow>")
    #expect(try body(#"\mathbb{R}^n"#) == "<msup><mi>ℝ</mi><mi>n</mi></msup>")
    #expect(try body(#"\mathrm{d}x"#) == "<mrow><mi mathvariant=\"normal\">d</mi><mi>x</mi></mrow>")
    #expect(
      try body(#"\text{if } x<0"#)
        == "<mrow><mtext>if </mtext><mi>x</mi><mo>&lt;</mo><mn>0</mn></mrow>")
    #expect(
      try body(#"\hat{y}"#)
        == "<mover accent=\"true\"><mi>y</mi><mo stretchy=\"false\">^</mo></mover>")
    #expect(try body(#"\operatorname{ReLU}"#) == "<mi>ReLU</mi>")
  }

  @Test func fencesAndMatrices() throws {
    #expect(
      try body(#"\left( \frac{a}{b} \right)"#)
        == "<mrow><mo fence=\"true\" stretchy=\"true\">(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac>"
        + "<mo fence=\"true\" stretchy=\"true\">)</mo></mrow>")
    #expect(
      try body(#"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}"#)
        == "<mrow><mo fence=\"true\" stretchy=\"true\">[</mo><mtable>"
        + "<mtr><mtd><mn>1</mn></mtd><mtd><mn>0</mn></mtd></mtr>"
        + "<mtr><mtd><mn>0</mn></mtd><mtd><mn>1</mn></mtd></mtr>"
        + "</mtable><mo fence=\"true\" stretchy=\"true\">]</mo></mrow>")
    #expect(
      try body(#"\begin{cases} 1 & x \geq 0 \\ 0 & \text{otherwise} \end{cases}"#)
        == "<mrow><mo fence=\"true\" stretchy=\"true\">{</mo><mtable columnalign=\"left\">"
        + "<mtr><mtd><mn>1</mn></mtd><mtd><mrow><mi>x</mi><mo>≥</mo><mn>0</mn></mrow></mtd></mtr>"
        + "<mtr><mtd><mn>0</mn></mtd><mtd><mtext>otherwise</mtext></mtd></mtr></mtable></mrow>")
  }

  @Test func whatItDoesNotUnderstandIsAFailureNamingIt() {
    #expect(failure(#"\foo{x}"#) == "unknown command \\foo")
    #expect(failure("x^a^b") == "double superscript; use braces")
    #expect(failure("{x") == "missing } before end")
    #expect(failure("x}") == "unexpected }")
    #expect(failure(#"\frac{1}"#) == "\\frac needs an argument")
    #expect(failure(#"\left( x"#) == "\\left without \\right")
    #expect(failure(#"\begin{foo}x\end{foo}"#) == "unknown environment foo")
    #expect(
      failure(#"\begin{bmatrix}x\end{pmatrix}"#) == "\\begin{bmatrix} ended by \\end{pmatrix}")
    #expect(failure("a & b") == "unexpected &")
  }

  @Test func deepNestingIsRefusedNotACrash() {
    let deep = String(repeating: "{", count: 100_000) + "x" + String(repeating: "}", count: 100_000)
    #expect(failure(deep) == "nested more than 40 deep")
    let fractions = String(repeating: #"\frac1"#, count: 100_000) + "2"
    #expect(failure(fractions) == "nested more than 40 deep")
    #expect(
      failure(String(repeating: #"\sqrt"#, count: 100_000) + "2") == "nested more than 40 deep")
  }

  @Test func nestedRootDegreesAreBoundedToo() {
    let deep = String(repeating: #"\sqrt["#, count: 100_000) + "x"
    #expect(failure(deep) == "nested more than 40 deep")
  }

  /// Random mixtures of the constructs (fixed seed): each is either well-formed MathML, every
  /// tag closed in order, or a failure; never a crash, never stray markup.
  @Test func randomInputGivesWellFormedMathMLOrAFailure() {
    let pieces = [
      "x", "1", "2.5", "+", "-", "<", ">", "&", #"\\"#, "{", "}", "^", "_", "'", "(", ")", "|",
      #"\frac"#, #"\sqrt"#, "[", "]", #"\sum"#, #"\int"#, #"\alpha"#, #"\Delta"#, #"\left("#,
      #"\right)"#, #"\left."#, #"\mathbf{"#, #"\text{"#, #"\hat"#, #"\begin{bmatrix}"#,
      #"\end{bmatrix}"#, #"\begin{cases}"#, #"\end{cases}"#, #"\lim"#, #"\,"#, " ", #"\"#,
      #"\$"#, #"\foo"#, "<script>", "\"", #"\operatorname{"#,
    ]
    var generator = SplitMix64(state: 12)
    var converted = 0
    for _ in 0..<3000 {
      let count = Int.random(in: 1...12, using: &generator)
      let tex = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
      guard let math = try? TeXMathML.math(tex, display: Bool.random(using: &generator)) else {
        continue
      }
      converted += 1
      #expect(Self.isBalanced(math), "\(tex) → \(math)")
      #expect(!math.contains("<script"), "\(tex)")
    }
    // The mixture is meant to exercise both outcomes, and the checker to catch misnesting.
    #expect(converted > 300)
    #expect(!Self.isBalanced("<mrow><mi>x</mrow></mi>") && !Self.isBalanced("<mrow>"))
  }

  /// Whether every `<tag>` is closed by `</tag>` in order (MathML here has no self-closing
  /// tags and no `<` or `>` in text, which is escaped).
  static func isBalanced(_ markup: String) -> Bool {
    var stack: [Substring] = []
    var rest = markup[...]
    while let open = rest.firstIndex(of: "<") {
      guard let close = rest[open...].firstIndex(of: ">") else { return false }
      let tag = rest[rest.index(after: open)..<close]
      if tag.hasPrefix("/") {
        guard stack.popLast() == tag.dropFirst() else { return false }
      } else {
        stack.append(tag.prefix { $0 != " " })
      }
      rest = rest[rest.index(after: close)...]
    }
    return stack.isEmpty
  }

  @Test func everyTextIsEscaped() throws {
    let math = try TeXMathML.math(#"</math><script>\text{<b>&}"#, display: false)
    #expect(!math.contains("<script") && !math.contains("<b>") && !math.contains("</math><"))
    #expect(math.contains("<mtext>&lt;b&gt;&amp;</mtext>"))
  }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a fixed seed gives the same inputs on every run.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
