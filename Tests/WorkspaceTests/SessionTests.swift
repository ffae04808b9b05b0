import TensorEngine
import TensorLanguage
import Testing
import Workspace

/// A session that collects what it prints.
final class Recorder {
  var printed = ""
  var transient: [String] = []
  var cancelAfterChecks: Int?
  private var checks = 0
  lazy var session = Session(
    cancellation: { [unowned self] in
      checks += 1
      return cancelAfterChecks.map { checks > $0 } ?? false
    },
    output: { [unowned self] text, isTransient in
      if isTransient { transient.append(text) } else { printed += text }
    })

  /// Starts counting cancel checks afresh, so each evaluation gets the same budget.
  func resetChecks() { checks = 0 }

  @discardableResult
  func run(_ source: String) -> Evaluation {
    printed = ""
    return session.evaluate(source)
  }
}

@Suite(.serialized) struct SessionTests {
  @Test func xorIsLearnedThroughTheLanguage() {
    RandomGenerator.seed(42)
    let r = Recorder()
    let result = r.run(
      """
      data = xor();
      net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
      h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 3000)
      accuracy(net, data)
      """)
    guard case .complete = result else {
      Issue.record("not complete: \(result)")
      return
    }
    let lines = r.printed.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.first?.hasPrefix("epoch 3000/3000 · loss ") == true)
    #expect(lines.last == "1")
  }

  @Test func thePerceptronConvergesOnAndButNotOnXor() {
    let r = Recorder()
    r.run("p = perceptron(2);\nfit(p, and()).converged")
    #expect(r.printed.hasSuffix("true\n"))
    r.run("q = perceptron(2);\nresult = fit(q, xor(), epochs: 50);\nresult.converged")
    #expect(r.printed.hasSuffix("false\n"))
  }

  @Test func aFailedStatementKeepsEveryEarlierBinding() {
    let r = Recorder()
    r.run("a = 1\nb = [1, 2]")
    let result = r.run("a = 5\nb = b @ [[1, 2, 3]]\nc = 3")
    guard case .failed(let diagnostics) = result else {
      Issue.record("expected a failure")
      return
    }
    #expect(diagnostics.first?.range.start.line == 2)
    r.run("a\nb")
    #expect(r.printed == "5\ntensor [2]\n[1, 2]\n")
    #expect(r.session.bindings["c"] == nil)
  }

  @Test func incompleteInputIsReportedAsSuch() {
    let r = Recorder()
    guard case .incomplete = r.run("x = (1 +") else {
      Issue.record("expected incomplete")
      return
    }
    guard case .incomplete = r.run("fn f(x) {\n  x * 2") else {
      Issue.record("expected incomplete for an open block")
      return
    }
    guard case .complete = r.run("fn f(x) {\n  x * 2\n}\nf(4)") else {
      Issue.record("expected complete")
      return
    }
    #expect(r.printed == "8\n")
  }

  @Test func anInterruptedLoopStopsAndKeepsBindings() {
    let r = Recorder()
    r.run("i = 0;")
    r.cancelAfterChecks = 50
    guard case .interrupted = r.run("while true { i = i + 1 }") else {
      Issue.record("expected an interruption")
      return
    }
    r.cancelAfterChecks = nil
    r.run("i > 10")
    #expect(r.printed == "1\n")
  }

  @Test func anInterruptedFitKeepsItsLastFinishedStep() {
    RandomGenerator.seed(1)
    let r = Recorder()
    r.run(
      "net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);\nw0 = net.layers[0].w + 0;   # a copy: fit updates the parameter in place"
    )
    r.cancelAfterChecks = 20
    guard case .interrupted = r.run("fit(net, xor(), epochs: 1000000)") else {
      Issue.record("expected an interruption")
      return
    }
    #expect(r.printed.contains("interrupted in epoch"))
    r.cancelAfterChecks = nil
    // The model was updated by the steps that finished, and it still works.
    r.run("sum(abs(net.layers[0].w - w0)) > 0\nnet([0, 1]).shape")
    #expect(r.printed == "1\ntensor [1]\n[1]\n")
  }
}

/// Each session draws from its own random generator, so what one prints never depends on
/// what another (or the rest of the process) drew.
@Suite struct SessionRandomnessTests {
  func printed(_ source: String, seed: UInt64 = 42) -> String {
    var out = ""
    let session = Session(seed: seed, output: { text, _ in out += text })
    _ = session.evaluate(source)
    return out
  }

  @Test func aSessionIsReproducibleWhateverElseDraws() {
    let first = printed("rand(3)")
    // Draws in between, from the process-wide generator and from another session.
    _ = try? Tensor.rand([1000])
    _ = printed("rand(1000);")
    #expect(printed("rand(3)") == first)
  }

  @Test func theSeedOfASessionChoosesItsNumbers() {
    #expect(printed("rand(3)", seed: 1) == printed("rand(3)", seed: 1))
    #expect(printed("rand(3)", seed: 1) != printed("rand(3)", seed: 2))
    // seed(n) in a session restarts that session's generator: the same numbers again.
    let again = printed("a = rand(3);\nseed(42)\nb = rand(3);\na == b")
    #expect(again == "tensor [3]\n[1, 1, 1]\n")
  }

  @Test func theDefaultSeedIs42AsInAGeneratorMadeDirectly() throws {
    var g = RandomGenerator(seed: 42)
    let expected = try Tensor.rand([2], using: &g)
    let formatter = TensorFormatter(digits: 17)
    #expect(
      printed("print(rand(2), digits: 17)") == "tensor [2]\n" + formatter.format(expected) + "\n")
  }
}
