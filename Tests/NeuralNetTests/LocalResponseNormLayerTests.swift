import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

@Suite struct LocalResponseNormLayerTests {
  /// The paper's formula with loops, for a batch [n, c, h, w].
  func paper(_ x: Tensor, size: Int, alpha: Double, beta: Double, k: Double) -> [Double] {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    func at(_ s: Int, _ ch: Int, _ i: Int, _ j: Int) -> Double {
      x.scalars[((s * c + ch) * h + i) * w + j]
    }
    var out: [Double] = []
    for s in 0..<n {
      for ch in 0..<c {
        for i in 0..<h {
          for j in 0..<w {
            var sum = 0.0
            for other in max(0, ch - size / 2)...min(c - 1, ch + (size - 1) / 2) {
              sum += at(s, other, i, j) * at(s, other, i, j)
            }
            out.append(at(s, ch, i, j) / pow(k + alpha * sum, beta))
          }
        }
      }
    }
    return out
  }

  @Test(arguments: [(5, 1e-4, 0.75, 2.0), (5, 0.2, 0.75, 2.0), (4, 0.1, 0.5, 1.0), (1, 0.5, 1, 1)])
  func followsThePapersFormula(_ size: Int, _ alpha: Double, _ beta: Double, _ k: Double) throws {
    let layer = try LocalResponseNorm(size: size, alpha: alpha, beta: beta, k: k)
    let x = try seededTensor([2, 7, 3, 2], seed: 31, in: -3...3)
    let y = try layer(x)
    #expect(y.shape == [2, 7, 3, 2])
    let error = maxRelativeError(y.scalars, paper(x, size: size, alpha: alpha, beta: beta, k: k))
    #expect(error < 1e-14)
  }

  /// Every case of the fixture: PyTorch's `LocalResponseNorm(size, alpha: α·size, beta, k)`
  /// is this layer with α (Tests/Fixtures/lrn_pytorch.py made it).
  @Test func equalsPyTorchsWithAlphaTimesSize() throws {
    struct Fixture: Decodable {
      struct Case: Decodable {
        let size: Int
        let alpha: Double
        let torchAlpha: Double
        let beta: Double
        let k: Double
        let output: [Double]
      }
      let shape: [Int]
      let input: [Double]
      let cases: [Case]
    }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/lrn_pytorch.json")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let fixture = try decoder.decode(Fixture.self, from: Data(contentsOf: url))
    let x = try Tensor(shape: fixture.shape, scalars: fixture.input)
    #expect(fixture.cases.count == 8)
    #expect(Set(fixture.cases.map { $0.size % 2 }) == [0, 1], "odd and even sizes")
    for c in fixture.cases {
      #expect(abs(c.torchAlpha - c.alpha * Double(c.size)) < 1e-15)
      let y = try LocalResponseNorm(size: c.size, alpha: c.alpha, beta: c.beta, k: c.k)(x)
      #expect(maxRelativeError(y.scalars, c.output) < 1e-13, "size \(c.size)")
    }
  }

  @Test(arguments: [1, 2, 3, 4, 5])
  func gradientMatchesFiniteDifferences(_ size: Int) throws {
    let layer = try LocalResponseNorm(size: size, alpha: 0.3, beta: 0.75, k: 1.5)
    try checkLayerGradients(layer, input: try seededTensor([2, 5, 2, 2], seed: 32, in: -2...2))
    // Samples of other ranks: [c] and [c, l].
    try checkLayerGradients(layer, input: try seededTensor([3, 4], seed: 33, in: -2...2))
    try checkLayerGradients(layer, input: try seededTensor([2, 4, 3], seed: 34, in: -2...2))
  }

  @Test func shapesDescriptionSpecAndCounts() throws {
    let layer = LocalResponseNorm()
    #expect((layer.size, layer.alpha, layer.beta, layer.k) == (5, 1e-4, 0.75, 2))
    #expect(layer.description == "lrn(5, alpha: 0.0001, beta: 0.75, k: 2)")
    #expect(try layer.outputShape(for: [96, 55, 55]) == [96, 55, 55])
    #expect(try layer.multiplyAdds(for: [96, 55, 55]) == 0)
    #expect(layer.parameters.isEmpty)
    #expect(layer.isDeterministicInTraining)
    #expect(throws: TensorError.self) { try layer.outputShape(for: []) }
    #expect(throws: TensorError.self) { try layer(Tensor([1, 2, 3])) }
    let rebuilt = try LayerSpec.decode(
      try LocalResponseNorm(size: 3, alpha: 0.5, beta: 1, k: 1).spec.json
    ).build()
    #expect(rebuilt.description == "lrn(3, alpha: 0.5, beta: 1, k: 1)")
    #expect(
      throws: LayerSpec.SpecError.self,
      performing: {
        try LayerSpec.decode(#"{"kind": "lrn", "config": {"size": 5, "k": 0}}"#).build()
      })
    #expect(throws: TensorError.self) { try LocalResponseNorm(size: 0) }
    #expect(throws: TensorError.self) { try LocalResponseNorm(size: 5, alpha: -1) }
    #expect(throws: TensorError.self) { try LocalResponseNorm(size: 5, beta: .nan) }
  }
}
