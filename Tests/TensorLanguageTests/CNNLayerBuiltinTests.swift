import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  @Suite struct CNNLayerBuiltinTests {
    func layer(_ v: Value) -> (any Layer)? { Arguments.asLayer(v) }

    @Test func lrnTakesThePapersSettings() throws {
      #expect(layer(fn("lrn"))?.description == "lrn(5, alpha: 0.0001, beta: 0.75, k: 2)")
      #expect(layer(try call("lrn"))?.description == "lrn(5, alpha: 0.0001, beta: 0.75, k: 2)")
      let custom = try call("lrn", [num(3)], ["alpha": num(0.5), "beta": num(1), "k": num(1)])
      #expect(layer(custom)?.description == "lrn(3, alpha: 0.5, beta: 1, k: 1)")
      #expect(
        Builtins.all["lrn"]?.summary.contains("PyTorch's and Caffe's alpha is size times") == true)
      #expect(runtimeError("lrn", [num(0)])?.message.contains("size must be at least 1") == true)
      #expect(
        runtimeError("lrn", [], ["k": num(0)])?.message.contains("k must be a positive") == true)
      #expect(
        runtimeError("lrn", [], ["alpha": num(-1)])?.message.contains("alpha must be") == true)
      #expect(
        runtimeError("lrn", [], ["beta": num(.nan)])?.message.contains("beta must be") == true)
    }

    @Test func dropoutRefusesAPOfOne() throws {
      #expect(layer(try call("dropout", [num(0.5)]))?.description == "dropout(0.5)")
      let one = runtimeError("dropout", [num(1)])?.message ?? ""
      #expect(one.contains("less than 1, not 1") && one.contains("would drop everything"), "\(one)")
      #expect(runtimeError("dropout", [num(-0.5)])?.message.contains("not -0.5") == true)
      #expect(runtimeError("dropout", [])?.message.contains("missing its argument p") == true)
    }

    @Test func globalAvgpoolIsALayerByItsName() throws {
      #expect(layer(fn("global_avgpool"))?.description == "global_avgpool")
      #expect(layer(try call("global_avgpool"))?.description == "global_avgpool")
    }

    @Test func branchesTakesLayersAndModels() throws {
      let a = try call("dense", [num(4), num(3)])
      let relu = try requireLayer(fn("relu"))
      let b = Value.layer(try Dense(4, 2) >> relu)
      let joined = try call("branches", [a, b])
      #expect(layer(joined)?.description == "branches(dense 4→3, dense 4→2 >> relu)")
      #expect(layer(try call("branches", [.tuple([a, b])]))?.children.count == 2)
      #expect(
        runtimeError("branches", [a, num(3)])?.message
          == "branches: branch 1 must be a layer or model, not a number")
      #expect(runtimeError("branches")?.message.contains("at least one branch") == true)
    }

    func requireLayer(_ v: Value) throws -> any Layer {
      try #require(Arguments.asLayer(v))
    }

    /// The branches' layers are listed beneath their row, indented and named by their path;
    /// only the top rows count in the totals.
    @Test func summaryListsTheBranchesBeneathTheirRow() throws {
      let branches = try call(
        "branches",
        [try call("dense", [num(4), num(3)]), .layer(try Dense(4, 2) >> ActivationLayer(.relu))])
      let net = Value.layer(
        Sequential([try Dense(3, 4), try requireLayer(branches), try Dense(5, 1)]))
      guard case .text(let table) = try call("summary", [net]) else {
        Issue.record("summary gives text")
        return
      }
      // dense 3→4: 16 weights, 12 multiply-adds; the branches: 4·3 + 3 = 15 and 12, 4·2 + 2
      // = 10 and 8, together 25 and 20; dense 5→1: 6 and 5. Totals 47 and 37.
      let expected = [
        "layer                                   output shape  weights  multiply-adds",
        "input                                   [3]",
        "dense 3→4                               [4]                16             12",
        "branches(dense 4→3, dense 4→2 >> relu)  [5]                25             20",
        "  0: dense 4→3                          [3]                15             12",
        "  1.0: dense 4→2                        [2]                10              8",
        "  1.1: relu                             [2]                 0              0",
        "dense 5→1                               [1]                 6              5",
        "total                                                      47             37",
      ].joined(separator: "\n")
      #expect(table == expected, "\(table)")

      // Branches within a branch: deeper, named by the whole path, as their parameters are.
      let inner = try Branches([ActivationLayer(.relu), ActivationLayer(.tanh)])
      let nested = try Branches([try Dense(2, 3), try Dense(2, 3) >> inner])
      guard case .text(let deep) = try call("summary", [.layer(nested)]) else { return }
      let rows = deep.split(separator: "\n").map(String.init)
      #expect(rows.count == 9)
      #expect(rows[2].hasPrefix("branches(dense 2→3, dense 2→3 >> branches(relu, tanh))  [9]"))
      #expect(rows[5].hasPrefix("  1.1: branches(relu, tanh)") && rows[5].contains("[6]"))
      #expect(rows[6].hasPrefix("    1.1.0: relu") && rows[7].hasPrefix("    1.1.1: tanh"))
      // 2·3 + 3 weights and 6 multiply-adds in each dense branch, once in the total.
      #expect(rows[8].hasPrefix("total") && rows[8].hasSuffix("18             12"))
    }
  }
}
