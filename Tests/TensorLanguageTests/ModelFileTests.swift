import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// `load_model`: the spec `save` writes, rebuilt and filled with the file's weights.
  @Suite struct ModelFileTests {
    let x = try! Tensor([[0, 0], [0, 1], [1, 0], [1, 1], [0.3, -2]])

    /// dense(2, 3, leaky_relu(0.2)) >> tanh >> dense(3, 2) >> softmax, trained a little so
    /// its weights are not the ones a fresh model would draw.
    func trained() throws -> any Layer {
      let net = Sequential([
        try Dense(2, 3, activation: .leakyRelu(slope: 0.2)), ActivationLayer(.tanh),
        try Dense(3, 2), ActivationLayer(.softmax),
      ])
      let data = try Dataset(
        name: "xor", x: Tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: Tensor([[0], [1], [1], [0]]),
        classes: 2)
      _ = try Training.fit(
        net, on: data, loss: .crossEntropy, optimizer: try Adam(learningRate: 0.05),
        options: TrainingOptions(epochs: 20))
      return net
    }

    func bits(_ t: Tensor) -> [UInt64] { t.scalars.map(\.bitPattern) }

    func loadModelError(_ file: String) -> String? {
      runtimeError("load_model", [.string(file)])?.message
    }

    @Test func saveThenLoadModelGivesBitwiseTheSameOutputs() throws {
      let file = temporaryFile("model.safetensors")
      defer { unlink(file) }
      let net = try trained()
      try call("save", [.layer(net), .string(file)])
      guard case .layer(let loaded) = try call("load_model", [.string(file)]) else {
        Issue.record("load_model gave no model")
        return
      }
      #expect(loaded.description == net.description)
      #expect(loaded.namedParameters.map(\.name) == ["0.w", "0.b", "2.w", "2.b"])
      #expect(zip(loaded.parameters, net.parameters).allSatisfy { $0 !== $1 })
      #expect(bits(try loaded(x)) == bits(try net(x)))
      #expect(try LayerSpec.decode(loaded.spec.json) == net.spec)
    }

    @Test func aPerceptronRoundTrips() throws {
      let file = temporaryFile("perceptron.safetensors")
      defer { unlink(file) }
      let p = try Perceptron(inputs: 2)
      try p.weight.assign(Tensor([[1, 1]]))
      try p.bias.assign(Tensor([-1.5]))
      try call("save", [.layer(p), .string(file)])
      guard case .layer(let loaded) = try call("load_model", [.string(file)]) else {
        Issue.record("load_model gave no model")
        return
      }
      #expect(loaded.description == "perceptron 2→1 step")
      // AND: only (1, 1) reaches 1.5.
      #expect(try loaded(x).scalars == [0, 0, 0, 1, 0])
    }

    @Test func aFileWithoutASpecSaysToBuildTheModelAndLoadWeights() throws {
      let file = temporaryFile("bare.safetensors")
      defer { unlink(file) }
      try SafeTensors.write(.init(tensors: try trained().namedParameters), to: file)
      let message = loadModelError(file) ?? ""
      #expect(message.contains("no model spec"))
      #expect(message.contains("load_weights(net, \"\(file)\")"))
    }

    /// A file whose spec says one model and whose weights another.
    func write(spec: String, tensors: [(String, Tensor)], to file: String) throws {
      try SafeTensors.write(
        .init(tensors: tensors, metadata: ["gradbook.spec": spec]), to: file)
    }

    @Test func aSpecThatDoesNotMatchItsWeightsIsRefused() throws {
      let file = temporaryFile("mismatch.safetensors")
      defer { unlink(file) }
      let spec = try trained().spec.json
      let w = try Tensor.zeros([3, 2])
      let b = try Tensor.zeros([3])
      let w2 = try Tensor.zeros([2, 3])
      let b2 = try Tensor.zeros([2])
      try write(spec: spec, tensors: [("0.w", w), ("0.b", b)], to: file)
      #expect(
        loadModelError(file)?.contains(
          "the model its spec describes does not fit its weights: it lacks 2.w, 2.b") == true)
      try write(
        spec: spec, tensors: [("0.w", w), ("0.b", b), ("2.w", w2), ("2.b", b2), ("4.w", w)],
        to: file)
      #expect(loadModelError(file)?.contains("the model has no 4.w") == true)
      try write(
        spec: spec, tensors: [("0.w", w2), ("0.b", b), ("2.w", w2), ("2.b", b2)], to: file)
      #expect(
        loadModelError(file)?.contains("0.w has shape [2, 3] but the model's 0.w has shape [3, 2]")
          == true)
      try write(spec: #"{"kind": "conv9"}"#, tensors: [("0.w", w)], to: file)
      #expect(loadModelError(file)?.contains("unknown layer kind \"conv9\"") == true)
      try write(spec: "{not json", tensors: [("0.w", w)], to: file)
      #expect(loadModelError(file)?.contains("spec is not valid") == true)
      try write(
        spec: #"{"kind": "dense", "config": {"inputs": 0, "outputs": 1, "activation": "relu"}}"#,
        tensors: [("w", w)], to: file)
      #expect(loadModelError(file)?.contains("whole number from 1") == true)
    }

    @Test func pythonSeesTheSpecInTheMetadata() throws {
      guard try safetensorsIsAvailable() else { return }
      let file = temporaryFile("spec.safetensors")
      defer { unlink(file) }
      let net = try trained()
      try call("save", [.layer(net), .string(file)])
      let script = """
        import sys, json
        from safetensors import safe_open
        from safetensors.numpy import load_file
        with safe_open(sys.argv[1], "np") as f:
            meta = f.metadata()
        spec = json.loads(meta["gradbook.spec"])
        print(meta["format"], spec["kind"], *[c["kind"] for c in spec["children"]])
        print(meta["gradbook.spec"])
        print(sorted(load_file(sys.argv[1])))
        """
      let run = try python(["-c", script, file])
      #expect(run.status == 0, "\(run.err)")
      let lines = run.out.split(separator: "\n").map(String.init)
      #expect(lines.first == "pt sequential dense activation dense activation")
      #expect(lines.dropFirst().first == net.spec.json)
      #expect(lines.last == "['0.b', '0.w', '2.b', '2.w']")
    }

    @Test func aModelPythonWritesWithASpecLoads() throws {
      guard try safetensorsIsAvailable() else { return }
      let file = temporaryFile("py-model.safetensors")
      defer { unlink(file) }
      let script = """
        import sys, json, numpy as np
        from safetensors.numpy import save_file
        spec = {"kind": "sequential", "children": [
            {"kind": "dense", "config": {"inputs": 2, "outputs": 1, "activation": "sigmoid"}}]}
        save_file({"0.w": np.array([[2.0, -1.0]]), "0.b": np.array([0.5])}, sys.argv[1],
                  metadata={"gradbook.spec": json.dumps(spec)})
        """
      let run = try python(["-c", script, file])
      #expect(run.status == 0, "\(run.err)")
      guard case .layer(let net) = try call("load_model", [.string(file)]) else {
        Issue.record("load_model gave no model")
        return
      }
      // sigmoid(2·0.3 − 1·(−2) + 0.5) = sigmoid(3.1)
      #expect(try net(Tensor([[0.3, -2]])).scalars == [1 / (1 + exp(-3.1))])
    }

    // MARK: net.layers[a:b]

    @Test func aSliceOfLayersIsAModelSharingThem() throws {
      let p = Program()
      try p.run(
        """
        ae = dense(2, 3, tanh) >> dense(3, 1, tanh) >> dense(1, 3, tanh) >> dense(3, 2)
        x = [[1, 0], [0.5, -1]]
        enc = ae.layers[0:2]
        """)
      guard case .layer(let ae) = try p.run("ae"), case .layer(let enc) = try p.run("enc")
      else {
        Issue.record("no models")
        return
      }
      #expect(enc.isModel && enc.layers.count == 2)
      #expect(enc.layers[0] === ae.layers[0] && enc.layers[1] === ae.layers[1])
      let x = try Tensor([[1, 0], [0.5, -1]])
      let byHand = try ae.layers[1](ae.layers[0](x))
      #expect(tensor(try p.run("enc(x)"))?.scalars == byHand.scalars)
      // Training the slice trains the model's layers, which are the same.
      let before = ae.layers[0].parameters[0].scalars
      try p.run(
        "fit(enc, xor(), loss: mse, opt: sgd(lr: 0.1), epochs: 2, live: false)")
      #expect(ae.layers[0].parameters[0].scalars != before)
      #expect(tensor(try p.run("ae.layers[0].w"))?.scalars == enc.layers[0].parameters[0].scalars)
      // Other slices, Python's way.
      #expect((try p.run("ae.layers[1:]")).layerCount == 3)
      #expect((try p.run("ae.layers[:-1]")).layerCount == 3)
      #expect((try p.run("ae.layers[::2]")).layerCount == 2)
      #expect(p.error("ae.layers[::0]")?.contains("step") == true)
    }

    @Test func aSliceOfOtherValuesIsATuple() throws {
      let p = Program()
      guard case .tuple(let items) = try p.run("(1, \"a\", 3)[1:]") else {
        Issue.record("not a tuple")
        return
      }
      #expect(items.count == 2)
      guard case .tuple(let none) = try p.run("(1, 2)[5:]") else {
        Issue.record("not a tuple")
        return
      }
      #expect(none.isEmpty)
    }
  }
}

extension Value {
  /// The number of layers of a model value; -1 for anything else.
  fileprivate var layerCount: Int {
    if case .layer(let l) = self { return l.layers.count }
    return -1
  }
}
