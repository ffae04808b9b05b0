import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

/// Every suite that draws random numbers (or creates layers with random weights) is nested
/// here, so that none of them moves the shared generator while another has just seeded it.
@Suite(.serialized) struct LanguageTests {}

/// A context that records what built-ins write; it is no terminal, and it cancels only when
/// told to, after a number of checks.
final class TestContext: Context {
  var writes: [(text: String, transient: Bool)] = []
  var isTerminal = false
  var cancelAfterChecks: Int?
  private var checks = 0

  /// Every event built-ins emitted, in order.
  var events: [OutputEvent] = []

  func write(_ text: String, transient: Bool) { writes.append((text, transient)) }

  /// Keeps the event, and writes what a terminal would print for it, a line's pieces (fit's
  /// summary, its timing, its newline) joined as one write.
  func emit(_ event: OutputEvent) {
    events.append(event)
    switch event {
    case .text(let text), .timing(_, let text):
      if let last = writes.last, !last.transient, !last.text.hasSuffix("\n") {
        writes[writes.count - 1].text += text
      } else {
        write(text, transient: false)
      }
    case .progress(let line): write(line, transient: true)
    default: break
    }
  }

  /// The timings emitted (seconds).
  var timings: [Double] {
    events.compactMap { if case .timing(let seconds, _) = $0 { seconds } else { nil } }
  }

  func shouldCancel() -> Bool {
    checks += 1
    return cancelAfterChecks.map { checks > $0 } ?? false
  }

  func call(_ function: Function, _ arguments: [Value]) throws -> Value {
    throw RuntimeError("the test context cannot call \(function.name)")
  }

  /// What was written for keeps (not transient).
  var kept: [String] { writes.filter { !$0.transient }.map(\.text) }
}

/// Calls the built-in `name` as the interpreter would, with positional arguments then
/// keywords.
@discardableResult
func call(
  _ name: String, _ positional: [Value] = [], _ keywords: KeyValuePairs<String, Value> = [:],
  context: TestContext = TestContext()
) throws -> Value {
  guard let builtin = Builtins.all[name] else { throw RuntimeError("no built-in \(name)") }
  let items =
    positional.map { Arguments.Item($0) } + keywords.map { Arguments.Item($0.value, label: $0.key) }
  var arguments = try Arguments(binding: items, to: builtin)
  return try builtin.implementation(&arguments, context)
}

/// The error a call throws, if it is a `RuntimeError`.
func runtimeError(
  _ name: String, _ positional: [Value] = [], _ keywords: KeyValuePairs<String, Value> = [:]
) -> RuntimeError? {
  do {
    _ = try call(name, positional, keywords)
    return nil
  } catch let error as RuntimeError {
    return error
  } catch {
    return nil
  }
}

// MARK: Values

func num(_ x: Double) -> Value { .number(x) }
func vec(_ xs: [Double]) -> Value { .tensor(Tensor(xs)) }
func mat(_ rows: [[Double]]) -> Value {
  // Test literals are rectangular; an empty tensor would fail every check that uses it.
  .tensor((try? Tensor(rows)) ?? Tensor([Double]()))
}
func fn(_ name: String) -> Value {
  guard let b = Builtins.all[name] else { return .none }
  return .function(Function(name: name, body: .builtin(b)))
}

func tensor(_ v: Value) -> Tensor? {
  if case .tensor(let t) = v { return t }
  return nil
}

func layer(_ v: Value) -> (any Layer)? {
  if case .layer(let l) = v { return l }
  return nil
}

func dataset(_ v: Value) -> Dataset? {
  if case .dataset(let d) = v { return d }
  return nil
}

func elements(_ v: Value) -> [Value]? {
  if case .tuple(let e) = v { return e }
  return nil
}

/// Whether `v` is a tensor of `shape` holding `expected` within `tolerance`.
func matches(
  _ v: Value, _ shape: [Int], _ expected: [Double], tolerance: Double = 1e-12
) -> Bool {
  guard let t = tensor(v), t.shape == shape, t.count == expected.count else { return false }
  return zip(t.scalars, expected).allSatisfy { a, b in
    a == b || abs(a - b) <= tolerance * max(1, abs(b))
  }
}

/// The single number `v` holds.
func number(_ v: Value) -> Double? {
  guard let t = tensor(v), t.count == 1 else { return nil }
  return t.scalars[0]
}
