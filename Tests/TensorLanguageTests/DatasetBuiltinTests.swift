import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// `dataset(x, y, classes:)`, `load(file, target: [...])` and `flatten` as the language
  /// offers them, and what cannot take samples that are not rows.
  @Suite struct DatasetBuiltinTests {
    static func dataset(_ v: Value) -> Dataset? {
      if case .dataset(let d) = v { return d }
      return nil
    }

    @Test func aDataSetFromListsWithClasses() throws {
      let p = Program()
      let d = try #require(
        Self.dataset(
          try p.run("d = dataset([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], classes: 2)")))
      #expect(d.description == "dataset data · 4 samples · x [4, 2] · y [4, 1]")
      #expect(d.y.scalars == [0, 1, 1, 0] && d.classes == 2)
      #expect(matches(try p.run("d.classes"), [], [2]))
      #expect(matches(try p.run("d.x"), [4, 2], [0, 0, 0, 1, 1, 0, 1, 1]))
      #expect(matches(try p.run("d.n"), [], [4]))
      #expect(memberNames(of: .dataset(d)) == ["x", "y", "n", "classes"])
      let named = try #require(
        Self.dataset(try p.run("dataset(d.x, d.y, classes: 3, name: \"gates\")")))
      #expect(named.description == "dataset gates · 4 samples · x [4, 2] · y [4, 1] · 3 classes")
    }

    /// The rows are u, v, u + v and −u for u = (1, 0, 1, 0), v = (0, 1, 0, −1): a plane that
    /// 2 hidden units can hold, so the reconstruction error must fall well below its start.
    @Test func anAutoencodersDataSetHasItsInputsAsTargets() throws {
      let p = Program()
      try p.run("x = [[1, 0, 1, 0], [0, 1, 0, -1], [1, 1, 1, -1], [-1, 0, -1, 0]]")
      let d = try #require(Self.dataset(try p.run("a = dataset(x, x)")))
      #expect(d.classes == nil && d.y.shape == [4, 4] && d.y.scalars == d.x.scalars)
      #expect(memberNames(of: .dataset(d)) == ["x", "y", "n"])
      #expect(p.error("a.classes") == "data is a regression data set; it has no classes")
      try p.run("h = fit(dense(4, 2, tanh) >> dense(2, 4), a, opt: adam(lr: 0.05), epochs: 300)")
      guard case .tensor(let loss) = try p.run("h.loss") else {
        Issue.record("the history has no losses")
        return
      }
      #expect(loss.count == 300)
      #expect(loss.scalars[299] < loss.scalars[0] / 10)
    }

    @Test func badDataSetsAreErrorsThatSayWhy() {
      let p = Program()
      #expect(
        p.error("dataset([1, 2], [1, 2, 3])")
          == "x has 2 samples but y has 3 (y is [3]): give one target per sample")
      #expect(
        p.error("dataset([1, 2, 3], [0, 0.5, 1], classes: 2)")
          == "label 0.5 of sample 1 is not a class 0…1: with classes: 2, y holds whole numbers "
          + "from 0 to 1")
      #expect(p.error("dataset([], [])") == "x has no samples: a data set needs at least one")
      #expect(p.error("dataset(3, 3)")?.hasPrefix("x needs one sample per row") == true)
      #expect(p.error("dataset([1, 2], [1, 2], classes: 0)")?.contains("at least 1") == true)
      #expect(p.error("dataset([1, 2], \"y\")")?.contains("y must be a tensor") == true)
    }

    @Test func flattenIsALayerInAModelAndAFunctionOnATensor() throws {
      let p = Program()
      guard case .layer(let net) = try p.run("net = flatten >> dense(4, 2, softmax)") else {
        Issue.record("flatten >> dense is no model")
        return
      }
      #expect(net.description == "model · flatten >> dense 4→2 softmax · 10 parameters")
      #expect(try net.outputShape(for: [2, 2]) == [2])
      #expect(matches(try p.run("flatten([[1, 2], [3, 4]])"), [4], [1, 2, 3, 4]))
      #expect(Arguments.asLayer(fn("flatten"))?.description == "flatten")
      #expect(Builtins.all["flatten"]?.group == "layers")
      #expect(Arguments.asLayer(fn("reshape")) == nil)
    }

    /// 6 samples of 2×2, their class the larger of x[0][0] and x[1][1]: the model trains,
    /// predicts and scores them, and what draws inputs on a plane says it cannot.
    @Test func imageLikeSamplesTrainPredictAndSplit() throws {
      let p = Program()
      try p.run(
        "x = reshape([3, 0, 0, 1, 0, 1, 1, 4, 2, 0, 0, 1, 1, 0, 0, 3, 5, 1, 1, 0, 0, 0, 0, 2], 6, 2, 2)"
      )
      try p.run("d = dataset(x, [0, 1, 0, 1, 0, 1], classes: 2)")
      try p.run("net = flatten >> dense(4, 2, softmax)")
      try p.run("h = fit(net, d, loss: cross_entropy, opt: sgd(lr: 0.5), epochs: 200)")
      #expect(matches(try p.run("h.epochs"), [], [200]))
      #expect(matches(try p.run("accuracy(net, d)"), [], [1]))
      guard case .tensor(let out) = try p.run("predict(net, d)") else {
        Issue.record("predict gave no tensor")
        return
      }
      #expect(out.shape == [6, 2])
      guard case .tuple(let parts) = try p.run("split(d, 0.5)"), parts.count == 2,
        let train = Self.dataset(parts[0])
      else {
        Issue.record("split gave no pair of data sets")
        return
      }
      #expect(train.x.shape == [3, 2, 2] && train.y.shape == [3, 1])
      #expect(
        p.error("plot(net, d)")
          == "a decision boundary needs data with 2 inputs; data has samples of shape [2, 2]")
      #expect(
        p.error("fit(dense(4, 2, softmax), d, loss: cross_entropy)")?.hasSuffix(
          "put flatten before it to make each sample of [2, 2] a row of 4 "
            + "(flatten >> dense(4, …))") == true)
    }

    /// Figures over the inputs, and the perceptron rule, need rows; each says what it got.
    @Test func whatNeedsRowsSaysSo() throws {
      let p = Program()
      try p.run("d = dataset(zeros(4, 2, 2), [0, 1, 1, 0], classes: 2, name: \"squares\")")
      #expect(
        p.error("plot(d)")
          == "plot(data) draws 2-input classification or 1-input regression data; squares has "
          + "samples of shape [2, 2]")
      #expect(
        p.error("plot(flatten >> dense(4, 3), d, unit: 0)")
          == "plot(layer, data, unit: k) draws a unit over 1 or 2 inputs; squares has "
          + "samples of shape [2, 2]")
      #expect(
        p.error("fit(perceptron(4), d)")
          == "perceptron 4→1 step has 4 inputs but squares has samples of shape [2, 2]")
      try p.run("two = dataset([1, 2, 3], [[1, 2], [3, 4], [5, 6]])")
      #expect(
        p.error("plot(two)")
          == "plot(data) draws 2-input classification or 1-input regression data; data has "
          + "1 input but 2 targets per sample")
      // A mask of one truth value per sample still picks samples.
      guard case .dataset(let ones) = try p.run("d[d.y == 1]") else {
        Issue.record("a mask picked no data set")
        return
      }
      #expect(ones.x.shape == [2, 2, 2] && ones.y.scalars == [1, 1])
    }

    @Test func loadTakesSeveralTargetColumns() throws {
      let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("gradbook-load-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      let path = directory.appendingPathComponent("m.csv").path
      try "a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n".write(
        toFile: path, atomically: true, encoding: .utf8)
      let d = try #require(
        Self.dataset(
          try call("load", [.string(path)], ["target": .tuple([.string("d"), .string("b")])])))
      #expect(d.x.shape == [3, 2] && d.x.scalars == [1, 3, 5, 7, 9, 11])
      #expect(d.y.shape == [3, 2] && d.y.scalars == [4, 2, 8, 6, 12, 10])
      #expect(d.classes == nil)
      let single = try #require(
        Self.dataset(try call("load", [.string(path)], ["target": .string("a")])))
      #expect(single.y.shape == [3, 1] && single.x.shape == [3, 3])
      let p = Program()
      #expect(
        p.error("load(\"\(path)\", target: [])")
          == "load: target: names no column; give at least one")
      #expect(
        p.error("load(\"\(path)\", target: 3)")
          == "load: target: is a column name (\"y\") or a list of them ([\"a\", \"b\"]), not a number"
      )
      #expect(
        p.error("load(\"\(path)\", target: [\"d\", \"d\"])")
          == "target: names \"d\" twice; name each target column once")
    }
  }
}
