import Foundation
import LineEditing
import TensorLanguage
import Testing
import Workspace

@testable import REPL

/// What Tab offers, from the text before the cursor.
@Suite struct CompleterTests {
  /// The workspace's completer over a session where `source` has run, as the REPL's Tab
  /// uses it (in the line editor's terms).
  struct TabCompleter {
    var completer: Completer
    func complete(_ before: String) -> Completion { completer.tab(before) }
  }

  /// A completer over a session where `source` has run.
  func completer(after source: String = "", directory: String = "/") -> TabCompleter {
    let session = Session(output: { _, _ in })
    if !source.isEmpty {
      guard case .complete = session.evaluate(source) else {
        Issue.record("setup failed: \(source)")
        return TabCompleter(completer: Completer(directory: directory) { [:] })
      }
    }
    return TabCompleter(completer: Completer(directory: directory) { session.bindings })
  }

  func texts(_ c: Completion) -> [String] { c.candidates.map(\.text).sorted() }

  @Test func aBuiltinIsCompletedWithItsBracket() {
    let c = completer().complete("acc")
    #expect(c.word == "acc")
    #expect(c.edit == .insert("uracy("))
  }

  @Test func aConstantIsCompletedWithoutABracket() {
    let c = completer().complete("cos(p")
    #expect(c.candidates.contains { $0.text == "pi" && $0.suffix.isEmpty })
  }

  @Test func aVariableIsCompleted() {
    let c = completer(after: "learning_rate = 0.5").complete("2 * learn")
    #expect(c.edit == .insert("ing_rate"))
  }

  @Test func theKeywordArgumentsOfTheCallAreOffered() {
    let c = completer(after: "data = xor()").complete("fit(net, data, ep")
    #expect(c.edit == .insert("ochs: "))
    // Every optional parameter of fit, and nothing it cannot take.
    let all = completer().complete("fit(net, data, ")
    #expect(all.candidates.isEmpty)  // an empty word offers nothing
    let some = completer().complete("fit(net, data, s")
    #expect(texts(some).contains("schedule:"))
    #expect(texts(some).contains("shuffle:"))
    #expect(!texts(some).contains("epochs:"))
  }

  @Test func keywordsAlreadyGivenAreNotOfferedAgain() {
    let c = completer().complete("fit(net, data, epochs: 5, e")
    #expect(!texts(c).contains("epochs:"))
  }

  @Test func theInnermostCallDecides() {
    // Inside sgd( … ), sgd's keywords; after it closes, fit's again.
    let inner = completer().complete("fit(net, data, opt: sgd(mom")
    #expect(inner.edit == .insert("entum: "))
    let outer = completer().complete("fit(net, data, opt: sgd(lr: 0.5), ep")
    #expect(outer.edit == .insert("ochs: "))
  }

  @Test func keywordsOfTheOuterCallGivenBeforeANestedOneStillCount() {
    // opt: was given to fit before sgd( … ) opened and closed; it is not offered again.
    let c = completer().complete("fit(net, data, opt: sgd(lr: 0.5), o")
    #expect(!texts(c).contains("opt:"))
  }

  @Test func membersFollowADot() {
    let c = completer(after: "data = xor()").complete("data.")
    #expect(texts(c) == ["classes", "n", "x", "y"])
    let h = completer(after: "data = xor()").complete("data.cl")
    #expect(h.edit == .insert("asses"))
  }

  @Test func membersOfMembersAreFollowed() {
    let c = completer(after: "net = dense(2, 1)").complete("net.w.")
    #expect(texts(c) == ["T", "grad", "shape"])
  }

  @Test func aNumberOrAnUnknownNameHasNoMembers() {
    #expect(completer().complete("2.").candidates.isEmpty)
    #expect(completer().complete("nothing_here.").candidates.isEmpty)
    #expect(completer().complete("1.5e").candidates.isEmpty)
  }

  @Test func commandsFollowAColon() {
    #expect(completer().complete(":va").edit == .insert("rs"))
    #expect(completer().complete(":ti").edit == .insert("me "))
    #expect(texts(completer().complete(":")).contains(":help"))
  }

  @Test func helpNamesFollowAQuestionMarkOrHelp() {
    #expect(completer().complete("?accu").edit == .insert("racy"))
    #expect(completer().complete(":help accu").edit == .insert("racy"))
  }

  @Test func pathsInsideAStringAndAfterSaveOrOpen() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-completion-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("runs"), withIntermediateDirectories: true)
    #expect(
      FileManager.default.createFile(
        atPath: folder.appendingPathComponent("points.csv").path, contents: nil))
    #expect(
      FileManager.default.createFile(
        atPath: folder.appendingPathComponent(".hidden").path, contents: nil))
    defer { try? FileManager.default.removeItem(at: folder) }
    let c = completer(directory: folder.path)
    #expect(c.complete("load(\"po").edit == .insert("ints.csv"))
    #expect(c.complete("load(\"r").edit == .insert("uns/"))
    #expect(texts(c.complete("load(\"")) == ["points.csv", "runs"])
    #expect(c.complete(":save ru").edit == .insert("ns/"))
    #expect(c.complete(":open po").edit == .insert("ints.csv"))
    // A prefix the command line accepts for :open completes a path as well.
    #expect(c.complete(":op po").edit == .insert("ints.csv"))
    let absolute = c.complete("load(\"\(folder.path)/po")
    #expect(absolute.edit == .insert("ints.csv"))
  }

  @Test func insideACommentNothingIsOffered() {
    #expect(completer().complete("x = 1  # acc").candidates.isEmpty)
  }

  @Test func aStringClosedBeforeTheCursorIsCode() {
    #expect(completer().complete("load(\"a.csv\", tar").edit == .insert("get: "))
  }

  /// Tab must never crash, whatever is before the cursor.
  @Test func randomTextNeverCrashes() {
    let pieces = [
      "(", ")", "[", "]", "\"", "\\", ".", ":", "?", "#", " ", "\n", "fit", "data", "x", "1", "é",
      "∂", "ep", ",",
    ]
    var random = SystemRandomNumberGenerator()
    let c = completer(after: "data = xor()")
    for _ in 0..<2000 {
      let n = Int.random(in: 0..<12, using: &random)
      let text = (0..<n).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
      _ = c.complete(text).edit
    }
  }
}
