import Testing

@testable import REPL

/// The prompt goes to `..>` exactly while the statement typed so far is unfinished.
@Suite struct ContinuationTests {
  @Test func anOpenBracketContinues() {
    let reader = ScriptedReader(["x = [1, 2,", "3]", "x + 1"])
    let out = transcript(reader)
    #expect(reader.prompts == ["gb> ", "..> ", "gb> ", "gb> "])
    #expect(out == "tensor [3]\n[1, 2, 3]\ntensor [3]\n[2, 3, 4]\n")
    // The two lines are one entry.
    #expect(reader.history == ["x = [1, 2,\n3]", "x + 1"])
  }

  @Test func aTrailingOperatorContinues() {
    let reader = ScriptedReader(["1 +", "2"])
    #expect(transcript(reader) == "3\n")
    #expect(reader.prompts == ["gb> ", "..> ", "gb> "])
  }

  @Test func anOpenBlockContinuesUntilItCloses() {
    let reader = ScriptedReader(["fn f(a) {", "  b = a * 2", "  b + 1", "}", "f(4)"])
    #expect(transcript(reader) == "9\n")
    #expect(reader.prompts == ["gb> ", "..> ", "..> ", "..> ", "gb> ", "gb> "])
  }

  @Test func aCompleteLineDoesNotContinue() {
    let reader = ScriptedReader(["y = 2 * 3", "y"])
    #expect(transcript(reader) == "6\n6\n")
    #expect(reader.prompts == ["gb> ", "gb> ", "gb> "])
  }

  @Test func aSyntaxErrorEndsTheStatementInsteadOfContinuing() {
    let reader = ScriptedReader(["1 +* 2", "5"])
    let out = transcript(reader)
    #expect(out.hasPrefix("error: expected an expression but found '*'\n  1 +* 2\n     ^\n"))
    #expect(out.hasSuffix("5\n"))
    #expect(reader.prompts == ["gb> ", "gb> ", "gb> "])
  }

  @Test func ctrlCDropsAnUnfinishedStatement() {
    let reader = ScriptedReader(inputs: [.line("x = [1,"), .interrupted, .line("2")])
    #expect(transcript(reader) == "^C\n2\n")
    #expect(reader.prompts == ["gb> ", "..> ", "gb> ", "gb> "])
  }

  @Test func theEndOfInputInsideAStatementSaysItIsUnfinished() {
    let reader = ScriptedReader(["x = (1 +"])
    let out = transcript(reader)
    #expect(out.contains("error: unexpected end of input: the statement is unfinished"))
    // Then one more end of input quits.
    #expect(reader.prompts == ["gb> ", "..> ", "gb> "])
  }

  @Test func blankLinesAreSkipped() {
    let reader = ScriptedReader(["", "   ", "1"])
    #expect(transcript(reader) == "1\n")
    #expect(reader.history == ["1"])
  }
}
