import TensorLanguage
import Testing

@testable import REPL

@Suite struct HelpTests {
  /// Every built-in has a page with its signature, a description and an example that parses.
  @Test(arguments: Builtins.list.map(\.name))
  func everyBuiltinHasHelp(name: String) throws {
    let builtin = try #require(Builtins.all[name])
    let page = try #require(Help.page(name))
    #expect(page.hasPrefix(builtin.signature + "\n"))
    #expect(!builtin.summary.isEmpty)
    #expect(page.contains(builtin.summary))
    #expect(!builtin.example.isEmpty)
    #expect(page.contains("example: " + builtin.example))
    let parsed = Parser.parse(builtin.example)
    #expect(parsed.diagnostics.isEmpty && !parsed.incomplete, "example of \(name) does not parse")
  }

  @Test func theIndexListsEveryBuiltinUnderItsGroup() {
    let index = Help.index(width: 80)
    let words = Set(index.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    for b in Builtins.list { #expect(words.contains(b.name), "\(b.name) missing from :help") }
    for g in Builtins.groups { #expect(words.contains(g)) }
    for line in index.split(separator: "\n") { #expect(line.count <= 80) }
  }

  @Test func commandsKeywordsAndTopicsHavePages() {
    for c in Command.all { #expect(Help.page(":" + c.name) != nil) }
    for k in TensorLanguage.Token.keywords { #expect(Help.page(k) != nil, "no help for \(k)") }
    for t in Help.topics { #expect(Help.page(t.name)?.isEmpty == false) }
    #expect(Help.page("no_such_thing") == nil)
  }

  @Test func anUnknownNameSuggestsTheClosest() {
    #expect(
      Help.missing("acuracy")
        == "no help for 'acuracy'; did you mean accuracy? (:help lists everything)")
  }

  @Test func helpFitShowsItsSignature() {
    let out = transcript(ScriptedReader([":help fit"]))
    #expect(out.hasPrefix("fit(model, data, loss: mse, opt: sgd(lr: 0.1), epochs: 100"))
    #expect(transcript(ScriptedReader(["?fit"])) == out)
  }
}
