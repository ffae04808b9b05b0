import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// The lecture's model table, printed from the four models (counts worked out in
  /// `ModelZooTests`).
  @Suite struct ZooBuiltinTests {
    /// The table's lines with their cells split on runs of spaces.
    func cells(_ value: Value) throws -> [[String]] {
      guard case .text(let table) = value else {
        Issue.record("summary gave no table")
        return []
      }
      return table.split(separator: "\n").map { line in
        line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      }
    }

    @Test func theFourModelsSideBySideGiveTheLecturesRows() throws {
      let models = try ["alexnet", "vgg16", "googlenet", "nin"].map { try call($0) }
      let rows = try cells(call("summary", [.tuple(models)]))
      let expected: [[String]] = [
        ["AlexNet", "VGG-16", "GoogLeNet", "NIN"],
        [
          "input", "[3,", "227,", "227]", "[3,", "224,", "224]", "[3,", "224,", "224]", "[3,",
          "224,", "224]",
        ],
        ["conv", "layers", "5", "13", "21", "12"],
        ["conv", "weights", "3,747,200", "14,714,688", "5,973,552", "7,595,176"],
        [
          "conv", "multiply-adds", "1,076,634,144", "15,346,630,656", "1,581,647,872",
          "1,100,188,800",
        ],
        ["FC", "layers", "3", "3", "1", "0"],
        ["FC", "weights", "58,631,144", "123,642,856", "1,025,000", "0"],
        ["FC", "multiply-adds", "58,621,952", "123,633,664", "1,024,000", "0"],
        ["total", "weights", "62,378,344", "138,357,544", "6,998,552", "7,595,176"],
        [
          "total", "multiply-adds", "1,135,256,096", "15,470,264,320", "1,582,671,872",
          "1,100,188,800",
        ],
      ]
      #expect(rows == expected)
      // Nothing was drawn to print it.
      for case .layer(let model) in models { #expect(!model.parametersMaterialized) }
    }

    @Test func aSummaryOfOneImageModelSplitsItsTotals() throws {
      let rows = try cells(call("summary", [call("alexnet", [], ["groups": num(2)])]))
      #expect(rows.first == ["layer", "output", "shape", "weights", "multiply-adds"])
      #expect(
        rows.contains([
          "AlexNet", "(2", "GPUs)", "input", "[3,", "227,", "227]", "[3,", "227,", "227]", "0", "0",
        ]))
      // Two towers halve the MACs of conv 2, 4 and 5: 105,415,200 + 447,897,600 / 2 +
      // 149,520,384 + 224,280,576 / 2 + 149,520,384 / 2 = 665,784,864.
      #expect(rows.contains(["total", "60,965,224", "724,406,816"]))
      let conv = try #require(rows.first { $0.first == "conv" && $0.contains("deep") })
      #expect(conv == ["conv", "5", "layers", "deep", "2,334,080", "665,784,864"])
      let fc = try #require(rows.first { $0.first == "FC" })
      #expect(fc == ["FC", "3", "layers", "deep", "58,631,144", "58,621,952"])
    }

    @Test func inputDeclaresTheShapeSummaryUses() throws {
      let net = try call("input", [vec([1, 8, 8])])
      guard case .layer(let layer) = net else {
        Issue.record("input gave no layer")
        return
      }
      #expect(layer.declaredInput == DeclaredInput(shape: [1, 8, 8], name: nil))
      #expect(runtimeError("input", [vec([1, 0, 8])])?.message.contains("at least 1") == true)
      let model = Sequential([layer, try Conv(1, 2, kernel: (3, 3)), Flatten()])
      let rows = try cells(call("summary", [.layer(model)]))
      #expect(rows.contains(["flatten", "[72]", "0", "0"]))
      #expect(throws: TensorError.self) { try call("alexnet", [], ["groups": num(4)]) }
      #expect(runtimeError("vgg16", [], ["classes": num(0)])?.message.contains("classes") == true)
    }

    /// `save` of a model never run draws its weights (the ones it would start from) and
    /// writes them; `load_model` rebuilds the model, its declared input and pad included.
    @Test func aModelNotYetRunSavesItsFirstWeightsAndLoads() throws {
      let file = temporaryFile("zoo.safetensors")
      defer { unlink(file) }
      let net = Sequential([
        try Input([1, 8, 8], name: "tiny"), try Conv(1, 2, kernel: (3, 3)),
        try MaxPool(3, stride: 1, pad: 1), Flatten(), try Dense(72, 3, activation: .softmax),
      ])
      #expect(!net.parametersMaterialized)
      try call("save", [.layer(net), .string(file)])
      #expect(net.parametersMaterialized)
      guard case .layer(let loaded) = try call("load_model", [.string(file)]) else {
        Issue.record("load_model gave no model")
        return
      }
      #expect(loaded.declaredInput == DeclaredInput(shape: [1, 8, 8], name: "tiny"))
      #expect(loaded.description == net.description)
      let x = try Tensor.randn([2, 1, 8, 8])
      #expect(
        try loaded(x).scalars.map(\.bitPattern) == (try net(x)).scalars.map(\.bitPattern))
    }

    @Test func maxpoolTakesAPadOfAtMostHalfItsSize() throws {
      guard case .layer(let pool) = try call("maxpool", [num(3), num(1)], ["pad": num(1)]) else {
        Issue.record("maxpool gave no layer")
        return
      }
      #expect(try pool.outputShape(for: [4, 7, 7]) == [4, 7, 7])
      #expect("\(pool)" == "maxpool 3×3 stride 1 pad 1")
      #expect(try LayerSpec.decode(pool.spec.json).build().description == "\(pool)")
      let message = runtimeError("maxpool", [num(3)], ["pad": num(2)])?.message ?? ""
      #expect(message.contains("at most half"))
    }
  }
}
