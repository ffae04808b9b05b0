import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// digits, load_idx, load of an IDX file, confusion and accuracy's top:.
  @Suite struct ImageBuiltinTests {
    let folder: URL = {
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("gb-idx-lang-\(UUID().uuidString)")
      try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      return url
    }()

    /// Two 2×2 images (0…3 and 252…255) labelled 1 and 0.
    func idxFiles() throws -> (String, String) {
      let images = folder.appendingPathComponent("t-images-idx3-ubyte")
      let labels = folder.appendingPathComponent("t-labels-idx1-ubyte")
      try Data([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 2, 3, 252, 253, 254, 255])
        .write(to: images)
      try Data([0, 0, 8, 1, 0, 0, 0, 2, 1, 0]).write(to: labels)
      return (images.path, labels.path)
    }

    @Test func digitsIsADataSetOfImages() throws {
      guard case .dataset(let d) = try call("digits") else {
        Issue.record("not a data set")
        return
      }
      #expect(
        d.description
          == "dataset digits · 1797 samples · x [1797, 1, 8, 8] · y [1797, 1] · 10 classes")
      guard case .dataset(let raw) = try call("digits", [], ["scaled": .bool(false)]) else {
        Issue.record("not a data set")
        return
      }
      #expect(raw.x.scalars.max() == 16)
    }

    @Test func loadIdxReadsImagesAndLabels() throws {
      let (images, labels) = try idxFiles()
      guard case .dataset(let d) = try call("load_idx", [.string(images), .string(labels)]) else {
        Issue.record("not a data set")
        return
      }
      #expect(d.x.shape == [2, 1, 2, 2])
      #expect(d.x.scalars == [0, 1, 2, 3, 252, 253, 254, 255].map { $0 / 255 })
      #expect(d.y.scalars == [1, 0])
      #expect(d.classes == 2)
      let first = try call(
        "load_idx", [.string(images), .string(labels)], ["n": .number(1), "classes": .number(10)])
      guard case .dataset(let one) = first else { return }
      #expect(one.count == 1)
      #expect(one.classes == 10)
    }

    @Test func loadOfAnIdxFileTakesItsImagesForm() throws {
      let (images, labels) = try idxFiles()
      let load = try #require(Builtins.all["load"])
      let items = [Arguments.Item(.string(images)), Arguments.Item(.string(labels))]
      let form = load.form(for: items)
      #expect(form.signature == "load(images, labels, classes: largest label + 1, n: all)")
      var args = try Arguments(binding: items, to: form)
      guard case .dataset(let d) = try form.implementation(&args, TestContext()) else {
        Issue.record("not a data set")
        return
      }
      #expect(d.x.shape == [2, 1, 2, 2])
      // A CSV keeps the CSV form; an IDX file without its labels says what is missing.
      #expect(
        load.form(for: [Arguments.Item(.string("iris.csv"))]).signature == "load(file, target:)")
      let alone = [Arguments.Item(.string(images))]
      #expect(throws: RuntimeError.self) {
        try Arguments(binding: alone, to: load.form(for: alone))
      }
      do {
        _ = try Arguments(binding: alone, to: load.form(for: alone))
      } catch let error as RuntimeError {
        #expect(error.message == "load is missing its argument labels")
      }
    }

    @Test func loadIdxErrorsNameTheFileThatIsWrong() throws {
      let (images, labels) = try idxFiles()
      let swapped = runtimeError("load_idx", [.string(labels), .string(images)])
      #expect(swapped?.message.contains("swapped") == true)
      let missing = runtimeError("load_idx", [.string(images), .string("/nonexistent/l")])
      #expect(missing?.message == "/nonexistent/l: no such file")
    }

    /// A model whose outputs are its inputs, so each sample's scores are chosen directly.
    func identity(_ k: Int) throws -> Value {
      try call(
        "dense", [num(Double(k)), num(Double(k))],
        ["w": .tensor(try Tensor.eye(k)), "b": .tensor(try Tensor.zeros([k]))])
    }

    @Test func accuracyTopKAndConfusionAsValues() throws {
      // The hand-worked example of ClassificationMetricTests: top 1…4 give ¼, ½, ¾, 1.
      let x = try Tensor([
        [0.1, 0.5, 0.3, 0.1], [0.4, 0.3, 0.2, 0.1], [0.2, 0.2, 0.5, 0.1], [0.7, 0.1, 0.1, 0.1],
      ])
      let data = try call(
        "dataset", [.tensor(x), .tensor(Tensor([2, 3, 1, 0]))], ["classes": .number(4)])
      let net = try identity(4)
      for (k, expected) in [(1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0)] {
        #expect(number(try call("accuracy", [net, data], ["top": .number(Double(k))])) == expected)
      }
      #expect(runtimeError("accuracy", [net, data], ["top": .number(0)]) != nil)
      let cm = try call("confusion", [net, data])
      guard case .confusion(let m) = cm else {
        Issue.record("not a confusion matrix: \(cm)")
        return
      }
      // Predicted 1, 0, 2, 0 for labels 2, 3, 1, 0.
      #expect(m.counts == [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0])
      #expect(try member(of: cm, "counts").tensorValue?.shape == [4, 4])
      #expect(number(try member(of: cm, "accuracy")) == 0.25)
      #expect(number(try member(of: cm, "n")) == 4)
      #expect(
        ValueFormatter().format(cm).hasPrefix("confusion · 4 classes · 4 samples · 1 correct"))
    }
  }
}

extension Value {
  fileprivate var tensorValue: Tensor? {
    if case .tensor(let t) = self { return t }
    return nil
  }
}
