import Foundation
import Plotting
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// `hist` and `scatter`: the counts and points their figures hold, and the random draws
  /// `randn(…, mean:, std:)` and `rand(…, low:, high:)` that a GAN's loop feeds them.
  @Suite struct SamplePlotTests {
    // numpy: np.histogram([0, 0.5, 0.5, 1.9, 2.0, 2.5, -1], bins=4, range=(0, 2)) gives
    // [1, 2, 0, 2] (the right edge 2.0 in the last bin, 2.5 and −1 left out); with
    // density=True, [0.4, 0.8, 0, 0.8].
    let values = Tensor([0, 0.5, 0.5, 1.9, 2.0, 2.5, -1])

    @Test func histogramCountsAsNumpyDoes() throws {
      let plot = try PlotBuilder.histogram(
        [values], names: nil, bins: 4, range: (0, 2), density: false)
      #expect(plot.kind == .histogram)
      #expect(plot.series.count == 1)
      #expect(plot.series[0].x == [0.25, 0.75, 1.25, 1.75])
      #expect(plot.series[0].y == [1, 2, 0, 2])
      #expect(plot.series[0].style == .steps)
      #expect(plot.series[0].name == "")
      #expect(plot.yLabel == "count")
      let density = try PlotBuilder.histogram(
        [values], names: nil, bins: 4, range: (0, 2), density: true)
      #expect(density.series[0].y == [0.4, 0.8, 0, 0.8])
      #expect(density.yLabel == "density")
    }

    @Test func histogramRangeDefaultsToAllValuesAndOneValueGetsHalfAroundIt() throws {
      // Over two sets, one range: from −1 to 2.5 in 7 bins of 0.5. numpy:
      // np.histogram([0, 0.5, 0.5, 1.9, 2.0, 2.5, -1], bins=7) gives [1, 0, 1, 2, 0, 1, 2],
      // and np.histogram([1.0], bins=7, range=(-1, 2.5)) gives [0, 0, 0, 0, 1, 0, 0].
      let both = try PlotBuilder.histogram(
        [values, Tensor([1.0])], names: ["a", "b"], bins: 7, range: nil, density: false)
      #expect(both.series.map(\.name) == ["a", "b"])
      #expect(both.series[0].x.first == -0.75)
      #expect(both.series[0].y == [1, 0, 1, 2, 0, 1, 2])
      #expect(both.series[1].y == [0, 0, 0, 0, 1, 0, 0])
      #expect(both.series.map(\.colour) == [0, 1])
      // numpy: np.histogram([3, 3, 3], bins=2) counts [0, 3] over edges 2.5, 3, 3.5.
      let single = try PlotBuilder.histogram(
        [Tensor([3, 3, 3])], names: nil, bins: 2, range: nil, density: false)
      #expect(single.series[0].x == [2.75, 3.25])
      #expect(single.series[0].y == [0, 3])
    }

    @Test func histogramRefusesWhatNoBinCanCount() {
      let nan = #expect(throws: RuntimeError.self) {
        try PlotBuilder.histogram(
          [values, Tensor([1, .nan])], names: nil, bins: 4, range: nil, density: false)
      }
      #expect(nan?.message.hasPrefix("argument 2 includes nan, which no bin can count") == true)
      let empty = #expect(throws: RuntimeError.self) {
        try PlotBuilder.histogram(
          [Tensor([Double]())], names: nil, bins: 4, range: nil, density: false)
      }
      #expect(empty?.message == "the tensor holds nothing to count")
      let labels = #expect(throws: RuntimeError.self) {
        try PlotBuilder.histogram(
          [values, values], names: ["one"], bins: 4, range: nil, density: false)
      }
      #expect(labels?.message.hasPrefix("labels: has 1 name for 2 series") == true)
      let error = runtimeError("hist", [.tensor(values)], ["range": vec([2, 0])])
      #expect(error?.message.hasPrefix("hist: range is [low, high] with low < high") == true)
      let bins = runtimeError("hist", [.tensor(values)], ["bins": .number(0)])
      #expect(bins?.message == "hist: bins must be at least 1, not 0")
    }

    @Test func scatterDrawsEachTensorOfPointsInItsColour() throws {
      let a = try Tensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, 5])
      let b = try Tensor(shape: [1, 2], scalars: [-1, -2])
      let plot = try PlotBuilder.scatter([a, b], names: ["real", "generated"])
      #expect(plot.series.map(\.name) == ["real", "generated"])
      #expect(plot.series[0].x == [0, 2, 4])
      #expect(plot.series[0].y == [1, 3, 5])
      #expect(plot.series[1].x == [-1])
      #expect(plot.series.allSatisfy { $0.style == .points })
      #expect(plot.series.map(\.colour) == [0, 1])
      let column = #expect(throws: RuntimeError.self) {
        try PlotBuilder.scatter([a, Tensor([1, 2, 3])], names: nil)
      }
      #expect(
        column?.message
          == "argument 2 must be a tensor [n, 2], one (x, y) per row, not [3]; to draw y "
          + "against x, use plot(x, y)")
    }

    @Test func randnWithMeanAndStdIsTheSameDrawsMovedAndStretched() throws {
      RandomGenerator.seed(7)
      let z = try Tensor.randn([5, 2])
      RandomGenerator.seed(7)
      guard
        case .tensor(let x) = try call(
          "randn", [.number(5), .number(2)], ["mean": .number(4), "std": .number(1.25)])
      else {
        Issue.record("randn gave no tensor")
        return
      }
      #expect(x.shape == [5, 2])
      #expect(zip(x.scalars, z.scalars).allSatisfy { abs($0 - (4 + 1.25 * $1)) < 1e-12 })
      let negative = runtimeError("randn", [.number(3)], ["std": .number(-1)])
      #expect(negative?.message.hasPrefix("randn: randn needs a finite mean and std ≥ 0") == true)
    }

    @Test func randWithLowAndHighStaysInItsRange() throws {
      RandomGenerator.seed(7)
      let u = try Tensor.rand([1000])
      RandomGenerator.seed(7)
      guard
        case .tensor(let x) = try call(
          "rand", [.number(1000)], ["low": .number(-1), "high": .number(3)])
      else {
        Issue.record("rand gave no tensor")
        return
      }
      #expect(x.scalars.allSatisfy { $0 >= -1 && $0 < 3 })
      #expect(zip(x.scalars, u.scalars).allSatisfy { abs($0 - (-1 + 4 * $1)) < 1e-12 })
      let reversed = runtimeError("rand", [.number(3)], ["low": .number(2), "high": .number(1)])
      #expect(reversed?.message.hasPrefix("rand: rand needs finite low ≤ high") == true)
    }
  }
}
