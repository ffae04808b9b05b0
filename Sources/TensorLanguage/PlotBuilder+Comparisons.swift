import NeuralNet
import Plotting
import TensorEngine

/// Figures that set several curves side by side: training runs, several y over one x, and a
/// perceptron's errors per epoch.
extension PlotBuilder {
  /// Each run's loss per epoch in its own colour, named by `labels` (`run 1`, `run 2`, …
  /// without), and its validation loss dashed in the same colour where it has one.
  static func histories(_ runs: [History], labels: [String]?, log: Bool) throws -> Plot {
    guard !runs.isEmpty else { throw RuntimeError("plot([h1, h2], …) needs at least one run") }
    let names = try seriesNames(
      labels, count: runs.count, what: "run", default: { "run \($0 + 1)" })
    var series: [Plot.Series] = []
    for (i, run) in runs.enumerated() {
      guard !run.loss.isEmpty else {
        throw RuntimeError("\(names[i]) has no epochs to plot")
      }
      let epochs = run.loss.indices.map { Double($0 + 1) }
      series.append(Plot.Series(names[i], x: epochs, y: run.loss, colour: i))
      if !run.validationLoss.isEmpty {
        series.append(
          Plot.Series(
            names[i] + " val_loss", x: run.validationLoss.indices.map { Double($0 + 1) },
            y: run.validationLoss, colour: i, dashed: true))
      }
    }
    return Plot(kind: .loss, xLabel: "epoch", yLabel: "loss", logY: log, series: series)
  }

  /// Several series over one x: the rows of `y` (`[y1, y2]` stacks them so), or its columns
  /// when its rows do not match x but its columns do (as matplotlib reads a 2-D y).
  static func several(_ x: Tensor, _ y: Tensor, labels: [String]?) throws -> Plot {
    if y.rank <= 1 {
      var plot = try xy(x, y)
      if let labels {
        plot.series[0].name = try seriesNames(
          labels, count: 1, what: "series", default: { _ in "" })[0]
      }
      return plot
    }
    let n = x.count
    let rows: [[Double]]
    if y.rank == 2, y.shape[1] == n {
      rows = (0..<y.shape[0]).map { Array(y.scalars[($0 * n)..<(($0 + 1) * n)]) }
    } else if y.rank == 2, y.shape[0] == n {
      let k = y.shape[1]
      rows = (0..<k).map { j in (0..<n).map { y.scalars[$0 * k + j] } }
    } else {
      throw RuntimeError(
        "plot(x, [y1, y2]) needs each y as long as x (\(n)); y has shape "
          + Shape.describe(y.shape))
    }
    guard n > 0, !rows.isEmpty else { throw RuntimeError("there is nothing to plot") }
    let names = try seriesNames(labels, count: rows.count, what: "series", default: { "y[\($0)]" })
    let xs = x.scalars
    let lineStyle = style(over: xs)
    return Plot(
      kind: .points, xLabel: "x", yLabel: "y",
      series: rows.enumerated().map { i, ys in
        Plot.Series(names[i], x: xs, y: ys, style: lineStyle, colour: i)
      })
  }

  /// A perceptron's misclassified samples in each epoch, on whole-number axes.
  static func errors(_ result: Perceptron.Result) throws -> Plot {
    guard !result.errorsPerEpoch.isEmpty else {
      throw RuntimeError("this perceptron result has no epochs to plot")
    }
    return Plot(
      kind: .errors, xLabel: "epoch", yLabel: "misclassified samples", wholeNumbers: true,
      series: [
        Plot.Series(
          "errors", x: result.errorsPerEpoch.indices.map { Double($0 + 1) },
          y: result.errorsPerEpoch.map(Double.init), style: .linespoints)
      ])
  }

  /// `labels`, checked to name each of `count` series, or the default names.
  static func seriesNames(
    _ labels: [String]?, count: Int, what: String, default name: (Int) -> String
  ) throws -> [String] {
    guard let labels else { return (0..<count).map(name) }
    guard labels.count == count else {
      let plural = what == "series" ? what : what.hasSuffix("s") ? what + "es" : what + "s"
      throw RuntimeError(
        "labels: has \(labels.count) name\(labels.count == 1 ? "" : "s") for \(count) "
          + "\(count == 1 ? what : plural); give one for each")
    }
    return labels
  }
}
