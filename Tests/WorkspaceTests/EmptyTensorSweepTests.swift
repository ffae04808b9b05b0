import Foundation
import TensorLanguage
import Testing

/// Every built-in, and every operator, given tensors with no elements but long axes (and
/// shapes too long to make), in the real binary under a memory limit: each probe must give a
/// value or a clean error, never a crash or a hang. The probes come from the built-in table
/// itself, so a new built-in is swept without anyone listing it here.
@Suite struct EmptyTensorSweepTests {
  /// Shapes with no elements. The long ones are refused when made (no axis may be longer
  /// than the memory cap allows); the others are made, and work on them must not be sized
  /// by their axes. (EmptyTensorTests times the engine on axes just under the bound; here
  /// they are shorter so that results that really are long, like the sum of each of the
  /// empty rows, take little time.)
  static let shapes = [
    "[0]", "[0, 3]", "[3, 0]", "[0, 0]", "[1e9, 0]", "[0, 1e12]", "[2, 0, 1e9]",
    "[2.5e7, 0]", "[0, 2.5e7]", "[2, 0, 2.5e7]", "[2.5e7, 0, 2]", "[1, 0, 1, 2.5e7]",
    "[2.5e8, 0, 2.5e8]", "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]",
  ]

  /// The ways each built-in is called: alone, with a second tensor, with a size or an axis.
  static let callForms = [
    "F(t)", "F(t, t)", "F(t, 1)", "F(t, 0)", "F(t, axis: 0)", "F(t, axis: -1)", "F(2, t)",
    "F(t, 2, 3)", "F(t, keepdims: true)", "F(t, t, t)", "F(t, [1, 2])",
  ]

  /// The language's own operations on a tensor `t`.
  static let operations = [
    "t", "t'", "t.T", "t.shape", "t[1:]", "t[::-1]", "t[0]", "t[-1]", "t[:, 1:]", "t[..., 0]",
    "t + t", "t - 1", "t * t", "t / 0", "t ^ 2", "-t", "t == t", "t < 1", "t @ t", "t @ t'",
    "t' @ t", "[t, t]", "[t]", "for r in t[:3] { r }", "dense(2, 2)(t)", "relu(t)", "sum(t)",
    "t > 0 && true",
  ]

  /// The probes for one shape, each on a line of its own: the tensor is made again before
  /// each, so that a probe that changes it cannot hide the next one.
  static func probes(for shape: String) -> [String] {
    let names = Builtins.list.map(\.name).filter { !["load", "print"].contains($0) }
    var probes: [String] = []
    for name in names {
      for form in callForms {
        probes.append(form.replacingOccurrences(of: "F", with: name))
      }
    }
    probes += operations
    return probes.map { "t = full(\(shape), 1);\n\($0)" }
  }

  /// Runs `probes` in the REPL (which goes on after an error), each announced by a marker
  /// line, and gives the probe a crash or hang happened at, with how it ended. After a
  /// failure the run goes on from the next probe, so one run reports every failure.
  static func sweep(_ probes: [String]) throws -> [(probe: String, end: String)] {
    var failures: [(String, String)] = []
    var next = 0
    while next < probes.count {
      let batch = probes[next...]
      let input = batch.enumerated().map { i, probe in
        "print(\"@probe \(next + i)\")\n\(probe)\n"
      }.joined()
      let run = try LimitedRun.run(["--interactive"], input: input, deadline: 120)
      if !run.crashed && run.end != .hung { break }
      let reached = run.stdout.components(separatedBy: "@probe ").last.flatMap {
        Int($0.prefix(while: \.isNumber))
      }
      let at = reached ?? next
      failures.append((probes[at], "\(run.end) " + run.stderr.suffix(300)))
      next = at + 1
    }
    return failures
  }

  @Test(arguments: shapes)
  func everyBuiltinTakesAnEmptyTensor(shape: String) throws {
    let failures = try Self.sweep(Self.probes(for: shape))
    for failure in failures {
      Issue.record("shape \(shape): \(failure.probe) → \(failure.end)")
    }
  }
}
