import Plotting
import TensorEngine

/// Figures of samples rather than of models: histograms of values and sets of points in the
/// plane, several sets in one figure so that they can be compared (a generator's samples
/// beside the real ones).
extension PlotBuilder {
  /// The most bins a histogram may have: far more than a figure has pixels across.
  static let maxBins = 10_000

  /// Each tensor's values counted in `bins` equal bins over `range` (by default from the
  /// smallest to the largest value of all of them), as numpy's `histogram` counts: every bin
  /// holds its left edge, the last its right edge too, and values outside the range are not
  /// counted. With `density`, counts are divided by (values counted × bin width), so that
  /// each outline encloses an area of 1 and sets of different sizes compare.
  static func histogram(
    _ sets: [Tensor], names: [String]?, bins: Int, range: (low: Double, high: Double)?,
    density: Bool
  ) throws -> Plot {
    guard !sets.isEmpty else { throw RuntimeError("hist needs values to count, e.g. hist(x)") }
    guard (1...maxBins).contains(bins) else {
      throw RuntimeError("bins must be 1 … \(maxBins), not \(bins)")
    }
    for (i, set) in sets.enumerated() {
      let which = subject(i, of: sets.count, "the tensor")
      guard set.count > 0 else { throw RuntimeError("\(which) holds nothing to count") }
      if let bad = set.scalars.first(where: { !$0.isFinite }) {
        throw RuntimeError(
          "\(which) includes \(bad), which no bin can count; "
            + "a training run that diverged gives such values")
      }
    }
    let (low, high) = try binRange(sets, range)
    let width = (high - low) / Double(bins)
    let centres = (0..<bins).map { low + (Double($0) + 0.5) * width }
    let labels = try seriesNames(
      names, count: sets.count, what: "series",
      default: { sets.count == 1 ? "" : "values \($0 + 1)" })
    let series = sets.enumerated().map { i, set -> Plot.Series in
      var counts = [Double](repeating: 0, count: bins)
      for x in set.scalars where x >= low && x <= high {
        // The right edge belongs to the last bin, as in numpy.
        let k = Swift.min(bins - 1, Int(((x - low) / (high - low)) * Double(bins)))
        counts[k] += 1
      }
      let counted = counts.reduce(0, +)
      if density && counted > 0 { counts = counts.map { $0 / (counted * width) } }
      return Plot.Series(labels[i], x: centres, y: counts, style: .steps, colour: i)
    }
    return Plot(
      kind: .histogram, xLabel: "value", yLabel: density ? "density" : "count",
      series: series)
  }

  /// The range a histogram's bins cover: the one given, or the span of every value; around
  /// a single value, ± 0.5 as numpy takes it.
  private static func binRange(_ sets: [Tensor], _ range: (low: Double, high: Double)?) throws
    -> (Double, Double)
  {
    if let range {
      guard range.low.isFinite, range.high.isFinite, range.low < range.high,
        (range.high - range.low).isFinite
      else {
        throw RuntimeError(
          "range must be [low, high] with low < high, not [\(range.low), \(range.high)]")
      }
      return range
    }
    let low = sets.map { $0.scalars.min() ?? 0 }.min() ?? 0
    let high = sets.map { $0.scalars.max() ?? 0 }.max() ?? 0
    guard (high - low).isFinite else {
      throw RuntimeError(
        "the values span [\(low), \(high)], too wide for equal bins; give range: [low, high]")
    }
    return low < high ? (low, high) : (low - 0.5, high + 0.5)
  }

  /// Each tensor of points `[n, 2]` (one point per row) as a set of marks in its own colour.
  static func scatter(_ sets: [Tensor], names: [String]?) throws -> Plot {
    guard !sets.isEmpty else {
      throw RuntimeError("scatter needs points [n, 2], e.g. scatter(randn(100, 2))")
    }
    for (i, set) in sets.enumerated() where set.rank != 2 || set.shape[1] != 2 {
      throw RuntimeError(
        "\(subject(i, of: sets.count, "the points")) must be a tensor [n, 2], one (x, y) per "
          + "row, not "
          + "\(Shape.describe(set.shape)); to draw y against x, use plot(x, y)")
    }
    let labels = try seriesNames(
      names, count: sets.count, what: "series",
      default: { sets.count == 1 ? "" : "points \($0 + 1)" })
    let series = try sets.enumerated().map { i, set in
      Plot.Series(
        labels[i], x: try column(set, 0), y: try column(set, 1), style: .points, colour: i)
    }
    return Plot(kind: .points, xLabel: "x1", yLabel: "x2", series: series)
  }

  /// How a message names the set at `index`: by what it is when it is the only one, else by
  /// its place among the arguments.
  private static func subject(_ index: Int, of count: Int, _ only: String) -> String {
    count == 1 ? only : "argument \(index + 1)"
  }
}
