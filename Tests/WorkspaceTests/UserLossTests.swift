import Foundation
import NeuralNet
import TensorEngine
import TensorLanguage
import Testing
import Workspace

/// A loss written as an `fn` trains on the graph; a built-in loss is known by identity.
@Suite(.serialized) struct UserLossTests {
  func history(_ r: Recorder, _ name: String) -> History? {
    guard case .history(let h)? = r.session.bindings[name] else { return nil }
    return h
  }

  func weights(_ r: Recorder, _ name: String) -> [Double] {
    guard case .layer(let net)? = r.session.bindings[name] else { return [] }
    return net.parameters.flatMap(\.scalars)
  }

  @Test func aUserMSETrainsToTheBuiltInsWeightsOnTheGraph() {
    let r = Recorder()
    let result = r.run(
      """
      fn my_mse(o, t) = mean((o - t)^2)
      data = xor()
      a = dense(2, 4, tanh) >> dense(4, 1, sigmoid)
      b = copy(a)
      ha = fit(a, data, loss: mse, opt: sgd(lr: 0.5), epochs: 200, live: false)
      hb = fit(b, data, loss: my_mse, opt: sgd(lr: 0.5), epochs: 200, live: false)
      """)
    guard case .complete = result else {
      Issue.record("\(result)")
      return
    }
    let lines = withoutTimings(r.printed).split(separator: "\n").filter { $0.hasPrefix("epoch") }
    #expect(lines.count == 2)
    // The common, compiled case says nothing of its path; the graph says why it was taken.
    #expect(lines.first?.contains("graph") == false)
    #expect(lines.last?.hasSuffix(" · graph (the loss my_mse is a user function)") == true)
    #expect(history(r, "ha")?.path == .compiled)
    #expect(history(r, "hb")?.path == .graph(reason: "the loss my_mse is a user function"))
    let (a, b) = (weights(r, "a"), weights(r, "b"))
    #expect(a.count == 17 && b.count == 17)
    #expect((zip(a, b).map { abs($0 - $1) }.max() ?? 1) < 1e-9)
    r.run("hb")
    #expect(r.printed.hasSuffix(" · graph (the loss my_mse is a user function)\n"))
    // evaluate takes the same fn.
    r.run("e1, acc1 = evaluate(b, data, loss: my_mse)\ne2, acc2 = evaluate(b, data, loss: mse)")
    r.run("e1 - e2")
    #expect(r.printed == "0\n")
  }

  @Test func aUserFunctionNamedMSEIsTheUsersNotTheBuiltIn() {
    let r = Recorder()
    let result = r.run(
      """
      fn mse(o, t) = sum((o - t)^2)
      data = xor()
      a = dense(2, 1, sigmoid)
      b = copy(a)
      ha = fit(a, data, loss: mse, epochs: 1, live: false)
      hb = fit(b, data, loss: "mse", epochs: 1, live: false)
      """)
    guard case .complete = result, let ha = history(r, "ha"), let hb = history(r, "hb") else {
      Issue.record("\(result)")
      return
    }
    #expect(ha.path == .graph(reason: "the loss mse is a user function"))
    #expect(hb.path == .compiled)
    // The first epoch's loss is that of the same initial weights: the sum over 4 samples
    // of one output is 4 times their mean.
    #expect(abs(ha.loss[0] - 4 * hb.loss[0]) < 1e-12)
  }

  @Test func aLossThatIsNotOneNumberIsAClearError() {
    let r = Recorder()
    let result = r.run(
      """
      fn per_sample(o, t) = (o - t)^2
      net = dense(2, 1)
      h = fit(net, xor(), loss: per_sample, epochs: 3, live: false)
      """)
    guard case .failed(let diagnostics) = result else {
      Issue.record("expected a failure: \(result)")
      return
    }
    #expect(
      diagnostics.first?.message
        == "the loss per_sample must give one number (e.g. a mean over the batch), not a tensor [4, 1]"
    )
    #expect(diagnostics.first?.range.start.line == 3)
    let other = r.run(
      "fn pair(o, t) = (mean(o), mean(t))\nh = fit(net, xor(), loss: pair, live: false)")
    guard case .failed(let d2) = other else {
      Issue.record("expected a failure: \(other)")
      return
    }
    #expect(d2.first?.message.hasPrefix("the loss pair must give a number") == true)
    #expect(d2.first?.range.start.line == 2)
  }

  @Test func anErrorInsideTheLossKeepsItsPlace() {
    let r = Recorder()
    let result = r.run(
      """
      fn bad(o, t) = mean((o - t) @ [[1, 2, 3], [4, 5, 6]])
      net = dense(2, 1)
      h = fit(net, xor(), loss: bad, live: false)
      """)
    guard case .failed(let diagnostics) = result else {
      Issue.record("expected a failure: \(result)")
      return
    }
    #expect(diagnostics.first?.range.start.line == 1)
    #expect(r.session.bindings["h"] == nil)
  }

  @Test func aLossTakesTwoArguments() {
    let r = Recorder()
    let result = r.run("fn half(o) = mean(o)\nfit(dense(2, 1), xor(), loss: half, live: false)")
    guard case .failed(let diagnostics) = result else {
      Issue.record("expected a failure: \(result)")
      return
    }
    #expect(
      diagnostics.first?.message
        == "fit: a loss takes two arguments, (output, target), but fn half(o) takes 1")
    let builtin = r.run("fit(dense(2, 1), xor(), loss: relu, live: false)")
    guard case .failed(let d2) = builtin else {
      Issue.record("expected a failure: \(builtin)")
      return
    }
    #expect(
      d2.first?.message
        == "fit: loss must be a loss (mse bce bce_with_logits cross_entropy hinge) or an fn of (output, target), not a function"
    )
  }
}

extension UserLossTests {
  /// Ctrl-C while the user's loss runs stops the fit as a Ctrl-C between steps does: the
  /// model keeps the weights of its last finished step, which are still finite.
  @Test(arguments: [2, 3, 4, 7, 10, 31])
  func ctrlCInsideTheLossStopsTheFitCleanly(checks: Int) {
    let r = Recorder()
    r.run("fn my_mse(o, t) = mean((o - t)^2)\nnet = dense(2, 1)")
    guard case .layer(let net)? = r.session.bindings["net"] else {
      Issue.record("no net")
      return
    }
    r.cancelAfterChecks = checks
    r.resetChecks()
    let result = r.run("h = fit(net, xor(), loss: my_mse, epochs: 1e6, live: false)")
    guard case .interrupted = result else {
      Issue.record("not interrupted: \(result)")
      return
    }
    #expect(r.printed.hasPrefix("interrupted in epoch "))
    #expect(net.parameters.allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
  }
}
