import Foundation
import TensorEngine
import TensorLanguage
import Testing
import Workspace

/// What a student sees when training diverges, and the plateau schedule's floor.
@Suite(.serialized) struct DivergenceReportTests {
  @Test func aDivergingFitSaysWhereAndWhatToDo() throws {
    let r = Recorder()
    let result = r.run(
      """
      net = dense(1, 1, w: [[0.5]], b: [0]);
      h = fit(net, line(20), opt: sgd(lr: 5), epochs: 100000)
      """)
    guard case .complete = result else {
      Issue.record("\(result)")
      return
    }
    let line = withoutTimings(r.printed)
    let pattern =
      #"^diverged in epoch ([0-9]+): the loss became (inf|nan) · the model keeps the weights of "#
      + #"epoch ([0-9]+) \(loss [^)]+\) · try a smaller learning rate than 5, e\.g\. 0\.5\n$"#
    let match = try #require(line.wholeMatch(of: try Regex(pattern)))
    let diverged = try #require(Int(match.output[1].substring ?? ""))
    let kept = try #require(Int(match.output[3].substring ?? ""))
    #expect(kept == diverged - 1)
    // The history holds the finite epochs only, and the weights are finite.
    r.run("h.epochs")
    #expect(r.printed == "\(kept)\n")
    r.run("h")
    #expect(r.printed.hasSuffix(" · diverged in epoch \(diverged) · compiled\n"))
    if case .layer(let net)? = r.session.bindings["net"] {
      #expect(net.parameters.allSatisfy { $0.scalars.allSatisfy { $0.isFinite } })
    }
  }

  @Test func aFitThatDoesNotDivergeSaysNothingOfIt() {
    let r = Recorder()
    r.run("h = fit(dense(1, 1), line(20), opt: sgd(lr: 0.1), epochs: 50)")
    #expect(r.printed.hasPrefix("epoch 50/50 · loss "))
    #expect(!r.printed.contains("diverged"))
  }

  @Test func plateauTakesMinLr() {
    let r = Recorder()
    r.run("plateau(min_lr: 1e-3)")
    #expect(r.printed == "plateau · factor 0.1 · patience 10 · min_lr 0.001\n")
    // At w = 0, b = 0.5 the gradient of mse on xor is zero (the four errors cancel), so
    // the loss never improves and patience 0 lowers the rate each epoch: 0.1 → 0.01 → 0.005,
    // where min_lr holds it, not 0.001.
    r.run(
      """
      h = fit(dense(2, 1, w: [[0, 0]], b: [0.5]), xor(), opt: sgd(lr: 0.1), epochs: 6, schedule: plateau(patience: 0, min_lr: 0.005));
      h.lr
      """)
    #expect(r.printed.hasSuffix("\n[0.1, 0.1, 0.01, 0.005, 0.005, 0.005]\n"))
    guard case .failed(let d) = r.run("plateau(min_lr: -1)") else {
      Issue.record("a negative min_lr is accepted")
      return
    }
    #expect(d.first?.message == "plateau min_lr must be a number ≥ 0, not -1")
  }
}
