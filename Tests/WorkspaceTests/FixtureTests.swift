import Foundation
import TensorLanguage
import Testing
import Workspace

/// Every script in Fixtures/ runs in a fresh session with seed 42, and what it prints —
/// values, then the diagnostic of the error that stopped it, formatted as the command line
/// formats it — must equal its sibling `.out` file, written by hand. Timings and training
/// losses are masked (see `withoutTimingsAndLosses`).
@Suite(.serialized) struct FixtureTests {
  static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

  static var scripts: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".gb") }.sorted()
  }

  @Test func thereAreFixtures() {
    #expect(Self.scripts.count >= 10)
  }

  @Test func everyBuiltinIsUsedInAFixture() throws {
    let sources = try Self.scripts.map {
      try String(contentsOf: Self.folder.appendingPathComponent($0), encoding: .utf8)
    }.joined(separator: "\n")
    let unused = Builtins.all.keys.sorted().filter { name in
      sources.range(of: #"\b"# + name + #"\b"#, options: .regularExpression) == nil
    }
    #expect(unused.isEmpty, "built-ins no fixture uses: \(unused)")
  }

  @Test(arguments: scripts)
  func fixture(name: String) throws {
    let source = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
    let expectedURL = Self.folder.appendingPathComponent(
      String(name.dropLast(3)) + ".out")
    let expected = try String(contentsOf: expectedURL, encoding: .utf8)
    #expect(run(source, name: name) == expected)
  }

  /// Runs a script as `gradbook FILE` would (a fresh session seeded with 42) and gives what
  /// it printed.
  func run(_ source: String, name: String) -> String {
    var printed = ""
    let session = Session { text, transient in
      if !transient { printed += text }
    }
    let formatter = DiagnosticFormatter(file: name)
    switch session.evaluate(source) {
    case .complete: break
    case .incomplete: printed += "incomplete\n"
    case .failed(let diagnostics):
      for d in diagnostics { printed += formatter.format(d, in: source) }
    case .interrupted: printed += "interrupted\n"
    }
    return withoutTimingsAndLosses(printed)
  }
}

/// Drops the ` · 0.04 s` a training run ends its line with, from text a test caught as the
/// terminal prints it (the notebook recorder never sees timings: they are events of their own).
func withoutTimings(_ text: String) -> String {
  text.replacingOccurrences(
    of: #" · [0-9]+(\.[0-9]+)? s(?=\n|$)"#, with: "", options: .regularExpression)
}

/// Drops timings (as notebooks do) and the loss values of training summaries: nobody can
/// work those out independently of the run, so a fixture may not pin them.
func withoutTimingsAndLosses(_ text: String) -> String {
  withoutTimings(text).replacingOccurrences(
    of: #"(· (?:val_)?loss) [-0-9.e+naif]+"#, with: "$1 …",
    options: .regularExpression)
}
