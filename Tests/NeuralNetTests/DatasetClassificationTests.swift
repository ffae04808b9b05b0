import Foundation
import NeuralNet
import TensorEngine
import Testing

/// blobs, circles, moons and spiral: 2 inputs, class labels in one column.
struct DatasetClassificationTests {
  /// How many samples carry each label 0…classes−1.
  private static func labelCounts(_ data: Dataset) -> [Int] {
    var counts = [Int](repeating: 0, count: data.classes ?? 0)
    for label in data.y.scalars { counts[Int(label)] += 1 }
    return counts
  }

  /// The rows of x whose label is `label`, as (x, y) points.
  private static func points(_ data: Dataset, label: Double) -> [(Double, Double)] {
    data.y.scalars.indices.filter { data.y.scalars[$0] == label }.map {
      (data.x.scalars[2 * $0], data.x.scalars[2 * $0 + 1])
    }
  }

  @Test(arguments: [
    ("blobs", 10, 3, [4, 3, 3]),
    ("blobs", 5, 5, [1, 1, 1, 1, 1]),
    ("circles", 7, 2, [4, 3]),
    ("moons", 9, 2, [5, 4]),
    ("moons", 2, 2, [1, 1]),
    ("spiral", 100, 3, [34, 33, 33]),
    ("spiral", 12, 4, [3, 3, 3, 3]),
    ("spiral", 3, 1, [3]),
  ])
  func shapesAndBalancedClasses(_ name: String, _ n: Int, _ classes: Int, _ counts: [Int])
    throws
  {
    var g = RandomGenerator(seed: 1)
    let data: Dataset
    switch name {
    case "blobs": data = try Dataset.blobs(n, centers: classes, using: &g)
    case "circles": data = try Dataset.circles(n, using: &g)
    case "moons": data = try Dataset.moons(n, using: &g)
    default: data = try Dataset.spiral(n, classes: classes, using: &g)
    }
    #expect(data.name == name)
    #expect(data.x.shape == [n, 2])
    #expect(data.y.shape == [n, 1])
    #expect(data.classes == classes)
    #expect(Self.labelCounts(data) == counts)
    #expect(data.x.scalars.allSatisfy { $0.isFinite })
  }

  @Test func defaultsMatchTheDocumentedOnes() throws {
    var g = RandomGenerator(seed: 5)
    #expect(try Dataset.blobs(30, using: &g).classes == 3)
    #expect(try Dataset.spiral(30, using: &g).classes == 3)
    // Default noise 0.05 and factor 0.5, against the same seed given explicitly.
    var a = RandomGenerator(seed: 9)
    var b = RandomGenerator(seed: 9)
    #expect(
      try Dataset.circles(20, using: &a).x.scalars
        == Dataset.circles(20, noise: 0.05, factor: 0.5, using: &b).x.scalars)
    #expect(
      try Dataset.moons(20, using: &a).x.scalars
        == Dataset.moons(20, noise: 0.1, using: &b).x.scalars)
    #expect(
      try Dataset.spiral(20, using: &a).x.scalars
        == Dataset.spiral(20, classes: 3, noise: 0.2, using: &b).x.scalars)
  }

  @Test(arguments: ["blobs", "circles", "moons", "spiral"])
  func sameSeedSameDataDifferentSeedDifferentData(_ name: String) throws {
    func make(_ seed: UInt64) throws -> Dataset {
      var g = RandomGenerator(seed: seed)
      switch name {
      case "blobs": return try Dataset.blobs(50, using: &g)
      case "circles": return try Dataset.circles(50, noise: 0.1, using: &g)
      case "moons": return try Dataset.moons(50, using: &g)
      default: return try Dataset.spiral(50, using: &g)
      }
    }
    let a = try make(11)
    let b = try make(11)
    let c = try make(12)
    #expect(a.x.scalars == b.x.scalars)
    #expect(a.y.scalars == b.y.scalars)
    #expect(a.x.scalars != c.x.scalars)
  }

  @Test func overloadsWithoutAGeneratorDrawFromTheSessionStream() throws {
    // Other tests may draw from the shared stream at the same time, so only check that two
    // calls advance it (they cannot repeat) and give well-formed data.
    let first = try Dataset.blobs(20)
    let second = try Dataset.blobs(20)
    #expect(first.x.scalars != second.x.scalars)
    #expect(try Dataset.circles(8).x.shape == [8, 2])
    #expect(try Dataset.moons(8).x.shape == [8, 2])
    #expect(try Dataset.spiral(9).x.shape == [9, 2])
  }

  // MARK: - blobs

  @Test func blobsWithoutNoiseSitOnCentresDrawnFirstFromTheBox() throws {
    var g = RandomGenerator(seed: 21)
    let data = try Dataset.blobs(7, centers: 3, noise: 0, using: &g)
    // The centres are the generator's first six uniforms in [−10, 10), x then y.
    var h = RandomGenerator(seed: 21)
    let centres = (0..<3).map { _ in (h.uniform(-10, 10), h.uniform(-10, 10)) }
    let labels: [Double] = [0, 0, 0, 1, 1, 2, 2]  // 7 = 3 + 2 + 2
    #expect(data.y.scalars == labels)
    for (i, label) in labels.enumerated() {
      let centre = centres[Int(label)]
      #expect(data.x.scalars[2 * i] == centre.0)
      #expect(data.x.scalars[2 * i + 1] == centre.1)
    }
  }

  @Test func blobsCentresStayInTheBoxAndNoiseIsTheStandardDeviation() throws {
    var g = RandomGenerator(seed: 4)
    let tight = try Dataset.blobs(40, centers: 4, noise: 0, centerBox: 5...6, using: &g)
    #expect(tight.x.scalars.allSatisfy { $0 >= 5 && $0 < 6 })

    let data = try Dataset.blobs(4000, centers: 1, noise: 2, using: &g)
    let xs = stride(from: 0, to: 8000, by: 2).map { data.x.scalars[$0] }
    let mean = xs.reduce(0, +) / 4000
    let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4000).squareRoot()
    #expect(abs(sd - 2) < 0.1)
  }

  // MARK: - circles

  @Test func circlesWithoutNoiseLieOnRadiusOneAndFactor() throws {
    var g = RandomGenerator(seed: 2)
    let data = try Dataset.circles(40, noise: 0, factor: 0.3, using: &g)
    let outer = Self.points(data, label: 0)
    let inner = Self.points(data, label: 1)
    #expect(outer.count == 20 && inner.count == 20)
    for (x, y) in outer { #expect(abs((x * x + y * y).squareRoot() - 1) < 1e-12) }
    for (x, y) in inner { #expect(abs((x * x + y * y).squareRoot() - 0.3) < 1e-12) }
    // Evenly spaced from angle 0: 20 points are 18° apart, the sixth at 90°.
    #expect(abs(outer[0].0 - 1) < 1e-12 && abs(outer[0].1) < 1e-12)
    #expect(abs(outer[5].0) < 1e-12 && abs(outer[5].1 - 1) < 1e-12)
    #expect(abs(inner[10].0 + 0.3) < 1e-12 && abs(inner[10].1) < 1e-12)
  }

  @Test func circlesWithNoiseScatterAroundTheirRadii() throws {
    var g = RandomGenerator(seed: 8)
    let data = try Dataset.circles(2000, noise: 0.05, using: &g)
    func meanRadius(_ label: Double) -> Double {
      let p = Self.points(data, label: label)
      return p.map { ($0.0 * $0.0 + $0.1 * $0.1).squareRoot() }.reduce(0, +) / Double(p.count)
    }
    #expect(abs(meanRadius(0) - 1) < 0.01)
    #expect(abs(meanRadius(1) - 0.5) < 0.01)
  }

  // MARK: - moons

  @Test func moonsWithoutNoiseLieOnTheTwoHalfCircles() throws {
    var g = RandomGenerator(seed: 3)
    let data = try Dataset.moons(21, noise: 0, using: &g)
    let upper = Self.points(data, label: 0)
    let lower = Self.points(data, label: 1)
    #expect(upper.count == 11 && lower.count == 10)
    for (x, y) in upper {
      #expect(abs(x * x + y * y - 1) < 1e-12)
      #expect(y >= 0)
    }
    for (x, y) in lower {
      #expect(abs((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5) - 1) < 1e-12)
      #expect(y <= 0.5)
    }
    // The arcs run from angle 0 to π, both ends included.
    #expect(abs(upper[0].0 - 1) < 1e-12 && abs(upper[0].1) < 1e-12)
    #expect(abs(upper[5].0) < 1e-12 && abs(upper[5].1 - 1) < 1e-12)
    #expect(abs(upper[10].0 + 1) < 1e-12 && abs(upper[10].1) < 1e-12)
    #expect(abs(lower[0].0) < 1e-12 && abs(lower[0].1 - 0.5) < 1e-12)
    #expect(abs(lower[9].0 - 2) < 1e-12 && abs(lower[9].1 - 0.5) < 1e-12)
  }

  // MARK: - spiral

  @Test func spiralWithoutNoiseFollowsRadiusAndAngleRamps() throws {
    var g = RandomGenerator(seed: 6)
    let data = try Dataset.spiral(30, classes: 3, noise: 0, using: &g)
    for c in 0..<3 {
      let arm = Self.points(data, label: Double(c))
      #expect(arm.count == 10)
      for (i, (x, y)) in arm.enumerated() {
        let r = Double(i) / 9
        let t = 4 * Double(c) + 4 * Double(i) / 9
        #expect(abs(x - r * sin(t)) < 1e-12)
        #expect(abs(y - r * cos(t)) < 1e-12)
      }
      // Each arm starts at the centre and ends at radius 1.
      #expect(arm[0] == (0, 0))
      #expect(abs(arm[9].0 * arm[9].0 + arm[9].1 * arm[9].1 - 1) < 1e-12)
    }
  }

  @Test func spiralNoiseMovesTheAngleNotTheRadius() throws {
    var g = RandomGenerator(seed: 6)
    let data = try Dataset.spiral(20, classes: 2, noise: 0.5, using: &g)
    for c in 0..<2 {
      for (i, (x, y)) in Self.points(data, label: Double(c)).enumerated() {
        #expect(abs((x * x + y * y).squareRoot() - Double(i) / 9) < 1e-12)
      }
    }
  }

  // MARK: - bad arguments

  @Test func badArgumentsThrowInsteadOfTrapping() throws {
    var g = RandomGenerator(seed: 1)
    #expect(throws: TensorError(.argument, "blobs needs n ≥ 3 (one sample per class), not 0")) {
      try Dataset.blobs(0, using: &g)
    }
    #expect(throws: TensorError(.argument, "blobs needs at least 1 class, not 0")) {
      try Dataset.blobs(10, centers: 0, using: &g)
    }
    #expect(throws: TensorError(.argument, "blobs needs noise ≥ 0, not -1.0")) {
      try Dataset.blobs(10, noise: -1, using: &g)
    }
    #expect(throws: TensorError(.argument, "blobs needs a finite centre box, not inf")) {
      try Dataset.blobs(10, centerBox: 0...Double.infinity, using: &g)
    }
    #expect(throws: TensorError(.argument, "circles needs n ≥ 2 (one sample per class), not 1")) {
      try Dataset.circles(1, using: &g)
    }
    #expect(throws: TensorError(.argument, "circles needs a factor in [0, 1), not 1.0")) {
      try Dataset.circles(10, factor: 1, using: &g)
    }
    #expect(throws: TensorError(.argument, "moons needs n ≥ 2 (one sample per class), not -5")) {
      try Dataset.moons(-5, using: &g)
    }
    #expect(throws: TensorError(.argument, "moons needs noise ≥ 0, not nan")) {
      try Dataset.moons(10, noise: .nan, using: &g)
    }
    #expect(throws: TensorError(.argument, "spiral needs at least 1 class, not -1")) {
      try Dataset.spiral(10, classes: -1, using: &g)
    }
    #expect(throws: TensorError(.argument, "spiral needs n ≥ 4 (one sample per class), not 3")) {
      try Dataset.spiral(3, classes: 4, using: &g)
    }
    #expect(throws: TensorError(.argument, "spiral needs noise ≥ 0, not inf")) {
      try Dataset.spiral(10, noise: .infinity, using: &g)
    }
  }

  @Test func hugeCountsAreRefusedBeforeAllocating() {
    var g = RandomGenerator(seed: 1)
    for make in [
      { (g: inout RandomGenerator) in try Dataset.blobs(Int.max, using: &g) },
      { (g: inout RandomGenerator) in try Dataset.circles(Int.max / 2 + 7, using: &g) },
      { (g: inout RandomGenerator) in try Dataset.spiral(1 << 40, using: &g) },
    ] {
      let error = #expect(throws: TensorError.self) { try make(&g) }
      #expect(error?.kind == .memory)
    }
  }
}

/// Generators refuse more than `Dataset.maxGeneratedSamples` (10 million) samples at once,
/// with a message saying so, rather than running for minutes.
@Suite struct DatasetSizeCapTests {
  @Test func moreThanTenMillionSamplesAreRefused() {
    var g = RandomGenerator(seed: 1)
    #expect(Dataset.maxGeneratedSamples == 10_000_000)
    let error = #expect(throws: TensorError.self) { try Dataset.moons(100_000_000, using: &g) }
    #expect(error?.kind == .memory)
    #expect(error?.message.hasPrefix("moons makes at most 10000000 samples") == true)
    #expect(throws: TensorError.self) { try Dataset.line(10_000_001, using: &g) }
  }
}
