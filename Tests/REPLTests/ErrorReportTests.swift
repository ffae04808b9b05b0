import Testing

@testable import REPL

/// What the REPL prints when a statement fails, and that nothing is lost.
@Suite struct ErrorReportTests {
  @Test func anErrorInAFunctionFromAnEarlierEntryIsShownInItsOwnLines() {
    let out = transcript(ScriptedReader(["fn f(a) {", "  a + missing", "}", "f(1)"]))
    #expect(
      out == """
        error: line 2: unknown name missing
            a + missing
                ^~~~~~~
          in f, defined in an earlier entry, called at line 1

        """)
  }

  @Test func anErrorInAFunctionOfTheSameEntryPointsIntoIt() {
    let out = transcript(ScriptedReader(["fn f(a) = a + missing", "1"]))
    #expect(out == "1\n")
    let same = transcript(ScriptedReader(["fn f(a) {", "  a + missing", "}", "f(1)"]))
    #expect(same.contains("    a + missing\n"))
  }

  @Test func bindingsSurviveAFailedStatement() {
    let out = transcript(
      ScriptedReader(["w = [[1, 2, 3], [4, 5, 6]];", "w @ [[1], [2]]", "w.shape"]))
    #expect(out.hasPrefix("error: cannot multiply [2, 3] @ [2, 1]: inner sizes 3 and 2 differ\n"))
    #expect(out.hasSuffix("tensor [2]\n[2, 3]\n"))
  }

  @Test func aSyntaxErrorOnTheSecondLineOfAnEntryNamesTheLine() {
    let out = transcript(ScriptedReader(["y = [1, 2,", "3 +* 4]"]))
    #expect(out == "error: line 2: expected an expression but found '*'\n  3 +* 4]\n     ^\n")
  }
}
