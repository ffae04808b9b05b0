import Testing

@testable import LineEditing

@Suite struct CompletionTests {
  @Test func oneCandidateIsTypedWithItsSuffix() {
    let c = Completion(word: "ep", candidates: [.init("epochs:", suffix: " ")])
    #expect(c.edit == .insert("ochs: "))
  }

  @Test func severalCandidatesAreTypedUpToWhatTheyShare() {
    let c = Completion(word: "s", candidates: [.init("sigmoid"), .init("sign"), .init("sine")])
    #expect(c.edit == .insert("i"))
  }

  @Test func candidatesSharingNoMoreAreListedSorted() {
    let c = Completion(word: "si", candidates: [.init("sine"), .init("sigmoid"), .init("sign")])
    #expect(c.edit == .list(["sigmoid", "sign", "sine"]))
  }

  @Test func nothingToOfferBeeps() {
    #expect(Completion(word: "zz", candidates: []).edit == .nothing)
    // Already complete, with nothing to add.
    #expect(Completion(word: "x", candidates: [.init("x")]).edit == .nothing)
  }

  @Test func aDuplicateCandidateCountsOnce() {
    let c = Completion(word: "d", candidates: [.init("data"), .init("data")])
    #expect(c.edit == .insert("ata"))
  }

  @Test func columnsFillDownThenAcross() {
    // 5 items of width ≤ 5 in cells of 7: width 16 holds 2 columns, so 3 rows.
    let text = columns(["a", "bb", "ccc", "dddd", "eeeee"], width: 16)
    #expect(text == "a      dddd\nbb     eeeee\nccc")
    #expect(columns([], width: 80) == "")
    // Too narrow for even one cell: one per line, never a crash.
    #expect(columns(["abc", "de"], width: 0) == "abc\nde")
  }

  @Test func historyLivesUnderXDGStateHome() {
    let xdg = historyFileURL(environment: ["XDG_STATE_HOME": "/tmp/state", "HOME": "/home/u"])
    #expect(xdg.path == "/tmp/state/gradbook/history")
    let home = historyFileURL(environment: ["HOME": "/home/u"])
    #expect(home.path == "/home/u/.local/state/gradbook/history")
    // A relative XDG_STATE_HOME is ignored, as the XDG rules say.
    let relative = historyFileURL(environment: ["XDG_STATE_HOME": "state", "HOME": "/home/u"])
    #expect(relative.path == "/home/u/.local/state/gradbook/history")
  }
}
