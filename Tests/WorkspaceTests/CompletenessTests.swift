import Testing
import Workspace

/// `isComplete` answers from the parser alone: the kernel's `is_complete` and the REPL's
/// continuation lines depend on it, and asking must never run anything.
@Suite struct CompletenessTests {
  @Test(arguments: [
    ("1 + 2", Completeness.complete),
    ("x = [1, 2]\ny = x * 2", .complete),
    ("for i in 1..3 { print(i) }", .complete),
    ("", .complete),
    ("   \n", .complete),
    (":vars", .complete),
    (":save my.nb.md", .complete),
    ("1 +", .incomplete),
    ("fit(net, data,", .incomplete),
    ("for i in 1..3 {", .incomplete),
    ("x = [1, 2,\n 3", .incomplete),
    ("1 + * 2", .invalid),
    ("x = )", .invalid),
  ])
  func sourceIsClassifiedByItsSyntax(_ source: String, _ expected: Completeness) {
    let r = Recorder()
    #expect(r.session.isComplete(source) == expected, "\(source)")
  }

  @Test func askingRunsNothing() {
    let r = Recorder()
    #expect(r.session.isComplete("x = 41 + 1\nprint(\"ran\")") == .complete)
    #expect(r.printed.isEmpty)
    // x was never bound: evaluating it now is an error.
    if case .failed = r.run("x") {} else { Issue.record("x was bound by isComplete") }
  }
}
