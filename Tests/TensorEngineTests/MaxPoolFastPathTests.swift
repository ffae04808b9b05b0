import Foundation
import TensorEngine
import Testing

/// Max pooling's four-windows-at-a-time form (2×2 windows two columns apart) against a plain
/// scan of each window written here: the same maxima, bit for bit, and the same offsets,
/// with ties, nans, infinities and signed zeros, and rows whose windows do not come in fours.
@Suite struct MaxPoolFastPathTests {
  /// The maximum of each window and its offset, scanning rows then columns: the first nan
  /// if the window has one, else the first of the largest values.
  static func reference(_ x: [Double], _ p: PoolGeometry, batch n: Int) -> ([Double], [Double]) {
    var values: [Double] = []
    var offsets: [Double] = []
    for sc in 0..<(n * p.channels) {
      for oy in 0..<p.outHeight {
        for ox in 0..<p.outWidth {
          var best = -1
          for i in 0..<p.kernelHeight {
            for j in 0..<p.kernelWidth {
              let at =
                sc * p.height * p.width + (oy * p.strideHeight + i) * p.width
                + ox * p.strideWidth + j
              if best < 0 || (!x[best].isNaN && (x[at].isNaN || x[at] > x[best])) { best = at }
            }
          }
          values.append(x[best])
          offsets.append(Double(best))
        }
      }
    }
    return (values, offsets)
  }

  static let shapes: [(height: Int, width: Int, strideHeight: Int)] = [
    (4, 8, 2), (5, 9, 2), (7, 11, 2), (26, 26, 2), (11, 11, 2), (3, 10, 1), (2, 2, 2),
  ]

  @Test(arguments: 0..<shapes.count) func matchesAPlainScan(_ index: Int) throws {
    let shape = Self.shapes[index]
    let n = 3
    let p = try PoolGeometry(
      channels: 2, height: shape.height, width: shape.width, kernel: (2, 2),
      stride: (shape.strideHeight, 2))
    let count = n * 2 * shape.height * shape.width
    var g = RandomGenerator(seed: UInt64(index) + 5)
    // Few distinct values, so that windows tie often; then the special values sprinkled in.
    var x = (0..<count).map { _ in Double(Int(g.uniform(-3, 3))) }
    let specials: [Double] = [.nan, .infinity, -.infinity, 0.0, -0.0, -.nan]
    for _ in 0..<(count / 6) {
      x[Int(g.uniform(0, Double(count))) % count] = specials[Int(g.uniform(0, 6)) % 6]
    }
    var y = [Double](repeating: 7, count: n * 2 * p.outHeight * p.outWidth)
    var argmax = y
    x.withUnsafeBufferPointer { px in
      y.withUnsafeMutableBufferPointer { py in
        argmax.withUnsafeMutableBufferPointer { pa in
          p.maxForward(px.baseAddress!, py.baseAddress!, argmax: pa.baseAddress!, batch: n)
        }
      }
    }
    let (values, offsets) = Self.reference(x, p, batch: n)
    #expect(argmax == offsets)
    #expect(y.map(\.bitPattern) == values.map(\.bitPattern))
    // The data did exercise every kind of window (the 2×2 input has too few).
    if count > 100 {
      #expect(values.contains { $0.isNaN })
      #expect(values.contains { $0 == .infinity })
    }
  }
}
