import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// `fit(…, augment: […], stop: early(…))` as a notebook writes it.
  @Suite struct AugmentationBuiltinTests {
    /// 16 noisy 1×4×4 images, a bright left or right half.
    static let setup = """
      seed(3)
      x = reshape(rand(16, 1, 4, 4) * 0.3, 16, 1, 4, 4)
      y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
      x[1::2, 0, :, 2:] = x[1::2, 0, :, 2:] + 1
      x[0::2, 0, :, :2] = x[0::2, 0, :, :2] + 1
      d = dataset(x, y, classes: 2)
      """

    func weights(_ p: Program) throws -> [Double] {
      guard case .tensor(let w) = try p.run("net.layers[1].w") else { return [] }
      return w.scalars
    }

    @Test func augmentedFitIsTheSameFromTheSameSeed() throws {
      var runs: [[Double]] = []
      for s in [7, 7, 8] {
        let p = Program()
        try p.run(Self.setup)
        try p.run("seed(\(s))")
        try p.run("net = flatten >> dense(16, 2, softmax)")
        try p.run(
          "h = fit(net, d, loss: cross_entropy, epochs: 5, batch: 4, "
            + "augment: [flip(), shift(1), crop(4, pad: 1)])")
        #expect(matches(try p.run("h.epochs"), [], [5]))
        runs.append(try weights(p))
      }
      #expect(runs[0] == runs[1])
      #expect(runs[0] != runs[2])
    }

    @Test func earlyStoppingEndsTheRunAndSaysSo() throws {
      let p = Program()
      try p.run(Self.setup)
      // Validation with every label swapped: its loss rises as the model learns.
      try p.run("wrong = dataset(x, 1 - y, classes: 2)")
      try p.run("net = flatten >> dense(16, 2, softmax)")
      guard
        case .history(let h) = try p.run(
          "h = fit(net, d, loss: cross_entropy, val: wrong, epochs: 300, "
            + "stop: early(patience: 4))")
      else {
        Issue.record("fit gave no history")
        return
      }
      guard case .early(let epoch, let best, true) = h.stop else {
        Issue.record("no early stop: \(h.stop)")
        return
      }
      #expect(epoch == best + 4)
      let line = p.context.kept.last ?? ""
      #expect(
        line.hasPrefix(
          "epoch \(epoch)/300 · loss ")
          && line.contains(
            "stopped early after epoch \(epoch) (best \(best), its weights restored)")
      )
      #expect(h.description.contains(" · stopped early after epoch \(epoch) (best \(best)) · "))
    }

    @Test func valuesPrintAndBadArgumentsSayWhy() throws {
      let p = Program()
      let f = ValueFormatter()
      #expect(f.format(try p.run("flip()")) == "augmentation · flip()")
      #expect(
        f.format(try p.run("[flip(p: 0.3), crop(32, pad: 4)]"))
          == "(augmentation · flip(p: 0.3), augmentation · crop(32, pad: 4))")
      #expect(f.format(try p.run("pca_color(0.1)")) == "augmentation · pca_color(0.1)")
      #expect(
        f.format(try p.run("early(patience: 5)"))
          == "early stopping · patience 5 · restores the best weights")
      try p.run(Self.setup)
      try p.run("net = flatten >> dense(16, 2, softmax)")
      try p.run("rows = dataset([[0, 1], [1, 0]], [0, 1], classes: 2)")
      let errors = [
        "fit(net, d, augment: [1, 2])",
        "fit(net, d, augment: [flip(), 1])",
        "fit(net, d, augment: sgd())",
        "fit(net, d, stop: 5)",
        "fit(net, d, augment: shift(4))",
        "fit(dense(2, 2), rows, augment: [flip()])",
        "fit(net, d, augment: [pca_color()])",
        "early(patience: -1)",
        "shift(1.5)",
        "fit(perceptron(2), rows, stop: early())",
      ].map { p.error($0) ?? "no error" }
      #expect(
        errors == [
          "fit: augment must be a list of augmentations like [flip(), shift(2)], not a tensor",
          "a list of augmentations holds only augmentations, not a number",
          "fit: augment must be a list of augmentations like [flip(), shift(2)], not an optimizer",
          "fit: stop must be a stop rule like early(patience: 10), not a number",
          "shift(4) can move a 4×4 image off itself; the offset must be below 4",
          "flip() transforms images [channels, height, width], but the samples of data have "
            + "shape [2]; make image samples with dataset(reshape(x, [n, c, h, w]), y)",
          "pca_color shifts the colours of RGB images [3, h, w], but the samples of data have 1 "
            + "channel ([1, 4, 4]); leave it out for grey images",
          "early: patience must be at least 0, not -1",
          "shift: k must be a whole number, not 1.5",
          "fit: a perceptron is fitted by its rule w ← w + lr (t − y) x, which takes lr: and "
            + "epochs: but not stop:",
        ])
    }
  }
}
