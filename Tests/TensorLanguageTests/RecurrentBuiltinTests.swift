import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

/// The text `v` holds, if it is a string.
private func text(_ v: Value) -> String? {
  if case .string(let s) = v { return s }
  return nil
}

extension LanguageTests {
  /// `rnn`, `gru`, `lstm`, `text`, `generate` and `fit(…, clip:)` as a program uses them.
  @Suite struct RecurrentBuiltinTests {
    @Test func textGivesOneHotWindowsAndTheNextCharacter() throws {
      let p = Program()
      try p.run("d = text(\"abcab\", length: 2)")
      guard case .string(let vocab) = try p.run("d.vocab") else {
        Issue.record("vocab is not a string")
        return
      }
      #expect(vocab == "abc")
      // Windows "ab", "bc", "ca" followed by c, a, b (classes 2, 0, 1).
      #expect(matches(try p.run("d.y"), [3, 1], [2, 0, 1]))
      #expect(
        matches(
          try p.run("d.x[1]"), [2, 3],
          [
            0, 1, 0,
            0, 0, 1,
          ]))
      #expect(number(try p.run("d.classes")) == 3)
      #expect(number(try p.run("d.n")) == 3)
      // Windows every 2 characters of "abcabca": "ab"→c, "ca"→b, "bc"→a.
      try p.run("s = text(\"abcabca\", length: 2, step: 2)")
      #expect(matches(try p.run("s.y"), [3, 1], [2, 1, 0]))
      #expect(matches(try p.run("s.x[2, 0]"), [3], [0, 1, 0]))
    }

    @Test func textReadsAFileAndRefusesBadInput() throws {
      let file = temporaryFile("poem.txt")
      try "to be or not to be".write(toFile: file, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(atPath: file) }
      let p = Program()
      try p.run("d = text(load: \"\(file)\", length: 4)")
      #expect(text(try p.run("d.vocab")) == " benort")
      #expect(number(try p.run("d.n")) == 14)
      #expect(p.error("text(load: \"\(file).missing\")")?.contains("cannot read") == true)
      #expect(p.error("text(\"abc\", length: 3)")?.contains("length of at most 2") == true)
      #expect(p.error("text()")?.contains("text(load:") == true)
      #expect(p.error("text(\"abc\", load: \"x.txt\")")?.contains("not both") == true)
      #expect(p.error("text(\"abcd\", length: 0)") != nil)
      #expect(p.error("xor().vocab")?.contains("not a text data set") == true)
    }

    @Test func layersHavePyTorchsShapesAndNames() throws {
      let p = Program()
      try p.run("net = lstm(5, 8) >> dense(8, 5, softmax)")
      #expect(matches(try p.run("net.layers[0].params[0].shape"), [2], [32, 5]))
      #expect(matches(try p.run("net.layers[0].weight_hh_l0.shape"), [2], [32, 8]))
      #expect(matches(try p.run("net.layers[0].bias_ih_l0.shape"), [1], [32]))
      guard let net = layer(try p.run("net")) else {
        Issue.record("not a model")
        return
      }
      #expect(
        net.namedParameters.prefix(4).map(\.name) == [
          "0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0", "0.bias_hh_l0",
        ])
      #expect(
        matches(try p.run("shape(gru(2, 3, sequences: true)(zeros(4, 7, 2)))"), [3], [4, 7, 3]))
      #expect(matches(try p.run("shape(rnn(2, 3)(zeros(7, 2)))"), [1], [3]))
      #expect(p.error("rnn(2, 3)(zeros(4, 7, 3))")?.contains("[time, 2]") == true)
      #expect(p.error("rnn(2, 3)(zeros(4, 0, 2))")?.contains("at least one step") == true)
      // An empty batch gives an empty batch.
      #expect(matches(try p.run("shape(rnn(2, 3)(zeros(0, 7, 2)))"), [2], [0, 3]))
      #expect(p.error("lstm(0, 3)") != nil)
    }

    /// The file PyTorch wrote from an `nn.LSTM` as module 0 loads into the first layer of
    /// `lstm(3, 4) >> dense(4, 2)` by name (the head, not in the file, stays as it was).
    @Test func loadWeightsReadsPyTorchsStateDict() throws {
      let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/recurrent")
      let p = Program()
      try p.run("net = lstm(3, 4) >> dense(4, 2)")
      let file = folder.appendingPathComponent("recurrent_pytorch.safetensors").path
      try p.run("load_weights(net, \"\(file)\", strict: false)")
      struct Expected: Decodable {
        let x: [Double]
        let h: [Double]
      }
      let expected = try JSONDecoder().decode(
        Expected.self,
        from: Data(contentsOf: folder.appendingPathComponent("recurrent_pytorch_lstm.json")))
      guard let net = layer(try p.run("net")) else { return }
      let h = try net.layers[0](Tensor(shape: [2, 5, 3], scalars: expected.x))
      #expect(h.shape == [2, 4])
      #expect(zip(h.scalars, expected.h).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    /// The other way: a file `save` wrote from `lstm(3, 4) >> dense(4, 2)` holds PyTorch's
    /// names and layout, so numpy computing nn.LSTM's equations from it by those names (gates
    /// i, f, g, o in the rows of weight_ih_l0) gets the layer's last hidden state.
    @Test func aSavedLSTMIsPyTorchsLayoutToNumpy() throws {
      guard try safetensorsIsAvailable() else { return }
      let file = temporaryFile("lstm.safetensors")
      defer { unlink(file) }
      let p = Program()
      try p.run("seed(8)\nnet = lstm(3, 4) >> dense(4, 2)\nx = randn(2, 5, 3)")
      try p.run("save(net, \"\(file)\")")
      guard let x = tensor(try p.run("x")), let net = layer(try p.run("net")) else { return }
      let h = try net.layers[0](x)
      let script = """
        import sys, numpy as np
        from safetensors.numpy import load_file
        p = load_file(sys.argv[1])
        x = np.array([float(v) for v in sys.argv[2:]]).reshape(2, 5, 3)
        s = lambda z: 1 / (1 + np.exp(-z))
        h = np.zeros((2, 4)); c = np.zeros((2, 4))
        for t in range(5):
            g = x[:, t] @ p["0.weight_ih_l0"].T + p["0.bias_ih_l0"] \\
                + h @ p["0.weight_hh_l0"].T + p["0.bias_hh_l0"]
            i, f, gg, o = np.split(g, 4, axis=1)
            c = s(f) * c + s(i) * np.tanh(gg)
            h = s(o) * np.tanh(c)
        print(" ".join(repr(float(v)) for v in h.ravel()))
        """
      let run = try python(["-c", script, file] + x.scalars.map { "\($0)" })
      #expect(run.status == 0, "\(run.err)")
      let numpy = run.out.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
      #expect(numpy.count == 8)
      #expect(zip(h.scalars, numpy).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func generateIsReproducibleFromTheSeedAndChecksItsArguments() throws {
      let p = Program()
      let setup = """
        seed(3)
        d = text("abcabcabcabd", length: 3)
        net = rnn(d.classes, 6) >> dense(6, d.classes, softmax)
        """
      try p.run(setup)
      try p.run("seed(5)")
      let first = try p.run("generate(net, d, start: \"ab\", n: 30, temperature: 0.8)")
      try p.run("seed(5)")
      let again = try p.run("generate(net, d, start: \"ab\", n: 30, temperature: 0.8)")
      let other = try p.run("generate(net, d, start: \"ab\", n: 30, temperature: 0.8)")
      guard case .string(let written) = first else {
        Issue.record("generate gave \(first.kindName)")
        return
      }
      #expect(written.count == 32 && written.hasPrefix("ab"))
      #expect(written.allSatisfy { "abcd".contains($0) })
      #expect(text(again) == written)
      #expect(text(other) != written)
      #expect(p.error("generate(net, d, start: \"abz\")")?.contains("\"z\"") == true)
      #expect(
        p.error("generate(net, d, start: \"ab\", temperature: 0)")?.contains("positive") == true)
      #expect(p.error("generate(net, d, start: \"\")")?.contains("at least one") == true)
      #expect(
        p.error("generate(net, xor(), start: \"ab\")")?.contains("not a text data set") == true)
      #expect(p.error("generate(net, d, start: \"ab\", n: -1)") != nil)
      // A model over fixed windows needs a start as long as the window.
      try p.run("dn = flatten >> dense(12, d.classes, softmax)")
      #expect(p.error("generate(dn, d, start: \"ab\")")?.contains("at least 3") == true)
    }

    @Test func aTrainedCharacterModelContinuesItsText() throws {
      let p = Program()
      try p.run(
        """
        seed(1)
        d = text("abcdabcdabcdabcd", length: 3)
        net = gru(d.classes, 8) >> dense(8, d.classes, softmax)
        h = fit(net, d, loss: cross_entropy, opt: adam(lr: 0.05), epochs: 150, clip: 5)
        """)
      #expect(number(try p.run("accuracy(net, d)")) == 1)
      #expect(
        text(try p.run("generate(net, d, start: \"ab\", n: 10, temperature: 0.1)"))
          == "abcdabcdabcd")
      #expect(p.error("fit(net, d, loss: cross_entropy, clip: 0)")?.contains("positive") == true)
      // The perceptron rule has no gradients to clip.
      #expect(p.error("fit(perceptron(2), and(), clip: 5)")?.contains("not clip:") == true)
    }
  }
}
