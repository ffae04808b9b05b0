import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// deconv and upsample against PyTorch 2.13's float64 outputs and gradients, written by
/// `Tests/Fixtures/deconv/make_deconv_fixture.py` into `deconv_pytorch.json`.
@Suite struct PyTorchDeconvTests {
  struct Case: Decodable {
    let name: String
    let stride: Int
    let pad: Int
    let upsample: Int?
    let xShape: [Int]
    let wShape: [Int]
    let outShape: [Int]
    let x: [Double]
    let w: [Double]
    let b: [Double]
    let r: [Double]
    let out: [Double]
    let dx: [Double]
    let dw: [Double]
    let db: [Double]

    enum CodingKeys: String, CodingKey {
      case name, stride, pad, upsample, x, w, b, r, out, dx, dw, db
      case xShape = "x_shape"
      case wShape = "w_shape"
      case outShape = "out_shape"
    }
  }

  struct Fixture: Decodable {
    let torch: String
    let cases: [Case]
  }

  static func fixture() throws -> Fixture {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../Fixtures/deconv/deconv_pytorch.json")
    return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
  }

  func maxError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
  }

  @Test func layersMatchPyTorchOutputsAndGradients() throws {
    let fixture = try Self.fixture()
    #expect(fixture.torch.hasPrefix("2."))
    #expect(fixture.cases.count == 4)
    #expect(fixture.cases.contains { $0.upsample != nil })
    for c in fixture.cases {
      let deconv = try Deconv(
        c.wShape[0], c.wShape[1], kernel: (c.wShape[2], c.wShape[3]), stride: c.stride,
        pad: c.pad, weight: Tensor(shape: c.wShape, scalars: c.w), bias: Tensor(c.b))
      let net = Sequential([deconv] + (try c.upsample.map { [try Upsample($0)] } ?? []))
      let x = Tensor.parameter(try Tensor(shape: c.xShape, scalars: c.x))
      let y = try net(x)
      #expect(y.shape == c.outShape, "\(c.name)")
      #expect(
        try net.outputShape(for: Array(c.xShape.dropFirst())) == Array(c.outShape.dropFirst()))
      #expect(maxError(y.scalars, c.out) < 1e-12, "\(c.name)")
      let loss = try (y * Tensor(shape: c.outShape, scalars: c.r)).sum()
      let g = try Tensor.gradients(of: loss, withRespectTo: [x, deconv.weight, deconv.bias])
      #expect(maxError(g[0].scalars, c.dx) < 1e-12, "\(c.name) dx")
      #expect(maxError(g[1].scalars, c.dw) < 1e-12, "\(c.name) dw")
      #expect(maxError(g[2].scalars, c.db) < 1e-12, "\(c.name) db")
    }
  }
}

/// The decoder's layers: shapes, counts, gradients, specs and copies.
@Suite struct DecoderLayerTests {
  @Test func deconvUndoesTheShapeOfTheConvItIsTheAdjointOf() throws {
    // conv(1, 8, 2, stride: 2) takes [1, 8, 8] to [8, 4, 4]; deconv(8, 1, 2, stride: 2)
    // takes it back: (4 − 1)·2 + 2 = 8.
    let down = try Conv(1, 8, kernel: (2, 2), stride: 2)
    let up = try Deconv(8, 1, kernel: (2, 2), stride: 2)
    #expect(try down.outputShape(for: [1, 8, 8]) == [8, 4, 4])
    #expect(try up.outputShape(for: [8, 4, 4]) == [1, 8, 8])
    // Each of the 8·4·4 inputs meets its channel's 1·2·2 weights: 512 multiply-adds, as
    // many as the conv's 8·4·4 outputs of 1·2·2 each.
    #expect(try up.multiplyAdds(for: [8, 4, 4]) == 512)
    #expect(try down.multiplyAdds(for: [1, 8, 8]) == 512)
    #expect(up.parameterCount == 8 * 1 * 2 * 2 + 1)
    #expect(try Upsample(2).outputShape(for: [8, 4, 4]) == [8, 8, 8])
    #expect(try Upsample(2).multiplyAdds(for: [8, 4, 4]) == 0)
    #expect(up.description == "deconv 8→1 2×2 stride 2")
    #expect(try Deconv(3, 2, kernel: (3, 2), pad: 1).description == "deconv 3→2 3×2 pad 1")
    #expect(try Upsample(3).description == "upsample ×3")
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    var g = RandomGenerator(seed: 80)
    let deconv = try Deconv(3, 2, kernel: (3, 2), stride: 2, pad: 1, using: &g)
    try checkLayerGradients(deconv, input: seededTensor([2, 3, 3, 4], seed: 81))
    try checkLayerGradients(try Upsample(2), input: seededTensor([2, 3, 2, 3], seed: 82))
  }

  @Test func aSingleSampleGivesASingleOutput() throws {
    var g = RandomGenerator(seed: 83)
    let deconv = try Deconv(2, 3, kernel: (2, 2), stride: 2, using: &g)
    let x = try seededTensor([2, 3, 3], seed: 84)
    let one = try deconv(x)
    #expect(one.shape == [3, 6, 6])
    #expect(try deconv(x.reshaped([1, 2, 3, 3])).scalars == one.scalars)
    #expect(try Upsample(2)(x).shape == [2, 6, 6])
  }

  @Test func badShapesNameTheLayer() throws {
    let deconv = try Deconv(3, 2, kernel: (3, 3))
    let channels = #expect(throws: TensorError.self) { try deconv(Tensor.zeros([1, 2, 4, 4])) }
    #expect(channels?.message.contains("deconv 3→2 3×3") == true)
    #expect(throws: TensorError.self) { try deconv.outputShape(for: [12]) }
    // Padding that eats the whole output.
    let cropped = try Deconv(3, 2, kernel: (1, 1), pad: 2)
    let empty = #expect(throws: TensorError.self) { try cropped.outputShape(for: [3, 2, 2]) }
    #expect(empty?.message.contains("deconv 3→2 1×1 pad 2") == true)
    #expect(throws: TensorError.self) {
      try Deconv(3, 2, kernel: (3, 3), weight: Tensor.zeros([2, 3, 3, 3]))
    }
    #expect(throws: TensorError.self) { try Deconv(0, 2, kernel: (3, 3)) }
    #expect(throws: TensorError.self) { try Upsample(0) }
    #expect(throws: TensorError.self) { try Upsample(2)(Tensor.zeros([4, 64])) }
  }

  @Test func specsAndCopies() throws {
    var g = RandomGenerator(seed: 85)
    let net = Sequential([
      try Deconv(4, 2, kernel: (3, 2), stride: 2, pad: 1, using: &g), try Upsample(3),
    ])
    let rebuilt = try LayerSpec.decode(net.spec.json).build()
    #expect(rebuilt.description == net.description)
    #expect(rebuilt.namedParameters.map(\.name) == ["0.w", "0.b"])
    #expect(rebuilt.parameters.map(\.shape) == [[4, 2, 3, 2], [2]])
    let copy = try net.copy()
    #expect(
      zip(copy.parameters, net.parameters).allSatisfy { $0 !== $1 && $0.scalars == $1.scalars })
    let x = try seededTensor([1, 4, 3, 3], seed: 86)
    #expect(try copy(x).scalars == net(x).scalars)
    // A layer not yet run copies its deferred draw: both get the same weights.
    let deferred = try Deconv(2, 2, kernel: (2, 2))
    let twin = try deferred.copy()
    #expect(!deferred.parametersMaterialized)
    #expect(twin.parameters.map(\.scalars) == deferred.parameters.map(\.scalars))
  }

  @Test func heInitialisationUsesTheFanInEachOutputSums() throws {
    // Stride 2 with a 3×3 kernel: each output sums in · ⌈3/2⌉² = 16 · 4 = 64 inputs, so
    // W ~ N(0, 2/64).
    var g = RandomGenerator(seed: 87)
    let deconv = try Deconv(16, 32, kernel: (3, 3), stride: 2, using: &g)
    let w = deconv.weight.scalars
    let variance = w.map { $0 * $0 }.reduce(0, +) / Double(w.count)
    #expect(abs(variance - 2.0 / 64) < 0.1 * 2.0 / 64)
  }
}
