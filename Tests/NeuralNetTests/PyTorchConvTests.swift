import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// conv, maxpool and avgpool against PyTorch 2.13's float64 outputs and gradients, written by
/// `Tests/Fixtures/conv/make_conv_fixture.py` into `conv_pytorch.json`.
@Suite struct PyTorchConvTests {
  struct Case: Decodable {
    let name: String
    let stride: Int
    let pad: Int
    let groups: Int
    let maxpool: [Int]?
    let avgpool: [Int]?
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
      case name, stride, pad, groups, maxpool, avgpool, x, w, b, r, out, dx, dw, db
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
      .appendingPathComponent("../Fixtures/conv/conv_pytorch.json")
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
    for c in fixture.cases {
      var unused = RandomGenerator(seed: 0)
      let conv = try Conv(
        c.xShape[1], c.wShape[0], kernel: (c.wShape[2], c.wShape[3]), stride: c.stride,
        pad: c.pad, groups: c.groups, weight: Tensor(shape: c.wShape, scalars: c.w),
        bias: Tensor(c.b), using: &unused)
      var layers: [any Layer] = [conv]
      if let p = c.maxpool {
        layers.append(try MaxPool(p[0], stride: p[1], ceil: p[2] != 0))
      }
      if let p = c.avgpool { layers.append(try AvgPool(p[0], stride: p[1])) }
      let net = Sequential(layers)
      let x = Tensor.parameter(try Tensor(shape: c.xShape, scalars: c.x))
      let y = try net(x)
      #expect(y.shape == c.outShape, "\(c.name)")
      #expect(
        try net.outputShape(for: Array(c.xShape.dropFirst())) == Array(c.outShape.dropFirst()))
      #expect(maxError(y.scalars, c.out) < 1e-12, "\(c.name)")
      let loss = try (y * Tensor(shape: c.outShape, scalars: c.r)).sum()
      let g = try Tensor.gradients(of: loss, withRespectTo: [x, conv.weight, conv.bias])
      #expect(maxError(g[0].scalars, c.dx) < 1e-12, "\(c.name) dx")
      #expect(maxError(g[1].scalars, c.dw) < 1e-12, "\(c.name) dw")
      #expect(maxError(g[2].scalars, c.db) < 1e-12, "\(c.name) db")
    }
  }
}

/// Counts and shapes of the image layers, worked out by hand.
@Suite struct ConvLayerTests {
  @Test func multiplyAddsCountAsPapersDo() throws {
    // AlexNet's first layer: 96 maps of 55×55 ((227 − 11) / 4 + 1), each output 3·11·11.
    let first = try Conv(3, 96, kernel: (11, 11), stride: 4)
    #expect(try first.outputShape(for: [3, 227, 227]) == [96, 55, 55])
    #expect(try first.multiplyAdds(for: [3, 227, 227]) == 96 * 55 * 55 * 363)
    #expect(try first.multiplyAdds(for: [3, 227, 227]) == 105_415_200)
    // Its second in two groups: 256 · 27 · 27 outputs of 48 · 5 · 5 = 223,948,800.
    let second = try Conv(96, 256, kernel: (5, 5), pad: 2, groups: 2)
    #expect(try second.multiplyAdds(for: [96, 27, 27]) == 223_948_800)
    #expect(second.parameterCount == 256 * 48 * 25 + 256)
    #expect(try MaxPool(3, stride: 2).outputShape(for: [96, 55, 55]) == [96, 27, 27])
    #expect(try MaxPool(3, stride: 2).multiplyAdds(for: [96, 55, 55]) == 0)
    // NIN's ceil mode: (13 − 3) / 2 rounded up + 1 = 6 where floor gives 6 too, but
    // 14 → ⌈11/2⌉ + 1 = 7 against 6.
    #expect(try MaxPool(3, stride: 2, ceil: true).outputShape(for: [1, 14, 14]) == [1, 7, 7])
    #expect(try MaxPool(3, stride: 2).outputShape(for: [1, 14, 14]) == [1, 6, 6])
  }

  @Test func shapeErrorsNameTheLayerAndTheFix() throws {
    let conv = try Conv(3, 8, kernel: (3, 3))
    #expect(throws: TensorError.self) { try conv.outputShape(for: [1, 28, 28]) }
    #expect(throws: TensorError.self) { try conv.outputShape(for: [784]) }
    do {
      _ = try conv(Tensor.zeros([4, 784]))
      Issue.record("a conv took rows")
    } catch let error as TensorError {
      #expect(error.message.contains("conv 3→8 3×3"))
      #expect(error.message.contains("reshape"))
    }
    do {
      _ = try conv(Tensor.zeros([1, 3, 2, 2]))
      Issue.record("a 3×3 kernel fit 2×2")
    } catch let error as TensorError {
      #expect(error.message.contains("conv 3→8 3×3"))
    }
  }

  @Test func aSingleSampleGivesASingleOutput() throws {
    let conv = try Conv(1, 2, kernel: (3, 3))
    let x = try Tensor.randn([1, 5, 5])
    let one = try conv(x)
    #expect(one.shape == [2, 3, 3])
    #expect(try conv(x.reshaped([1, 1, 5, 5])).scalars == one.scalars)
    #expect(try MaxPool(2)(one).shape == [2, 1, 1])
  }

  @Test func heInitialisationUsesTheGroupsFanIn() throws {
    // W ~ N(0, 2 / fan_in), fan_in = in/groups · kh · kw = 8 · 3 · 3 = 72.
    var g = RandomGenerator(seed: 3)
    let conv = try Conv(16, 64, kernel: (3, 3), groups: 2, using: &g)
    let w = conv.weight.scalars
    let variance = w.map { $0 * $0 }.reduce(0, +) / Double(w.count)
    #expect(abs(variance - 2.0 / 72) < 0.1 * 2.0 / 72)
  }
}
