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
    let x_shape: [Int]
    let w_shape: [Int]
    let out_shape: [Int]
    let x: [Double]
    let w: [Double]
    let b: [Double]
    let r: [Double]
    let out: [Double]
    let dx: [Double]
    let dw: [Double]
    let db: [Double]
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
        c.x_shape[1], c.w_shape[0], kernel: (c.w_shape[2], c.w_shape[3]), stride: c.stride,
        pad: c.pad, groups: c.groups, weight: Tensor(shape: c.w_shape, scalars: c.w),
        bias: Tensor(c.b), using: &unused)
      var layers: [any Layer] = [conv]
      if let p = c.maxpool {
        layers.append(try MaxPool(p[0], stride: p[1], ceil: p[2] != 0))
      }
      if let p = c.avgpool { layers.append(try AvgPool(p[0], stride: p[1])) }
      let net = Sequential(layers)
      let x = Tensor.parameter(try Tensor(shape: c.x_shape, scalars: c.x))
      let y = try net(x)
      #expect(y.shape == c.out_shape, "\(c.name)")
      #expect(
        try net.outputShape(for: Array(c.x_shape.dropFirst())) == Array(c.out_shape.dropFirst()))
      #expect(maxError(y.scalars, c.out) < 1e-12, "\(c.name)")
      let loss = try (y * Tensor(shape: c.out_shape, scalars: c.r)).sum()
      let g = try Tensor.gradients(of: loss, withRespectTo: [x, conv.weight, conv.bias])
      #expect(maxError(g[0].scalars, c.dx) < 1e-12, "\(c.name) dx")
      #expect(maxError(g[1].scalars, c.dw) < 1e-12, "\(c.name) dw")
      #expect(maxError(g[2].scalars, c.db) < 1e-12, "\(c.name) db")
    }
  }
}
