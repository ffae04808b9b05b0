import Foundation
import TensorEngine
import Testing

/// One transposed-convolution configuration.
struct DeconvCase: Sendable, CustomTestStringConvertible {
  let stride: Int
  let pad: Int
  var testDescription: String { "stride \(stride) pad \(pad)" }
}

@Suite struct TransposedConvolutionTests {
  static let cases: [DeconvCase] = [1, 2, 3].flatMap { s in
    [0, 1].map { p in DeconvCase(stride: s, pad: p) }
  }

  @Test(arguments: cases)
  func gradientsMatchFiniteDifferences(_ c: DeconvCase) throws {
    // A non-square input and kernel, two samples, bias included.
    let x = try randomParameter([2, 3, 4, 5], seed: 41)
    let w = try randomParameter([3, 2, 3, 2], seed: 42)
    let b = try randomParameter([2], seed: 43)
    try checkGradients([x, w, b]) { p in
      try weightedSum(
        Tensor.convTranspose2d(
          p[0], weight: p[1], bias: p[2], stride: (c.stride, c.stride), pad: (c.pad, c.pad)))
    }
  }

  /// ⟨conv(z), x⟩ = ⟨z, deconv(x)⟩ for the same weights: the transposed convolution is the
  /// adjoint of the convolution, which is what its name promises.
  @Test(arguments: cases)
  func isTheAdjointOfTheConvolution(_ c: DeconvCase) throws {
    let w = try randomTensor([3, 2, 3, 2], seed: 44)
    let x = try randomTensor([2, 3, 4, 5], seed: 45)
    let y = try Tensor.convTranspose2d(
      x, weight: w, bias: nil, stride: (c.stride, c.stride), pad: (c.pad, c.pad))
    // The convolution maps y's shape back to x's.
    let z = try randomTensor(y.shape, seed: 46)
    let convolved = try Tensor.conv2d(
      z, weight: w, bias: nil, stride: (c.stride, c.stride), pad: (c.pad, c.pad))
    #expect(convolved.shape == x.shape)
    let left = try (convolved * x).sum().item()
    let right = try (z * y).sum().item()
    #expect(abs(left - right) <= 1e-12 * max(1, abs(left)))
  }

  @Test func outputSizeIsPyTorchs() throws {
    // (h − 1)·stride − 2·pad + kernel: (4 − 1)·2 − 2 + 3 = 7 and (5 − 1)·2 − 2 + 2 = 8.
    let y = try Tensor.convTranspose2d(
      Tensor.zeros([1, 3, 4, 5]), weight: Tensor.zeros([3, 6, 3, 2]), bias: nil,
      stride: (2, 2), pad: (1, 1))
    #expect(y.shape == [1, 6, 7, 8])
  }

  @Test func forwardMatchesAHandWorkedExample() throws {
    // x = [[1, 2], [3, 4]], W = [[1, 10], [100, 1000]], stride 2: each input stamps the
    // kernel times itself into its own 2×2 block, which do not overlap:
    //   1   10    2   20
    //   100 1000  200 2000
    //   3   30    4   40
    //   300 3000  400 4000      plus the bias 0.5 everywhere.
    let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    let w = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 10, 100, 1000])
    let y = try Tensor.convTranspose2d(x, weight: w, bias: Tensor([0.5]), stride: (2, 2))
    #expect(y.shape == [1, 1, 4, 4])
    let expected: [Double] = [
      1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000, 400, 4000,
    ]
    #expect(y.scalars == expected.map { $0 + 0.5 })
    // Stride 1: the stamps overlap and add, y[1, 1] = 1·1000 + 2·100 + 3·10 + 4·1 = 1234.
    let overlapping = try Tensor.convTranspose2d(x, weight: w, bias: nil)
    #expect(overlapping.shape == [1, 1, 3, 3])
    #expect(overlapping.scalars == [1, 12, 20, 103, 1234, 2040, 300, 3400, 4000])
    // Pad 1 crops one row and column from each side of the stride-1 result: 1234 alone.
    let cropped = try Tensor.convTranspose2d(x, weight: w, bias: nil, pad: (1, 1))
    #expect(cropped.scalars == [1234])
  }

  @Test func badShapesSayWhatFits() throws {
    let x = try Tensor.zeros([1, 3, 2, 2])
    // The weights' first axis must be the input's channels.
    #expect(throws: TensorError.self) {
      try Tensor.convTranspose2d(x, weight: Tensor.zeros([2, 3, 3, 3]), bias: nil)
    }
    #expect(throws: TensorError.self) {
      try Tensor.convTranspose2d(
        Tensor.zeros([3, 2, 2]), weight: Tensor.zeros([3, 1, 3, 3]), bias: nil)
    }
    #expect(throws: TensorError.self) {
      try Tensor.convTranspose2d(x, weight: Tensor.zeros([3, 1, 3, 3]), bias: Tensor.zeros([2]))
    }
    // (2 − 1)·1 − 2·2 + 1 < 1: padding eats the whole output.
    #expect(throws: TensorError.self) {
      try Tensor.convTranspose2d(x, weight: Tensor.zeros([3, 1, 1, 1]), bias: nil, pad: (2, 2))
    }
    // A stride too large to count is refused, not overflowed.
    #expect(throws: TensorError.self) {
      try Tensor.convTranspose2d(
        x, weight: Tensor.zeros([3, 1, 1, 1]), bias: nil, stride: (1 << 50, 1 << 50))
    }
  }
}

@Suite struct UpsamplingTests {
  @Test func gradientsMatchFiniteDifferences() throws {
    let x = try randomParameter([2, 3, 3, 2], seed: 51)
    try checkGradients([x]) { p in try weightedSum(Tensor.upsampleNearest2d(p[0], scale: 2)) }
    try checkGradients([x]) { p in try weightedSum(Tensor.upsampleNearest2d(p[0], scale: 3)) }
  }

  @Test func eachValueBecomesABlock() throws {
    let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    let y = try Tensor.upsampleNearest2d(x, scale: 2)
    #expect(y.shape == [1, 1, 4, 4])
    #expect(y.scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    // Each input's gradient sums its 2×2 block of the output's.
    let p = Tensor.parameter(x)
    let g = try Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Double.init))
    let dx = try Tensor.gradients(
      of: try (Tensor.upsampleNearest2d(p, scale: 2) * g).sum(), withRespectTo: [p])[0]
    // Block (0, 0) holds 1, 2, 5, 6; (0, 1) 3, 4, 7, 8; (1, 0) 9, 10, 13, 14; (1, 1) the rest.
    #expect(dx.scalars == [14, 22, 46, 54])
  }

  @Test func badInputIsRefused() throws {
    #expect(throws: TensorError.self) {
      try Tensor.upsampleNearest2d(Tensor.zeros([2, 2]), scale: 2)
    }
    #expect(throws: TensorError.self) {
      try Tensor.upsampleNearest2d(Tensor.zeros([1, 1, 2, 2]), scale: 0)
    }
    #expect(throws: TensorError.self) {
      try Tensor.upsampleNearest2d(Tensor.zeros([1, 1, 2, 2]), scale: 1 << 40)
    }
  }
}
