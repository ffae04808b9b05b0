import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// rnn, gru and lstm against PyTorch 2.13's float64 `nn.RNN`, `nn.GRU` and `nn.LSTM`, written
/// by `Tests/Fixtures/recurrent/make_recurrent_fixture.py` into `recurrent_pytorch.json`.
@Suite struct PyTorchRecurrentTests {
  struct Case: Decodable {
    let kind: String
    let inputs: Int
    let hidden: Int
    let sequences: Bool
    let xShape: [Int]
    let outShape: [Int]
    let x: [Double]
    let r: [Double]
    let out: [Double]
    let dx: [Double]
    let parameters: [String: [Double]]
    let gradients: [String: [Double]]

    enum CodingKeys: String, CodingKey {
      case kind, inputs, hidden, sequences, x, r, out, dx, parameters, gradients
      case xShape = "x_shape"
      case outShape = "out_shape"
    }
  }

  struct Fixture: Decodable {
    let torch: String
    let cases: [Case]
  }

  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../Fixtures/recurrent")

  static func fixture() throws -> Fixture {
    try JSONDecoder().decode(
      Fixture.self,
      from: Data(contentsOf: folder.appendingPathComponent("recurrent_pytorch.json")))
  }

  func maxError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
  }

  /// The layer of a case with PyTorch's weights, by PyTorch's names.
  func layer(_ c: Case) throws -> Recurrent {
    let cell = try #require(Recurrent.Cell(rawValue: c.kind))
    let rows = cell.gates * c.hidden
    let shapes = [
      "weight_ih_l0": [rows, c.inputs], "weight_hh_l0": [rows, c.hidden],
      "bias_ih_l0": [rows], "bias_hh_l0": [rows],
    ]
    var given: [String: Tensor] = [:]
    for (name, shape) in shapes {
      given[name] = try Tensor(shape: shape, scalars: try #require(c.parameters[name]))
    }
    var unused = RandomGenerator(seed: 0)
    return try Recurrent(
      cell, c.inputs, c.hidden, sequences: c.sequences, parameters: given, using: &unused)
  }

  @Test func outputsAndGradientsMatchPyTorch() throws {
    let fixture = try Self.fixture()
    #expect(fixture.torch.hasPrefix("2."))
    #expect(fixture.cases.count == 6)
    for c in fixture.cases {
      let rnn = try layer(c)
      let x = Tensor.parameter(try Tensor(shape: c.xShape, scalars: c.x))
      let y = try rnn(x)
      let label = "\(c.kind) sequences: \(c.sequences)"
      #expect(y.shape == c.outShape, "\(label)")
      #expect(
        try rnn.outputShape(for: Array(c.xShape.dropFirst())) == Array(c.outShape.dropFirst()))
      #expect(maxError(y.scalars, c.out) < 1e-12, "\(label)")
      let loss = try (y * Tensor(shape: c.outShape, scalars: c.r)).sum()
      let g = try Tensor.gradients(of: loss, withRespectTo: [x] + rnn.parameters)
      #expect(maxError(g[0].scalars, c.dx) < 1e-12, "\(label) dx")
      for (k, (name, _)) in rnn.namedParameters.enumerated() {
        #expect(maxError(g[k + 1].scalars, c.gradients[name] ?? []) < 1e-12, "\(label) \(name)")
      }
    }
  }

  /// A file PyTorch's safetensors wrote from an `nn.LSTM` kept as module 0 holds exactly the
  /// names a Gradbook model `lstm(3, 4) >> …` gives its first layer's parameters, and with
  /// them the layer computes PyTorch's last hidden state.
  @Test func aWeightFilePyTorchWroteLoadsByName() throws {
    let contents = try SafeTensors.read(
      Self.folder.appendingPathComponent("recurrent_pytorch.safetensors").path)
    var g = RandomGenerator(seed: 4)
    let model = Sequential([try Recurrent(.lstm, 3, 4, using: &g)])
    let names = model.namedParameters.map(\.name)
    #expect(names == ["0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0", "0.bias_hh_l0"])
    #expect(Set(contents.tensors.map(\.name)) == Set(names))
    let stored = Dictionary(uniqueKeysWithValues: contents.tensors)
    for (name, p) in model.namedParameters {
      let t = try #require(stored[name])
      #expect(t.shape == p.shape, "\(name)")
      try p.assign(mask: nil, [], t)
    }
    struct Expected: Decodable {
      let x: [Double]
      let h: [Double]
    }
    let expected = try JSONDecoder().decode(
      Expected.self,
      from: Data(contentsOf: Self.folder.appendingPathComponent("recurrent_pytorch_lstm.json")))
    let h = try model(Tensor(shape: [2, 5, 3], scalars: expected.x))
    #expect(h.shape == [2, 4])
    #expect(maxError(h.scalars, expected.h) < 1e-12)
  }
}

/// The recurrent layers' gradients against central finite differences, and their contract.
@Suite struct RecurrentLayerTests {
  @Test func gradientsMatchFiniteDifferences() throws {
    for cell in Recurrent.Cell.allCases {
      for sequences in [false, true] {
        var g = RandomGenerator(seed: 7)
        let layer = try Recurrent(cell, 3, 2, sequences: sequences, using: &g)
        try checkLayerGradients(layer, input: seededTensor([2, 4, 3], seed: 11, in: -2...2))
      }
    }
  }

  @Test func aLoneSequenceIsABatchOfOne() throws {
    var g = RandomGenerator(seed: 3)
    let layer = try Recurrent(.gru, 3, 5, sequences: true, using: &g)
    let x = try seededTensor([2, 6, 3], seed: 5)
    let batch = try layer(x)
    let one = try layer(x.index(1))
    #expect(one.shape == [6, 5])
    // The same sums, to rounding (BLAS may block a product of 1 row differently).
    let rest = Array(batch.scalars[30..<60])
    #expect(zip(one.scalars, rest).allSatisfy { abs($0 - $1) < 1e-14 })
  }

  @Test func initialisationIsPyTorchsUniformAndComesFromTheSeed() throws {
    var g = RandomGenerator(seed: 9)
    let layer = try Recurrent(.lstm, 10, 16, using: &g)
    let all = layer.parameters.flatMap(\.scalars)
    #expect(all.count == 4 * 16 * (10 + 16) + 2 * 4 * 16)
    #expect(all.allSatisfy { abs($0) <= 0.25 })  // 1/√16
    // Spread over the whole range, not a smaller one.
    #expect(all.max()! > 0.24 && all.min()! < -0.24)
    var again = RandomGenerator(seed: 9)
    #expect(try Recurrent(.lstm, 10, 16, using: &again).weightHH.scalars == layer.weightHH.scalars)
  }

  @Test func countsShapesSpecAndCopy() throws {
    var g = RandomGenerator(seed: 4)
    let lstm = try Recurrent(.lstm, 27, 64, using: &g)
    #expect(lstm.parameterCount == 4 * 64 * (27 + 64) + 2 * 4 * 64)
    #expect(try lstm.outputShape(for: [20, 27]) == [64])
    #expect(try lstm.multiplyAdds(for: [20, 27]) == 20 * 4 * 64 * 91)
    let gru = try Recurrent(.gru, 2, 3, sequences: true, using: &g)
    #expect(try gru.outputShape(for: [7, 2]) == [7, 3])
    #expect(gru.parameterCount == 3 * 3 * 5 + 2 * 9)
    #expect(gru.description == "gru 2→3 sequences")
    let rebuilt = try LayerSpec.decode(gru.spec.json).build()
    #expect(rebuilt.spec == gru.spec)
    #expect(rebuilt.parameters.map(\.shape) == gru.parameters.map(\.shape))
    gru.weightIH.isFrozen = true
    let copy = try gru.copy()
    #expect(copy.parameters.map(\.scalars) == gru.parameters.map(\.scalars))
    #expect(copy.parameters[0] !== gru.parameters[0])
    #expect(copy.parameters[0].isFrozen)
  }

  @Test func badInputsSayWhatTheLayerTakes() throws {
    var g = RandomGenerator(seed: 4)
    let rnn = try Recurrent(.rnn, 3, 4, using: &g)
    for shape in [[3], [5, 2], [2, 5, 4], [1, 2, 5, 3]] {
      do {
        _ = try rnn(Tensor.zeros(shape))
        Issue.record("rnn took \(shape)")
      } catch let error as TensorError {
        #expect(error.message.contains("[time, 3]"), "\(error.message)")
      }
    }
    #expect(throws: TensorError.self) { try rnn.outputShape(for: [12]) }
    #expect(throws: TensorError.self) { try Recurrent(.lstm, 0, 4, using: &g) }
  }
}

/// `clip_grad_norm_` by hand: gradients (3, 4) and (0, 0, 12) have global norm 13.
@Suite struct GradientClippingTests {
  @Test func scalesAllGradientsByMaxOverNorm() throws {
    let a = Tensor.parameter(try Tensor(shape: [2], scalars: [0, 0]))
    let b = Tensor.parameter(try Tensor(shape: [3], scalars: [0, 0, 0]))
    a.grad = Tensor([3, 4])
    b.grad = Tensor([0, 0, 12])
    let norm = try GradientClipping.clip([a, b], maxNorm: 6.5)
    #expect(norm == 13)
    let s = 6.5 / (13 + 1e-6)
    #expect(a.grad?.scalars == [3 * s, 4 * s])
    #expect(b.grad?.scalars == [0, 0, 12 * s])
    // Below the limit nothing changes.
    try GradientClipping.clip([a, b], maxNorm: 100)
    #expect(a.grad?.scalars == [3 * s, 4 * s])
  }

  @Test func fitWithClipTrainsOnTheGraphAndMovesNoFurtherThanTheNorm() throws {
    // One SGD step of rate 1 with clip c moves the weights by a vector of norm at most c.
    var g = RandomGenerator(seed: 1)
    let net = try Dense(2, 1, using: &g)
    let before = net.parameters.flatMap(\.scalars)
    let data = try Dataset(
      name: "far", x: Tensor(shape: [2, 2], scalars: [10, 20, -30, 40]),
      y: Tensor(shape: [2, 1], scalars: [100, -200]))
    var options = TrainingOptions(epochs: 1)
    options.clipNorm = 0.5
    var shuffle = RandomGenerator(seed: 2)
    let history = try Training.fit(
      net, on: data, loss: .mse, optimizer: SGD(learningRate: 1), options: options,
      using: &shuffle)
    let after = net.parameters.flatMap(\.scalars)
    let moved = zip(before, after).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    #expect(abs(moved - 0.5) < 1e-6)
    #expect("\(history.path)".contains("clip"))
  }
}
