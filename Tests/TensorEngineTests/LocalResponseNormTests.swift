import Foundation
import TensorEngine
import Testing

/// One setting of local response normalisation.
struct LRNCase: Sendable, CustomTestStringConvertible {
  let size: Int
  let alpha: Double
  let beta: Double
  let k: Double
  var testDescription: String { "size \(size), α \(alpha), β \(beta), k \(k)" }
}

@Suite struct LocalResponseNormTests {
  /// Odd and even sizes, a window as wide as the channels and wider, and α large enough
  /// that the neighbours' squares change the result.
  static let cases: [LRNCase] = [
    LRNCase(size: 1, alpha: 0.3, beta: 0.5, k: 1),
    LRNCase(size: 2, alpha: 0.2, beta: 0.75, k: 1),
    LRNCase(size: 3, alpha: 0.1, beta: 1.5, k: 0.5),
    LRNCase(size: 4, alpha: 0.2, beta: 0.75, k: 2),
    LRNCase(size: 5, alpha: 1e-4, beta: 0.75, k: 2),
    LRNCase(size: 5, alpha: 0.3, beta: 0.75, k: 2),
    LRNCase(size: 8, alpha: 0.1, beta: 0.6, k: 1),
  ]

  /// The formula worked out with loops: channel c's window is c − ⌊size/2⌋ … c +
  /// ⌊(size − 1)/2⌋ clipped to the channels.
  static func expected(_ x: [Double], shape: [Int], _ c: LRNCase) -> [Double] {
    let (n, channels) = (shape[0], shape[1])
    let inner = shape.dropFirst(2).reduce(1, *)
    var y = x
    for s in 0..<n {
      for ch in 0..<channels {
        for i in 0..<inner {
          var sum = 0.0
          for other in (ch - c.size / 2)...(ch + (c.size - 1) / 2)
          where other >= 0 && other < channels {
            let v = x[(s * channels + other) * inner + i]
            sum += v * v
          }
          let j = (s * channels + ch) * inner + i
          y[j] = x[j] / pow(c.k + c.alpha * sum, c.beta)
        }
      }
    }
    return y
  }

  @Test(arguments: cases)
  func matchesTheFormulaWrittenOut(_ c: LRNCase) throws {
    for shape in [[2, 6, 3, 2], [3, 5], [1, 4, 3]] {
      let x = try randomTensor(shape, seed: 21, in: -2...2)
      let y = try x.localResponseNorm(size: c.size, alpha: c.alpha, beta: c.beta, k: c.k)
      expectTensor(y, shape: shape, Self.expected(x.scalars, shape: shape, c))
    }
  }

  @Test(arguments: cases)
  func gradientMatchesFiniteDifferences(_ c: LRNCase) throws {
    for shape in [[2, 6, 2, 2], [3, 5]] {
      let x = try randomParameter(shape, seed: 22, in: -2...2)
      try checkGradients([x]) { p in
        try weightedSum(p[0].localResponseNorm(size: c.size, alpha: c.alpha, beta: c.beta, k: c.k))
      }
    }
  }

  @Test func anotherAxisHoldsTheChannels() throws {
    let c = LRNCase(size: 3, alpha: 0.2, beta: 0.75, k: 1)
    let x = try randomParameter([2, 3, 5], seed: 23, in: -2...2)
    // Channels last: the same as moving them to axis 1 and back.
    let y = try x.localResponseNorm(size: 3, alpha: 0.2, beta: 0.75, k: 1, axis: 2)
    let moved = try x.detached.permuted([0, 2, 1])
    let viaAxis1 = try moved.localResponseNorm(size: 3, alpha: 0.2, beta: 0.75, k: 1)
    expectClose(y.scalars, try viaAxis1.permuted([0, 2, 1]).scalars)
    try checkGradients([x]) { p in
      try weightedSum(
        p[0].localResponseNorm(size: c.size, alpha: c.alpha, beta: c.beta, k: c.k, axis: 2))
    }
  }

  @Test func badSettingsAreRefused() throws {
    let x = try randomTensor([1, 3, 2], seed: 24)
    expectTensorError(.argument) { try x.localResponseNorm(size: 0, alpha: 1e-4, beta: 0.75, k: 2) }
    expectTensorError(.argument) { try x.localResponseNorm(size: 5, alpha: -1, beta: 0.75, k: 2) }
    expectTensorError(.argument) { try x.localResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 0) }
    expectTensorError(.argument) {
      try x.localResponseNorm(size: 5, alpha: .nan, beta: 0.75, k: 2)
    }
    expectTensorError(.argument) {
      try x.localResponseNorm(size: 5, alpha: 1e-4, beta: .infinity, k: 2)
    }
    #expect(throws: TensorError.self) {
      try Tensor(3).localResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2)
    }
    // No channels or no samples: nothing to normalise, and no crash.
    let empty = try Tensor(shape: [2, 0, 3], scalars: [])
    #expect(try empty.localResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2).shape == [2, 0, 3])
  }
}
