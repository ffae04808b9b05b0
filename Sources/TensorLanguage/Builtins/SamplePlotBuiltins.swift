import Plotting
import TensorEngine

/// Figures of samples, drawn by gnuplot: histograms of values and points in the plane, several
/// sets side by side, as matplotlib's `hist` and `scatter` draw them.
extension Builtins {
  static let samplePlots: [Builtin] = [
    Builtin(
      "hist",
      [
        P("values", "tensor", variadic: true),
        P("bins", "int", default: "30", keywordOnly: true),
        P("range", "[low, high]", default: "[min, max]", keywordOnly: true),
        P("density", "bool", default: "false", keywordOnly: true),
      ] + figureOptions,
      group: "plots",
      summary: "histograms of the values of each tensor, outlines in one figure: counts in "
        + "bins equal bins over range (values outside it are left out, as numpy's "
        + "histogram does); density: true divides by count × bin width, so that sets of "
        + "different sizes compare; labels: names each tensor",
      example: "hist(randn(1000), 4 + 1.25 * randn(1000), bins: 40, labels: [\"N(0, 1)\", "
        + "\"N(4, 1.25)\"])"
    ) { args, context in
      let bins = try args.int("bins", atLeast: 1, default: 30)
      guard bins <= PlotBuilder.maxBins else {
        throw args.error("bins", "bins must be at most \(PlotBuilder.maxBins), not \(bins)")
      }
      var range: (Double, Double)?
      if args.has("range") {
        let r = try args.tensor("range")
        guard r.count == 2, r.scalars[0] < r.scalars[1],
          (r.scalars[1] - r.scalars[0]).isFinite
        else {
          throw args.error(
            "range", "range is [low, high] with low < high, both finite, e.g. range: [-2, 10]")
        }
        range = (r.scalars[0], r.scalars[1])
      }
      let sets = try args.restTensors("hist's values")
      let names = try plotLabels(args)
      let density = try args.bool("density", default: false)
      let figure = try named(args, "values") {
        try PlotBuilder.histogram(sets, names: names, bins: bins, range: range, density: density)
      }
      return try show(figure, args, context)
    },
    Builtin(
      "scatter",
      [P("points", "tensor [n, 2]", variadic: true)] + figureOptions,
      group: "plots",
      summary: "each tensor of points [n, 2] (a point (x1, x2) per row) as marks in its own "
        + "colour, in one figure; labels: names each set",
      example: "scatter(randn(200, 2), 3 + randn(200, 2), labels: [\"a\", \"b\"])"
    ) { args, context in
      let sets = try args.restTensors("scatter's points")
      let names = try plotLabels(args)
      let figure = try named(args, "points") { try PlotBuilder.scatter(sets, names: names) }
      return try show(figure, args, context)
    },
  ]

  /// The figure `build` makes; its errors begin with the built-in's name and end with its
  /// signature, as argument errors do.
  private static func named(_ args: Arguments, _ parameter: String, _ build: () throws -> Plot)
    throws -> Plot
  {
    do { return try build() } catch let error as RuntimeError where error.range == nil {
      throw args.error(parameter, error.message)
    }
  }

  /// The options of `hist` and `scatter` that every figure takes.
  private static let figureOptions = [
    P("labels", "[string]", default: "none", keywordOnly: true),
    P("title", "string", default: "none", keywordOnly: true),
    P("xlabel", "string", default: "by kind", keywordOnly: true),
    P("ylabel", "string", default: "by kind", keywordOnly: true),
    P("file", "string", default: "none", keywordOnly: true),
    P("size", "[width, height]", default: "[800, 600]", keywordOnly: true),
  ]
}
