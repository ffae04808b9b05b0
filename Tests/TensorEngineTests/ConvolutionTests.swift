import Foundation
import TensorEngine
import Testing

/// One convolution configuration for the gradient check.
struct ConvCase: Sendable, CustomTestStringConvertible {
  let stride: Int
  let pad: Int
  let groups: Int
  var testDescription: String { "stride \(stride) pad \(pad) groups \(groups)" }
}

@Suite struct ConvolutionTests {
  static let cases: [ConvCase] = [1, 2].flatMap { s in
    [0, 1].flatMap { p in [1, 2].map { g in ConvCase(stride: s, pad: p, groups: g) } }
  }

  @Test(arguments: cases)
  func gradientsMatchFiniteDifferences(_ c: ConvCase) throws {
    // A non-square input and kernel, two samples, bias included.
    let x = try randomParameter([2, 4, 5, 6], seed: 21)
    let w = try randomParameter([6, 4 / c.groups, 3, 2], seed: 22)
    let b = try randomParameter([6], seed: 23)
    try checkGradients([x, w, b]) { p in
      try weightedSum(
        Tensor.conv2d(
          p[0], weight: p[1], bias: p[2], stride: (c.stride, c.stride), pad: (c.pad, c.pad),
          groups: c.groups))
    }
  }

  @Test func forwardMatchesAHandWorkedExample() throws {
    // x = 1…9 as 3×3, W = [[1, 2], [3, 4]], b = 0.5:
    // y[0,0] = 1·1 + 2·2 + 4·3 + 5·4 + 0.5 = 37.5, y[0,1] = 2 + 6 + 15 + 24 + 0.5 = 47.5,
    // y[1,0] = 4 + 10 + 21 + 32 + 0.5 = 67.5,      y[1,1] = 5 + 12 + 24 + 36 + 0.5 = 77.5.
    let x = try Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Double.init))
    let w = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    let y = try Tensor.conv2d(x, weight: w, bias: Tensor([0.5]))
    #expect(y.shape == [1, 1, 2, 2])
    #expect(y.scalars == [37.5, 47.5, 67.5, 77.5])
    // Then a 2×2 max pool takes the largest.
    #expect(try Tensor.maxPool2d(y, kernel: (2, 2), stride: (2, 2)).scalars == [77.5])
    // Padded by 1 with stride 2, the windows start at −1 and 1 on each axis:
    // (0,0) sees only x[0,0]·W[1,1] = 4; (0,1) x[0,1]·W[1,0] + x[0,2]·W[1,1] = 6 + 12;
    // (1,0) x[1,0]·W[0,1] + x[2,0]·W[1,1] = 8 + 28; (1,1) 5·1 + 6·2 + 8·3 + 9·4 = 77.
    let padded = try Tensor.conv2d(x, weight: w, bias: nil, stride: (2, 2), pad: (1, 1))
    #expect(padded.scalars == [4, 18, 36, 77])
  }

  @Test func groupsSeeOnlyTheirOwnChannels() throws {
    // Two channels, two groups of one: output 0 reads channel 0 only, output 1 channel 1.
    let x = try Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 10, 20])
    let w = try Tensor(shape: [2, 1, 1, 1], scalars: [3, 5])
    let y = try Tensor.conv2d(x, weight: w, bias: nil, groups: 2)
    #expect(y.scalars == [3, 6, 50, 100])
  }

  @Test func badShapesSayWhatFits() throws {
    let x = try Tensor.zeros([1, 3, 5, 5])
    #expect(throws: TensorError.self) {
      try Tensor.conv2d(x, weight: Tensor.zeros([4, 2, 3, 3]), bias: nil)
    }
    #expect(throws: TensorError.self) {
      try Tensor.conv2d(x, weight: Tensor.zeros([4, 3, 7, 7]), bias: nil)
    }
    #expect(throws: TensorError.self) {
      try Tensor.conv2d(x, weight: Tensor.zeros([4, 3, 3, 3]), bias: nil, groups: 2)
    }
    #expect(throws: TensorError.self) {
      try Tensor.conv2d(Tensor.zeros([3, 5, 5]), weight: Tensor.zeros([4, 3, 3, 3]), bias: nil)
    }
  }
}

/// One pooling configuration for the gradient check.
struct PoolCase: Sendable, CustomTestStringConvertible {
  let max: Bool
  let size: Int
  let stride: Int
  var ceil = false
  var pad = 0
  var testDescription: String {
    "\(max ? "max" : "avg") \(size) stride \(stride)\(ceil ? " ceil" : "")"
      + (pad == 0 ? "" : " pad \(pad)")
  }
}

@Suite struct PoolingTests {
  static let cases: [PoolCase] = [
    PoolCase(max: true, size: 2, stride: 2), PoolCase(max: true, size: 3, stride: 2),
    PoolCase(max: true, size: 3, stride: 2, ceil: true),
    PoolCase(max: true, size: 2, stride: 2, ceil: true), PoolCase(max: true, size: 2, stride: 1),
    PoolCase(max: false, size: 2, stride: 2), PoolCase(max: false, size: 3, stride: 2),
    PoolCase(max: false, size: 2, stride: 1),
    PoolCase(max: true, size: 3, stride: 1, pad: 1),
    PoolCase(max: true, size: 3, stride: 2, ceil: true, pad: 1),
    PoolCase(max: true, size: 2, stride: 2, pad: 1),
  ]

  @Test(arguments: cases)
  func gradientsMatchFiniteDifferences(_ c: PoolCase) throws {
    // 7×6: odd and even sides, so that ceil mode has a partial window on one axis.
    let x = try randomParameter([2, 3, 7, 6], seed: 31)
    try checkGradients([x]) { p in
      try weightedSum(
        c.max
          ? Tensor.maxPool2d(
            p[0], kernel: (c.size, c.size), stride: (c.stride, c.stride), ceil: c.ceil,
            pad: (c.pad, c.pad))
          : Tensor.avgPool2d(p[0], kernel: (c.size, c.size), stride: (c.stride, c.stride)))
    }
  }

  @Test func overlappingWindowsRouteTheGradientToEveryWindowsMaximum() throws {
    // Size 3, stride 2 over 3×5: windows cover columns 0…2 and 2…4 and share column 2.
    // Both take 9 at (0, 2), the first 9 of each when scanning row by row (the ties at
    // (1, 1), (1, 2) and (1, 4) lose), so (0, 2) receives both gradients, 1 + 10.
    let x = Tensor.parameter(
      try Tensor(
        shape: [1, 1, 3, 5],
        scalars: [
          1, 2, 9, 3, 1,
          4, 9, 9, 0, 9,
          0, 1, 2, 3, 4,
        ]))
    let y = try Tensor.maxPool2d(x, kernel: (3, 3), stride: (2, 2))
    #expect(y.shape == [1, 1, 1, 2])
    #expect(y.scalars == [9, 9])
    let loss = try (y * Tensor(shape: [1, 1, 1, 2], scalars: [1, 10])).sum()
    let dx = try Tensor.gradients(of: loss, withRespectTo: [x])[0]
    var expected = [Double](repeating: 0, count: 15)
    expected[2] = 11
    #expect(dx.scalars == expected)
  }

  @Test func distinctMaximaOfOverlappingWindowsEachGetTheirOwn() throws {
    // Window 0 (columns 0…2) has its maximum 7 at (2, 1), window 1 (columns 2…4) 8 at (0, 4).
    let x = Tensor.parameter(
      try Tensor(shape: [1, 1, 3, 5], scalars: [1, 2, 3, 4, 8, 0, 1, 2, 3, 4, 5, 7, 6, 5, 4]))
    let y = try Tensor.maxPool2d(x, kernel: (3, 3), stride: (2, 2))
    #expect(y.scalars == [7, 8])
    let weights = try Tensor(shape: [1, 1, 1, 2], scalars: [2, 3])
    let dx = try Tensor.gradients(of: try (y * weights).sum(), withRespectTo: [x])
    var expected = [Double](repeating: 0, count: 15)
    expected[11] = 2
    expected[4] = 3
    #expect(dx[0].scalars == expected)
  }

  @Test func ceilModeKeepsAPartialLastWindowAsPyTorchDoes() throws {
    // 3×4 holding 1…12, size 2 stride 2: floor mode drops row 2; ceil mode keeps a last
    // window over row 2 alone, whose maxima are 10 and 12.
    let x = try Tensor(shape: [1, 1, 3, 4], scalars: (1...12).map(Double.init))
    #expect(try Tensor.maxPool2d(x, kernel: (2, 2), stride: (2, 2)).scalars == [6, 8])
    let ceil = try Tensor.maxPool2d(x, kernel: (2, 2), stride: (2, 2), ceil: true)
    #expect(ceil.shape == [1, 1, 2, 2])
    #expect(ceil.scalars == [6, 8, 10, 12])
    // Size 1 stride 3 over width 5: ⌈4/3⌉ + 1 = 3 windows, but the third would start at 6,
    // outside the input, so PyTorch keeps 2.
    let row = try Tensor(shape: [1, 1, 1, 5], scalars: [1, 2, 3, 4, 5])
    let sparse = try Tensor.maxPool2d(row, kernel: (1, 1), stride: (3, 3), ceil: true)
    #expect(sparse.scalars == [1, 4])
  }

  @Test func paddingKeepsTheSizeAndNeverWinsAWindow() throws {
    // All values negative, so a zero padding would win every border window: −∞ never does.
    // 2×3 holding −1…−6, size 3 stride 1 pad 1 (GoogLeNet's pool branch): each output is the
    // largest of its in-image 3×3 neighbourhood, worked by hand:
    //   −1 −2 −3      −1 −1 −2
    //   −4 −5 −6  →   −1 −1 −2
    let x = try Tensor(shape: [1, 1, 2, 3], scalars: [-1, -2, -3, -4, -5, -6])
    let y = try Tensor.maxPool2d(x, kernel: (3, 3), stride: (1, 1), pad: (1, 1))
    #expect(y.shape == [1, 1, 2, 3])
    #expect(y.scalars == [-1, -1, -2, -1, -1, -2])
    // Ceil mode with padding, as PyTorch: 5 wide, size 3, stride 2, pad 1 gives
    // ⌈(5 + 2 − 3) / 2⌉ + 1 = 3 windows starting at −1, 1, 3: max(5, 1), max(1, 2, 4), max(4, 3).
    let row = try Tensor(shape: [1, 1, 1, 5], scalars: [5, 1, 2, 4, 3])
    let z = try Tensor.maxPool2d(row, kernel: (1, 3), stride: (1, 2), ceil: true, pad: (0, 1))
    #expect(z.scalars == [5, 4, 4])
    #expect(throws: TensorError.self) {
      try Tensor.maxPool2d(x, kernel: (3, 3), stride: (1, 1), pad: (2, 2))
    }
  }

  @Test func averagePoolingTakesTheWindowMean() throws {
    let x = try Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
    // (1 + 2 + 5 + 6) / 4 = 3.5, (3 + 4 + 7 + 8) / 4 = 5.5
    #expect(try Tensor.avgPool2d(x, kernel: (2, 2), stride: (2, 2)).scalars == [3.5, 5.5])
  }

  @Test func aWindowLargerThanTheInputIsRefused() throws {
    #expect(throws: TensorError.self) {
      try Tensor.maxPool2d(Tensor.zeros([1, 1, 2, 2]), kernel: (3, 3), stride: (1, 1))
    }
  }
}
