import NeuralNet
import Plotting
import TensorEngine

/// Figures of what a model computes over its data: a one-input model's curve through its
/// regression data, and one hidden unit's response over the inputs.
extension PlotBuilder {
  /// The data as points and the model's output as a line over the data's x range.
  static func regression(_ model: any Layer, _ data: Dataset) throws -> Plot {
    guard data.features == 1 else {
      throw RuntimeError(
        "a model's curve needs data with 1 input; \(data.name) has \(data.features)")
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
    let xs = (0..<curvePoints).map { low + (high - low) * Double($0) / Double(curvePoints - 1) }
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
  static func unit(_ layer: any Layer, _ data: Dataset, unit k: Int) throws -> Plot {
    let outputs: [Int]
    do { outputs = try layer.outputShape(for: [data.features]) } catch {
      throw RuntimeError(
        "the layer does not take \(data.name)'s \(data.features) inputs: \(error)")
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
    switch data.features {
    case 1:
      let (low, high) = padded(data.x.scalars)
      let xs = (0..<curvePoints).map { low + (high - low) * Double($0) / Double(curvePoints - 1) }
      let out = try layer(Tensor(shape: [curvePoints, 1], scalars: xs)).detached.scalars
      guard out.count == curvePoints * units else {
        throw RuntimeError("the layer's output is not a row of \(units) units per sample")
      }
      let values = (0..<curvePoints).map { out[$0 * units + k] }
      return Plot(
        kind: .unit, xLabel: "x", yLabel: label,
        series: [Plot.Series("unit \(k)", x: xs, y: values)])
    case 2:
      let xsData = try column(data.x, 0)
      let ysData = try column(data.x, 1)
      let (x0, x1) = padded(xsData)
      let (y0, y1) = padded(ysData)
      let n = gridSize
      let xs = (0..<n).map { x0 + (x1 - x0) * Double($0) / Double(n - 1) }
      let ys = (0..<n).map { y0 + (y1 - y0) * Double($0) / Double(n - 1) }
      var points = [Double]()
      points.reserveCapacity(2 * n * n)
      for y in ys {
        for x in xs { points += [x, y] }
      }
      let grid = try Tensor(shape: [n * n, 2], scalars: points)
      let out = try layer(grid).detached.scalars
      let z = try layer.preactivation(grid).detached.scalars
      guard out.count == n * n * units, z.count == n * n * units else {
        throw RuntimeError("the layer's output is not a row of \(units) units per sample")
      }
      let values = (0..<(n * n)).map { out[$0 * units + k] }
      return Plot(
        kind: .unit, xLabel: "x1", yLabel: "x2",
        series: try classSeries(data, xs: xsData, ys: ysData),
        field: Plot.Field(
          xs: xs, ys: ys, values: values, label: label, centre: centre(layer.outputActivation),
          line: (0..<(n * n)).map { z[$0 * units + k] }, lineName: "z = 0"))
    default:
      throw RuntimeError(
        "plot(layer, data, unit: k) draws a unit over 1 or 2 inputs; \(data.name) has "
          + "\(data.features)")
    }
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
