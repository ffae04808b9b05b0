import Foundation
import NeuralNet
import TensorEngine
import Testing

/// line and sine: one input, real-valued targets.
struct DatasetRegressionTests {
  @Test func lineWithoutNoiseIsExactlyTheLine() throws {
    var g = RandomGenerator(seed: 10)
    let data = try Dataset.line(50, slope: -3, intercept: 0.5, noise: 0, using: &g)
    #expect(data.name == "line")
    #expect(data.x.shape == [50, 1])
    #expect(data.y.shape == [50, 1])
    #expect(data.classes == nil)
    for (x, y) in zip(data.x.scalars, data.y.scalars) {
      #expect(y == -3 * x + 0.5)
      #expect(x >= -1 && x < 1)
    }
  }

  @Test func lineDrawsEachXThenItsNoise() throws {
    var g = RandomGenerator(seed: 13)
    let data = try Dataset.line(5, slope: 2, intercept: 1, noise: 0.25, using: &g)
    var h = RandomGenerator(seed: 13)
    for i in 0..<5 {
      let x = h.uniform(-1, 1)
      let e = h.normal()
      #expect(data.x.scalars[i] == x)
      #expect(abs(data.y.scalars[i] - (2 * x + 1 + 0.25 * e)) < 1e-15)
    }
  }

  @Test func lineDefaultsAreSlope2Intercept1() throws {
    var a = RandomGenerator(seed: 3)
    var b = RandomGenerator(seed: 3)
    let defaults = try Dataset.line(20, using: &a)
    let explicit = try Dataset.line(20, slope: 2, intercept: 1, noise: 0.1, using: &b)
    #expect(defaults.y.scalars == explicit.y.scalars)
  }

  @Test func lineNoiseIsTheResidualStandardDeviation() throws {
    var g = RandomGenerator(seed: 17)
    let data = try Dataset.line(5000, noise: 0.5, using: &g)
    let residuals = zip(data.x.scalars, data.y.scalars).map { $1 - (2 * $0 + 1) }
    let mean = residuals.reduce(0, +) / 5000
    let sd = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5000).squareRoot()
    #expect(abs(mean) < 0.03)
    #expect(abs(sd - 0.5) < 0.03)
  }

  @Test func sineWithoutNoiseIsExactlyTheSine() throws {
    var g = RandomGenerator(seed: 10)
    let data = try Dataset.sine(200, noise: 0, using: &g)
    #expect(data.name == "sine")
    #expect(data.x.shape == [200, 1])
    #expect(data.y.shape == [200, 1])
    #expect(data.classes == nil)
    for (x, y) in zip(data.x.scalars, data.y.scalars) {
      #expect(y == sin(x))
      #expect(x >= -Double.pi && x < Double.pi)
    }
    // 200 uniform draws over [−π, π) reach both halves of the period.
    #expect(data.x.scalars.contains { $0 < -2 } && data.x.scalars.contains { $0 > 2 })
  }

  @Test(arguments: ["line", "sine"])
  func sameSeedSameDataDifferentSeedDifferentData(_ name: String) throws {
    func make(_ seed: UInt64) throws -> Dataset {
      var g = RandomGenerator(seed: seed)
      return name == "line" ? try Dataset.line(30, using: &g) : try Dataset.sine(30, using: &g)
    }
    #expect(try make(1).x.scalars == make(1).x.scalars)
    #expect(try make(1).y.scalars == make(1).y.scalars)
    #expect(try make(1).x.scalars != make(2).x.scalars)
  }

  @Test func overloadsWithoutAGeneratorDrawFromTheSessionStream() throws {
    #expect(try Dataset.line(10).x.scalars != Dataset.line(10).x.scalars)
    #expect(try Dataset.sine(10).y.shape == [10, 1])
  }

  @Test func badArgumentsThrowInsteadOfTrapping() {
    var g = RandomGenerator(seed: 1)
    #expect(throws: TensorError(.argument, "line needs n ≥ 1, not 0")) {
      try Dataset.line(0, using: &g)
    }
    #expect(throws: TensorError(.argument, "line needs noise ≥ 0, not -0.1")) {
      try Dataset.line(5, noise: -0.1, using: &g)
    }
    #expect(throws: TensorError(.argument, "line needs a finite slope, not nan")) {
      try Dataset.line(5, slope: .nan, using: &g)
    }
    #expect(throws: TensorError(.argument, "line needs a finite intercept, not -inf")) {
      try Dataset.line(5, intercept: -.infinity, using: &g)
    }
    #expect(throws: TensorError(.argument, "sine needs n ≥ 1, not -3")) {
      try Dataset.sine(-3, using: &g)
    }
    #expect(throws: TensorError(.argument, "sine needs noise ≥ 0, not -2.0")) {
      try Dataset.sine(5, noise: -2, using: &g)
    }
    let error = #expect(throws: TensorError.self) { try Dataset.sine(Int.max, using: &g) }
    #expect(error?.kind == .memory)
  }
}
