import Foundation
import NeuralNet
import Plotting
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// The figures `plot` describes for comparisons, models over their data and hidden units:
  /// their numbers, worked out by hand from layers with known weights.
  @Suite struct PlotBuilderTests {
    /// x in -1, 0, 1, 2 against y = 2x + 1.
    let line = try! Dataset(
      name: "line", x: Tensor(shape: [4, 1], scalars: [-1, 0, 1, 2]),
      y: Tensor(shape: [4, 1], scalars: [-1, 1, 3, 5]))

    @Test func severalRunsHaveOneColourEachAndDashedValidation() throws {
      var a = History(plannedEpochs: 3)
      a.loss = [3, 2, 1]
      a.validationLoss = [4, 3, 2]
      var b = History(plannedEpochs: 2)
      b.loss = [5, 4]
      let plot = try PlotBuilder.histories([a, b], labels: ["sgd", "adam"], log: false)
      #expect(plot.series.map(\.name) == ["sgd", "sgd val_loss", "adam"])
      #expect(plot.series.map(\.colour) == [0, 0, 1])
      #expect(plot.series.map(\.dashed) == [false, true, false])
      #expect(plot.series[1].x == [1, 2, 3] && plot.series[1].y == [4, 3, 2])
      #expect(plot.series[2].x == [1, 2] && plot.series[2].y == [5, 4])
      let unnamed = try PlotBuilder.histories([b, b], labels: nil, log: true)
      #expect(unnamed.series.map(\.name) == ["run 1", "run 2"] && unnamed.logY)
      #expect(throws: RuntimeError.self) {
        try PlotBuilder.histories([a, b], labels: ["only one"], log: false)
      }
      #expect(throws: RuntimeError.self) {
        try PlotBuilder.histories([History(plannedEpochs: 1)], labels: nil, log: false)
      }
    }

    @Test func severalYAreTheRowsOfYOrItsColumns() throws {
      let x = Tensor([0, 1, 2])
      // [y1, y2] stacks the series as rows.
      let rows = try PlotBuilder.several(
        x, Tensor(shape: [2, 3], scalars: [0, 1, 2, 0, 1, 4]), labels: ["x", "x²"])
      #expect(rows.series.map(\.name) == ["x", "x²"])
      #expect(rows.series[0].y == [0, 1, 2] && rows.series[1].y == [0, 1, 4])
      #expect(rows.series.allSatisfy { $0.x == [0, 1, 2] && $0.style == .lines })
      // A [3, 2] y as matplotlib reads it: a series per column.
      let columns = try PlotBuilder.several(
        x, Tensor(shape: [3, 2], scalars: [0, 0, 1, 1, 2, 4]), labels: nil)
      #expect(columns.series.map(\.name) == ["y[0]", "y[1]"])
      #expect(columns.series[1].y == [0, 1, 4])
      #expect(columns.series.map(\.colour) == [0, 1])
      #expect(throws: RuntimeError.self) {
        try PlotBuilder.several(x, Tensor(shape: [2, 2], scalars: [0, 1, 2, 3]), labels: nil)
      }
      #expect(throws: RuntimeError.self) {
        try PlotBuilder.several(
          x, Tensor(shape: [2, 3], scalars: [0, 1, 2, 0, 1, 4]), labels: ["a", "b", "c"])
      }
    }

    @Test func aOneInputModelIsACurveOverTheDataRange() throws {
      // y = 2x + 1 exactly: the curve runs from x = -1 to x = 2 through y = -1 … 5.
      let model = try Dense(
        1, 1, weight: Tensor(shape: [1, 1], scalars: [2]), bias: Tensor([1]))
      let plot = try PlotBuilder.regression(model, line)
      #expect(plot.kind == .fit)
      #expect(plot.series.map(\.name) == ["data", "model"])
      #expect(plot.series[0].style == .points && plot.series[0].y == [-1, 1, 3, 5])
      let curve = plot.series[1]
      #expect(curve.style == .lines && curve.x.count == PlotBuilder.curvePoints)
      #expect(curve.x.first == -1 && curve.x.last == 2)
      for (x, y) in zip(curve.x, curve.y) { #expect(abs(y - (2 * x + 1)) < 1e-12) }
      // A model with 2 inputs or 2 outputs has no curve over 1-input data.
      #expect(throws: RuntimeError.self) { try PlotBuilder.regression(try Dense(2, 1), line) }
      #expect(throws: RuntimeError.self) { try PlotBuilder.regression(try Dense(1, 2), line) }
    }

    @Test func aUnitIsItsActivationOverThePlane() throws {
      // Unit 1 of tanh([x1, x2] · w' + b) with w row 1 = [1, -2], b1 = 0.5.
      let layer = try Dense(
        2, 2, activation: .tanh, weight: Tensor(shape: [2, 2], scalars: [3, 0, 1, -2]),
        bias: Tensor([0, 0.5]))
      let data = Dataset.xor()
      let plot = try PlotBuilder.unit(layer, data, unit: 1)
      let field = try #require(plot.field)
      let n = PlotBuilder.gridSize
      #expect(field.xs.count == n && field.ys.count == n && field.values.count == n * n)
      // The grid covers 0…1 padded by a tenth.
      #expect(abs(field.xs[0] + 0.1) < 1e-12 && abs(field.ys[n - 1] - 1.1) < 1e-12)
      let zs = try #require(field.line)
      for (r, c) in [(0, 0), (7, 93), (n - 1, 40), (60, n - 1)] {
        let z = field.xs[c] - 2 * field.ys[r] + 0.5
        #expect(abs(field.values[r * n + c] - Foundation.tanh(z)) < 1e-12)
        #expect(abs(zs[r * n + c] - z) < 1e-12)
      }
      #expect(field.centre == 0 && field.lineName == "z = 0")
      #expect(plot.series.map(\.name) == ["class 0", "class 1"])
      // Over one input, a curve of the unit.
      let one = try Dense(
        1, 2, activation: .sigmoid, weight: Tensor(shape: [2, 1], scalars: [1, -1]),
        bias: Tensor([0, 0]))
      let curve = try PlotBuilder.unit(one, line, unit: 1)
      #expect(curve.field == nil && curve.series.count == 1)
      for (x, y) in zip(curve.series[0].x, curve.series[0].y) {
        #expect(abs(y - 1 / (1 + Foundation.exp(x))) < 1e-12)
      }
      // Units are counted from 0 and must exist; the layer must take the data.
      #expect(throws: RuntimeError.self) { try PlotBuilder.unit(layer, data, unit: 2) }
      #expect(throws: RuntimeError.self) { try PlotBuilder.unit(layer, data, unit: -1) }
      #expect(throws: RuntimeError.self) { try PlotBuilder.unit(layer, line, unit: 0) }
      // The palette's middle at the activation's value for z = 0.
      #expect(PlotBuilder.centre(.sigmoid) == 0.5 && PlotBuilder.centre(.softmax) == nil)
      #expect(PlotBuilder.centre(.relu) == 0 && PlotBuilder.centre(.tanh) == 0)
      #expect(PlotBuilder.centre(nil) == 0)
      // Over a model's first layers, z is that of the last weighted layer, before a
      // separate activation layer: relu's line is z = 0 although relu is 0 on its one side.
      let prefix =
        try Dense(
          2, 1, weight: Tensor(shape: [1, 2], scalars: [1, 1]), bias: Tensor([-1]))
        >> ActivationLayer(.relu)
      let relu = try #require(try PlotBuilder.unit(prefix, data, unit: 0).field)
      let (r, c) = (10, 20)
      #expect(relu.line?[r * n + c] == relu.xs[c] + relu.ys[r] - 1)
      #expect(relu.values[r * n + c] == Swift.max(0, relu.xs[c] + relu.ys[r] - 1))
    }

    /// Records the figures fit draws.
    final class FigureContext: Context {
      var live: [Plot] = []
      var shown: [Plot] = []
      var written = ""
      let isTerminal = false
      func write(_ text: String, transient: Bool) { written += text }
      func shouldCancel() -> Bool { false }
      func call(_ function: Function, _ arguments: [Value]) throws -> Value { .none }
      func showLive(_ plot: Plot) throws { live.append(plot) }
      func show(_ plot: Plot, file: String?, size: PlotSize?) throws -> String? {
        shown.append(plot)
        return nil
      }
    }

    /// `fit` called as the interpreter calls it, in `context`.
    func fit(_ positional: [Value], _ keywords: KeyValuePairs<String, Value>, _ context: Context)
      throws
    {
      let builtin = try #require(Builtins.all["fit"])
      let items =
        positional.map { Arguments.Item($0) }
        + keywords.map { Arguments.Item($0.value, label: $0.key) }
      var arguments = try Arguments(binding: items, to: builtin)
      _ = try builtin.implementation(&arguments, context)
    }

    @Test func aLiveBoundaryStartsUntrainedAndEndsAsTheFigure() throws {
      // A stream of its own, seeded as a session is, so that the run is the same every time.
      try RandomGenerator.using(RandomStream(seed: 42)) { try liveBoundary() }
    }

    func liveBoundary() throws {
      let context = FigureContext()
      let net = try Dense(2, 4, activation: .tanh) >> Dense(4, 1, activation: .sigmoid)
      try fit(
        [.layer(net), .dataset(.xor())],
        [
          "opt": .optimizer(try SGD(learningRate: 0.5)), "epochs": num(2000),
          "live": .string("boundary"),
        ], context)
      // The first frame before training, the last after it, which is also the one figure.
      #expect(context.live.count >= 2)
      #expect(context.live.allSatisfy { $0.kind == .boundary })
      #expect(context.shown.count == 1 && context.shown.first == context.live.last)
      #expect(context.live.first?.grid?.classes != context.live.last?.grid?.classes)
      // The figure is the trained model's: its classes at XOR's corners are right.
      #expect(try net.accuracy(on: .xor()) == 1)
      #expect(context.shown.first == (try PlotBuilder.boundary(net, .xor())))
      // A figure that cannot be drawn refuses before training.
      let untouched = try Dense(1, 1)
      let before = untouched.weight.scalars
      #expect(throws: RuntimeError.self) {
        try fit(
          [.layer(untouched), .dataset(try Dataset.line(10))], ["live": .string("boundary")],
          context)
      }
      #expect(untouched.weight.scalars == before)
    }

    @Test func aWideLayerIsComputedInSlicesAndCtrlCStopsIt() throws {
      // 2,000 units: 500 grid points per slice, 29 slices over the 120 × 120 grid. Unit
      // 1,999 has w = [2, -1], b = 0.25; every other unit is zero.
      var w = [Double](repeating: 0, count: 4000)
      w[3998] = 2
      w[3999] = -1
      var b = [Double](repeating: 0, count: 2000)
      b[1999] = 0.25
      let wide = try Dense(
        2, 2000, activation: .sigmoid, weight: Tensor(shape: [2000, 2], scalars: w),
        bias: Tensor(b))
      let field = try #require(try PlotBuilder.unit(wide, .xor(), unit: 1999).field)
      let n = PlotBuilder.gridSize
      for (r, c) in [(0, 0), (4, 19), (69, 33), (n - 1, n - 1)] {
        let z = 2 * field.xs[c] - field.ys[r] + 0.25
        #expect(abs((field.line?[r * n + c] ?? .nan) - z) < 1e-12)
        #expect(abs(field.values[r * n + c] - 1 / (1 + Foundation.exp(-z))) < 1e-12)
      }
      #expect(throws: Interrupted.self) {
        try PlotBuilder.unit(wide, .xor(), unit: 0, shouldCancel: { true })
      }
    }

    @Test func aPerceptronsErrorsPerEpochOnWholeNumbers() throws {
      // AND from zero weights, samples in order, lr 1: worked out by hand (and in numpy:
      // w=[0,0]; b=0; per epoch count samples with t != step(w·x+b), updating w += (t-y)x)
      // as 2, 3, 3, 2, 1, 0 misclassified samples.
      let p = try Perceptron(inputs: 2)
      let result = try p.train(on: .and())
      #expect(result.errorsPerEpoch == [2, 3, 3, 2, 1, 0])
      let plot = try PlotBuilder.errors(result)
      #expect(plot.kind == .errors && plot.wholeNumbers)
      #expect(plot.series[0].x == [1, 2, 3, 4, 5, 6] && plot.series[0].y == [2, 3, 3, 2, 1, 0])
      #expect(plot.series[0].style == .linespoints)
    }
  }
}
