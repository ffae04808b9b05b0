import Foundation
import TensorLanguage
import Testing

@testable import REPL
@testable import Workspace

@Suite struct HelpTests {
  /// Every built-in has a page with its signature, a description and an example that parses.
  @Test(arguments: Builtins.list.map(\.name))
  func everyBuiltinHasHelp(name: String) throws {
    let builtin = try #require(Builtins.all[name])
    let page = try #require(Help.page(name))
    #expect(page.hasPrefix(Help.wrapSignature(builtin.signature, width: 80) + "\n"))
    // Wrapping only breaks lines; the signature is all there.
    let signature = page.split(separator: "\n").prefix {
      !$0.hasPrefix("  ") || $0.hasPrefix("    ")
    }
    #expect(
      signature.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        == builtin.signature)
    #expect(!builtin.summary.isEmpty)
    let words = page.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    #expect(words.contains(builtin.summary.split(separator: " ").joined(separator: " ")))
    #expect(!builtin.example.isEmpty)
    #expect(
      words.contains("example: " + builtin.example.split(separator: " ").joined(separator: " ")))
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

  /// A group's page fits the terminal: long summaries continue under the summaries' column
  /// instead of running past the edge, and no word is lost.
  @Test func aGroupsPageWrapsItsSummariesToTheWidth() throws {
    let page = try #require(Help.page("math", width: 60))
    let lines = page.split(separator: "\n")
    for line in lines { #expect(line.count <= 60, "too long: \(line)") }
    let column = (Builtins.inGroup("math").map(\.name.count).max() ?? 0) + 2
    let round = try #require(Builtins.all["round"])
    let start = try #require(lines.firstIndex { $0.hasPrefix("round ") })
    // round's summary is longer than a line, so its second line is indented to the column.
    #expect(lines[start + 1].hasPrefix(String(repeating: " ", count: column)))
    let words = page.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    #expect(words.contains(round.summary.split(separator: " ").joined(separator: " ")))
  }

  /// `step` is the Heaviside activation and an optimizer's update; its page shows both, and
  /// the optimizers' group lists it.
  @Test func aBuiltinWithTwoFormsShowsBoth() throws {
    let page = try #require(Help.page("step"))
    #expect(page.hasPrefix("step(x)\n"))
    #expect(page.contains("\nstep(opt, params, E = p.grad)\n"))
    #expect(page.contains("example: step(opt, net, mse(net(x), t))"))
    let optimizers = try #require(Help.page("optimizers"))
    #expect(optimizers.contains("\nstep "))
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
    // Wrapped to the width, under the first parameter.
    #expect(out.split(separator: "\n")[1].hasPrefix("    "))
    for line in out.split(separator: "\n") { #expect(line.count <= 80) }
    #expect(transcript(ScriptedReader(["?fit"])) == out)
  }
}
