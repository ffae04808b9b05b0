import NeuralNet
import Plotting
import TensorEngine

/// Figures of what a model computes over its data: a one-input model's curve through its
/// regression data, and one hidden unit's response over the inputs.
extension PlotBuilder {
  /// The data as points and the model's output as a line over the data's x range.
  static func regression(_ model: any Layer, _ data: Dataset) throws -> Plot {
    guard data.rowWidth == 1 else {
      throw RuntimeError(
        "a model's curve needs data with 1 input; \(data.name) has "
          + (data.rowWidth.map(String.init) ?? data.inputsDescription))
    }
    let outputs: [Int]
    do { outputs = try model.outputShape(for: [1]) } catch {
      throw RuntimeError(
        "a model's curve over \(data.name) needs a model with 1 input: \(error)")
    }
    guard outputs == [1], data.y.count == data.count else {
      throw RuntimeError(
        "a model's curve needs one output for one target; the model gives "
          + "\(Shape.describe(outputs)) and \(data.name) has \(data.y.count / Swift.max(1, data.count)) "
          + "targets per sample")
    }
    let finite = data.x.scalars.filter(\.isFinite)
    var low = finite.min() ?? -1
    var high = finite.max() ?? 1
    if high <= low {
      low -= 1
      high += 1
    }
    let xs = evenlySpaced(low, high, count: curvePoints)
    let curve = try model(Tensor(shape: [curvePoints, 1], scalars: xs)).detached
    return Plot(
      kind: .fit, xLabel: "x", yLabel: "y",
      series: [
        Plot.Series("data", x: data.x.scalars, y: data.y.scalars, style: .points, colour: 0),
        Plot.Series("model", x: xs, y: curve.scalars, colour: 1),
      ])
  }

  /// The activation of unit `unit` of `layer` (a layer, or the first layers of a model) over
  /// the inputs: for 2 inputs a heat map over the plane padded around the data, with the
  /// samples on top and the unit's z = 0 line; for 1 input a curve over x.
  static func unit(
    _ layer: any Layer, _ data: Dataset, unit k: Int, shouldCancel: () -> Bool = { false }
  ) throws -> Plot {
    let outputs: [Int]
    do { outputs = try layer.outputShape(for: data.sampleShape) } catch {
      throw RuntimeError(
        "the layer does not take \(data.name)'s \(data.inputsDescription): \(error)")
    }
    guard outputs.count == 1, let units = outputs.first else {
      throw RuntimeError(
        "unit: needs a layer whose output is a row of units, not "
          + Shape.describe(outputs))
    }
    guard k >= 0, k < units else {
      throw RuntimeError(
        "unit: \(k) is not a unit of this layer, which has \(units) (0 to \(units - 1))")
    }
    let label = "unit \(k) activation"
    switch data.rowWidth {
    case 1?:
      let (low, high) = padded(data.x.scalars)
      let xs = evenlySpaced(low, high, count: curvePoints)
      let (values, _) = try unitColumn(
        layer, xs, inputs: 1, units: units, unit: k, shouldCancel: shouldCancel)
      return Plot(
        kind: .unit, xLabel: "x", yLabel: label,
        series: [Plot.Series("unit \(k)", x: xs, y: values)])
    case 2?:
      let xsData = try column(data.x, 0)
      let ysData = try column(data.x, 1)
      let (xs, ys, points) = grid(xsData, ysData)
      let (values, z) = try unitColumn(
        layer, points, inputs: 2, units: units, unit: k, shouldCancel: shouldCancel)
      return Plot(
        kind: .unit, xLabel: "x1", yLabel: "x2",
        series: try classSeries(data, xs: xsData, ys: ysData),
        field: Plot.Field(
          xs: xs, ys: ys, values: values, label: label, centre: centre(layer.outputActivation),
          line: z, lineName: "z = 0"))
    default:
      throw RuntimeError(
        "plot(layer, data, unit: k) draws a unit over 1 or 2 inputs; \(data.name) has "
          + (data.rowWidth.map(String.init) ?? data.inputsDescription))
    }
  }

  /// Unit `k`'s activation and weighted sum z at each of the points (`inputs` numbers
  /// each), computed a slice of points at a time so that a wide layer's whole output over
  /// the grid (14,400 points × its units) is never held at once; Ctrl-C stops between
  /// slices.
  static func unitColumn(
    _ layer: any Layer, _ points: [Double], inputs: Int, units: Int, unit k: Int,
    shouldCancel: () -> Bool
  ) throws -> (values: [Double], z: [Double]) {
    let count = points.count / inputs
    let slice = Swift.max(1, 1_000_000 / Swift.max(1, units))
    var values: [Double] = []
    var z: [Double] = []
    values.reserveCapacity(count)
    z.reserveCapacity(count)
    for start in stride(from: 0, to: count, by: slice) {
      if shouldCancel() { throw Interrupted() }
      let end = Swift.min(count, start + slice)
      let x = try Tensor(
        shape: [end - start, inputs], scalars: Array(points[(start * inputs)..<(end * inputs)]))
      let out = try layer(x).detached.scalars
      let sums = try layer.preactivation(x).detached.scalars
      guard out.count == (end - start) * units, sums.count == out.count else {
        throw RuntimeError("the layer's output is not a row of \(units) units per sample")
      }
      for i in 0..<(end - start) {
        values.append(out[i * units + k])
        z.append(sums[i * units + k])
      }
    }
    return (values, z)
  }

  /// The activation's value at z = 0, where the palette turns from one side's colour to the
  /// other's; none for softmax, which is not a function of one unit's z.
  static func centre(_ activation: Activation?) -> Double? {
    switch activation {
    case .softmax?: nil
    case .sigmoid?, .step?: 0.5
    default: 0
    }
  }
}
