import Testing

@testable import REPL
@testable import Workspace

@Suite struct CommandTests {
  @Test func varsListsNamesWithKindAndShapeOrParameters() {
    let out = transcript(
      ScriptedReader([
        "x = zeros(2, 3);", "lr = 0.5;", "net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);",
        "w = param([1, 2]);", ":vars",
      ]))
    let lines = out.split(separator: "\n").map(String.init)
    // 2·4 + 4 + 4·1 + 1 = 17 parameters.
    #expect(lines.count == 4)
    #expect(lines[0].hasPrefix("lr   number     0.5"))
    #expect(lines[1] == "net  model      17 parameters · dense 2→4 tanh >> dense 4→1 sigmoid")
    #expect(lines[2] == "w    parameter  [2]")
    #expect(lines[3] == "x    tensor     [2, 3]")
  }

  @Test func varsWithNothingBoundSaysHowToBind() {
    #expect(transcript(ScriptedReader([":vars"])).hasPrefix("no bindings yet"))
  }

  @Test func resetForgetsEveryBinding() {
    let out = transcript(ScriptedReader(["a = 1;", "b = 2;", ":reset", "a"]))
    #expect(out.hasPrefix("forgot 2 bindings\nerror: "))
    #expect(out.contains("unknown name a"))
  }

  @Test func historyShowsEntriesNumberedWithMultiLineOnesIndented() {
    let out = transcript(ScriptedReader(["1", "x = [1,", "2];", ":history", ":history 1"]))
    #expect(out == "1\n1  1\n2  x = [1,\n   2];\n3  :history\n4  :history 1\n")
  }

  @Test func historyRefusesABadCount() {
    #expect(transcript(ScriptedReader([":history -2"])).hasPrefix("error: :history takes a count"))
  }

  @Test func timeRunsTheStatementAndReportsItsWallTime() {
    let out = transcript(ScriptedReader([":time y = 6 * 7", "y"]))
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0] == "42")
    #expect(lines[1].hasPrefix("time: "))
    #expect(lines[1].hasSuffix(" µs") || lines[1].hasSuffix(" ms") || lines[1].hasSuffix(" s"))
    #expect(lines[2] == "42")
  }

  @Test func timeWithoutAStatementExplains() {
    #expect(transcript(ScriptedReader([":time"])).hasPrefix("error: :time needs a statement"))
  }

  @Test func quitStopsReading() {
    let reader = ScriptedReader([":quit", "1"])
    #expect(transcript(reader) == "")
    #expect(reader.prompts == ["gb> "])
    #expect(transcript(ScriptedReader([":q", "1"])) == "")
  }

  @Test func anUnknownCommandSuggestsTheClosest() {
    let out = transcript(ScriptedReader([":vaars"]))
    #expect(
      out == "error: unknown command :vaars; did you mean :vars? (:help commands lists them)\n")
  }

  @Test func aPrefixOnlyOneCommandHasNamesIt() {
    #expect(transcript(ScriptedReader(["a = 1;", ":va"])).hasPrefix("a  number"))
    // :h could be :help or :history; the alias makes it :help.
    #expect(Command.named("h")?.name == "help")
    #expect(Command.named("his")?.name == "history")
    #expect(Command.named("") == nil)
  }

  @Test func openingAMissingNotebookSaysSo() {
    let out = transcript(ScriptedReader([":open missing.nb.md", "1"]))
    #expect(out == "error: cannot read missing.nb.md\n1\n")
  }

  @Test func plotChoosesWhereFiguresGo() {
    let out = transcript(
      ScriptedReader([":plot", ":plot text", ":plot", ":plot auto", ":plot paper"]))
    #expect(
      out == """
        figures go to: auto
        figures go to: text
        figures go to: text
        figures go to: auto
        error: :plot takes one of window text png svg sixel off auto, not 'paper'

        """)
  }

  @Test func durationsReadWell() {
    #expect(formatDuration(0.000_012_34) == "12.3 µs")
    #expect(formatDuration(0.0456) == "45.6 ms")
    #expect(formatDuration(2.5) == "2.5 s")
  }
}
