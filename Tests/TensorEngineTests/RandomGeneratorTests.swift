import Foundation
import TensorEngine
import Testing

/// SplitMix64 (Steele, Lea and Flood), written from the published reference
/// prng.di.unimi.it/splitmix64.c.
private struct ReferenceSplitMix64 {
  var x: UInt64

  mutating func next() -> UInt64 {
    x = x &+ 0x9e37_79b9_7f4a_7c15
    var z = x
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

/// xoshiro256** 1.0 (Blackman and Vigna), written from the published reference
/// prng.di.unimi.it/xoshiro256starstar.c, its four state words filled by SplitMix64 as the
/// authors recommend.
private struct ReferenceXoshiro256StarStar {
  var s: [UInt64]

  init(seed: UInt64) {
    var seeder = ReferenceSplitMix64(x: seed)
    s = (0..<4).map { _ in seeder.next() }
  }

  static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  mutating func next() -> UInt64 {
    let result = Self.rotl(s[1] &* 5, 7) &* 9
    let t = s[1] << 17
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = Self.rotl(s[3], 45)
    return result
  }

  /// The top 53 bits as a fraction in [0, 1).
  mutating func uniform() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }
}

@Suite struct RandomGeneratorTests {
  /// The reference seeder must itself be right: these are SplitMix64's published first
  /// outputs from state 0.
  @Test func referenceSplitMixMatchesItsPublishedOutputs() {
    var s = ReferenceSplitMix64(x: 0)
    #expect(
      (0..<4).map { _ in s.next() } == [
        0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f,
        0xf88b_b8a8_724c_81ec,
      ])
  }

  @Test(arguments: [0, 1, 42, 0xdead_beef, UInt64.max] as [UInt64])
  func streamMatchesTheReferenceAlgorithm(seed: UInt64) {
    var engine = RandomGenerator(seed: seed)
    var reference = ReferenceXoshiro256StarStar(seed: seed)
    let first = (0..<8).map { _ in engine.next() }
    #expect(first == (0..<8).map { _ in reference.next() })
    // Further on, where any slip in the state update would have spread.
    for _ in 0..<1000 {
      _ = engine.next()
      _ = reference.next()
    }
    #expect(engine.next() == reference.next())
  }

  @Test func uniformTakesTheTop53Bits() {
    var engine = RandomGenerator(seed: 7)
    var reference = ReferenceXoshiro256StarStar(seed: 7)
    for _ in 0..<100 {
      #expect(engine.uniform() == reference.uniform())
    }
    #expect(engine.uniform(-3, 5) == -3 + 8 * reference.uniform())
  }

  @Test func normalIsBoxMullerOfTwoUniforms() {
    var engine = RandomGenerator(seed: 8)
    var reference = ReferenceXoshiro256StarStar(seed: 8)
    for _ in 0..<50 {
      let u1 = 1 - reference.uniform()
      let u2 = reference.uniform()
      let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
      #expect(engine.normal() == z)
    }
  }

  @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
    var a = RandomGenerator(seed: 123)
    var b = RandomGenerator(seed: 123)
    var c = RandomGenerator(seed: 124)
    let sa = (0..<20).map { _ in a.next() }
    #expect(sa == (0..<20).map { _ in b.next() })
    #expect(sa != (0..<20).map { _ in c.next() })
    // A copy is an independent generator at the same point of the stream.
    var d = a
    #expect(a.uniform() == d.uniform())
    #expect(a.normal() == d.normal())
  }

  @Test func uniformStatistics() {
    var g = RandomGenerator(seed: 5)
    let n = 100_000
    let values = (0..<n).map { _ in g.uniform() }
    #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
    let mean = values.reduce(0, +) / Double(n)
    // The standard error of the mean is √(1/12n) ≈ 0.0009.
    #expect(abs(mean - 0.5) < 0.005)
    let scaled = (0..<1000).map { _ in g.uniform(-2, 3) }
    #expect(scaled.allSatisfy { $0 >= -2 && $0 < 3 })
  }

  @Test func normalHasMeanZeroAndStandardDeviationOne() {
    var g = RandomGenerator(seed: 6)
    let n = 100_000
    let values = (0..<n).map { _ in g.normal() }
    #expect(values.allSatisfy { $0.isFinite })
    let mean = values.reduce(0, +) / Double(n)
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
    // Standard errors: 1/√n ≈ 0.0032 for the mean, about 0.0022 for the deviation.
    #expect(abs(mean) < 0.02)
    #expect(abs(variance.squareRoot() - 1) < 0.02)
    // About 68.27% of a normal lies within one standard deviation.
    let within = Double(values.filter { abs($0) < 1 }.count) / Double(n)
    #expect(abs(within - 0.6827) < 0.01)
  }

  @Test func shuffleIsAPermutation() {
    var g = RandomGenerator(seed: 9)
    var values = Array(0..<100)
    g.shuffle(&values)
    #expect(values.sorted() == Array(0..<100))
    #expect(values != Array(0..<100))
    // The same seed shuffles the same way.
    var h = RandomGenerator(seed: 9)
    var again = Array(0..<100)
    h.shuffle(&again)
    #expect(again == values)
    var one = ["a"]
    g.shuffle(&one)
    #expect(one == ["a"])
    var none: [Int] = []
    g.shuffle(&none)
    #expect(none.isEmpty)
  }

  /// Every position is equally likely to receive each value: over many shuffles of three
  /// items, each of the 6 orders appears about 1/6 of the time.
  @Test func shuffleIsUniform() {
    var g = RandomGenerator(seed: 10)
    var counts: [[Int]: Int] = [:]
    let trials = 60_000
    for _ in 0..<trials {
      var v = [0, 1, 2]
      g.shuffle(&v)
      counts[v, default: 0] += 1
    }
    #expect(counts.count == 6)
    for (_, c) in counts { #expect(abs(Double(c) / Double(trials) - 1.0 / 6) < 0.01) }
  }

  @Test func indexBelow() {
    var g = RandomGenerator(seed: 11)
    #expect(g.index(below: 0) == 0)
    #expect(g.index(below: 1) == 0)
    #expect(g.index(below: -5) == 0)
    var seen = Set<Int>()
    for _ in 0..<1000 {
      let i = g.index(below: 5)
      #expect(i >= 0 && i < 5)
      seen.insert(i)
    }
    #expect(seen == [0, 1, 2, 3, 4])
  }
}
