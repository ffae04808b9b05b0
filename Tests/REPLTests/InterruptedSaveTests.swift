import Foundation
import NotebookFormat
import Testing
import Workspace

@testable import REPL

/// A `fit` stopped with Ctrl-C is saved, journalled and replayed as what happened: the
/// epochs that ran, not the hundred million that were asked for.
@Suite struct InterruptedSaveTests {
  /// Stands in for Ctrl-C: answers yes at check number `at` (counted over the whole
  /// session) and at the one after it, the session's own check after the statement.
  final class Hook: @unchecked Sendable {
    let at: Int
    var calls = 0
    init(at: Int) { self.at = at }
    func ask() -> Bool {
      calls += 1
      return calls == at || calls == at + 1
    }
  }

  func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-interrupt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func anInterruptedFitIsSavedWithWhereItStoppedAndReplaysTheSame() throws {
    let dir = try folder()
    let file = dir.appendingPathComponent("stopped.nb.md").path
    // Two cells of two checks each (the statement, then the check after it); then the fit
    // cell's statement check and one check per step, one step per epoch: call 4 + 1 + 500
    // is the check before epoch 500, so 499 epochs run.
    let hook = Hook(at: 505)
    let journal = try Journal(folder: dir.appendingPathComponent("sessions"), seed: 42)
    let reader = ScriptedReader([
      "data = xor();", "net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);",
      "h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 10000000)", "h.epochs",
      ":save \(file)",
    ])
    var out = ""
    let repl = REPLUnderTest(
      reader: reader, journal: journal, cancellation: CancellationToken(check: { hook.ask() }),
      output: { text, transient in if !transient { out += text } })
    _ = repl.run()
    #expect(out.contains("interrupted in epoch 500 before step 1 · loss "))
    #expect(out.contains("\n499\n"))

    let saved = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8))
    #expect(saved.cells.map(\.options) == [[], [], ["interrupted=501"], []])
    #expect(saved.cells[2].interruptedAt == 501)
    // The output says it was interrupted, and what the session went on with.
    let output = try #require(saved.cells[2].output)
    #expect(output.hasPrefix("interrupted in epoch 500 before step 1 · loss "))
    #expect(output.hasSuffix(" · model keeps its last finished step\ninterrupted\n"))
    #expect(saved.cells[3].output == "499\n")

    // Replayed as `gradbook check` replays it: the same outputs, in a moment, not the
    // hours that 100,000,000 epochs would take.
    let start = Date()
    let now = NotebookReplay.run(saved).notebook
    #expect(Date().timeIntervalSince(start) < 30)
    #expect(NotebookReplay.differences(recorded: saved, now: now, name: "stopped").isEmpty)
    #expect(now.cells.map(\.output) == saved.cells.map(\.output))
    #expect(now.cells.map(\.options) == saved.cells.map(\.options))

    // The journal keeps the same cell, so `gradbook recover` gives the same notebook.
    let (recovered, problems) = try Journal.recover(
      String(contentsOf: journal.url, encoding: .utf8))
    #expect(problems.isEmpty)
    #expect(recovered.cells.map(\.options) == saved.cells.map(\.options))
    #expect(recovered.cells.map(\.output) == saved.cells.map(\.output))
  }

  @Test func aFitThatRanToItsEndIsSavedUnchanged() throws {
    let file = try folder().appendingPathComponent("whole.nb.md").path
    let reader = ScriptedReader([
      "net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);",
      "h = fit(net, xor(), loss: mse, opt: sgd(lr: 0.5), epochs: 200)", ":save \(file)",
    ])
    _ = transcript(reader)
    let text = try String(contentsOfFile: file, encoding: .utf8)
    #expect(!text.contains("{"))
    let saved = try NotebookReader.read(text)
    #expect(saved.cells.allSatisfy { $0.options.isEmpty && $0.interruptedAt == nil })
    #expect(saved.cells[1].output?.hasPrefix("epoch 200/200 · loss ") == true)
  }

  /// Opening a notebook with a stopped cell in the REPL stops it at the same place and keeps
  /// the option when saved back; a cell with the option removed runs whole.
  @Test func openingAStoppedCellStopsItAgain() throws {
    let file = try folder().appendingPathComponent("again.nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook {interrupted=7}
    for i in 1..1000000 {
      x = i
    }
    ```
    ```gradbook
    x
    ```

    """.write(toFile: file, atomically: true, encoding: .utf8)
    let out = transcript(ScriptedReader([":open \(file)", ":save"]))
    #expect(out.contains("interrupted"))
    let saved = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8))
    #expect(saved.cells[0].interruptedAt == 7)
    #expect(saved.cells[0].output == "interrupted\n")
    // Checks: the for statement (1), then one per iteration before its body statement is
    // checked (2, 3 for i = 1; 4, 5 for i = 2; 6, 7 for i = 3): stopped at the third
    // iteration's assignment, so x holds 2.
    #expect(saved.cells[1].output == "2\n")
  }
}
