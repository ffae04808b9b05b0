import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  @Suite struct BlockLayerBuiltinTests {
    func requireLayer(_ v: Value) throws -> any Layer {
      try #require(Arguments.asLayer(v))
    }

    @Test func residualTakesABlockAndAShortcut() throws {
      let block = Value.layer(try Dense(4, 4) >> ActivationLayer(.relu))
      let r = try requireLayer(try call("residual", [block]))
      #expect(r.description == "residual(dense 4→4 >> relu)")
      #expect(r.children.map(\.name) == ["block"])
      // An activation stands for its layer.
      #expect(try requireLayer(try call("residual", [fn("tanh")])).description == "residual(tanh)")
      let wide = try requireLayer(
        try call(
          "residual", [try call("dense", [num(4), num(8)])],
          ["shortcut": try call("dense", [num(4), num(8)])]))
      #expect(wide.description == "residual(dense 4→8, shortcut: dense 4→8)")
      #expect(try wide.outputShape(for: [4]) == [8])
      #expect(
        runtimeError("residual", [num(3)])?.message.contains("a model or layer") == true)
      let mismatch = #expect(throws: TensorError.self) {
        try call("residual", [try call("dense", [num(4), num(8)])])
      }
      #expect(mismatch?.message.contains("shortcut: dense(4, 8)") == true)
    }

    @Test func deconvAndUpsampleTakePyTorchsArguments() throws {
      let d = try requireLayer(try call("deconv", [num(8), num(1), num(2)], ["stride": num(2)]))
      #expect(d.description == "deconv 8→1 2×2 stride 2")
      #expect(try d.outputShape(for: [8, 4, 4]) == [1, 8, 8])
      // Given weights [in, out, kh, kw]: x = [[1, 2], [3, 4]] stamped at stride 1, as
      // worked by hand in TransposedConvolutionTests.
      let stamped = try requireLayer(
        try call(
          "deconv", [num(1), num(1), num(2)],
          ["w": .tensor(try Tensor(shape: [1, 1, 2, 2], scalars: [1, 10, 100, 1000]))]))
      let y = try stamped(try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
      #expect(y.scalars == [1, 12, 20, 103, 1234, 2040, 300, 3400, 4000])
      #expect(
        runtimeError("deconv", [num(1), num(1), num(0)])?.message.contains("kernel must be")
          == true)
      #expect(
        runtimeError("deconv", [num(1), num(1), num(2)], ["pad": num(-1)])?.message.contains(
          "pad must be at least 0") == true)
      let up = try requireLayer(try call("upsample", [num(2)]))
      #expect(up.description == "upsample ×2")
      #expect(try up.outputShape(for: [3, 4, 5]) == [3, 8, 10])
      #expect(runtimeError("upsample", [num(0)])?.message.contains("at least 1") == true)
      #expect(runtimeError("upsample", [num(5000)])?.message.contains("1 to 4096") == true)
    }

    /// The block and shortcut are listed beneath the residual's row, indented and named by
    /// their path, as branches are; only the top rows count in the totals.
    @Test func summaryListsTheBlockBeneathItsRow() throws {
      let r = try call(
        "residual", [.layer(try Dense(4, 4, activation: .relu) >> Dense(4, 4))])
      let net = Value.layer(
        Sequential([try Dense(2, 4), try requireLayer(r), try Dense(4, 1)]))
      guard case .text(let table) = try call("summary", [net]) else {
        Issue.record("summary gives text")
        return
      }
      // dense 2→4: 12 weights, 8 multiply-adds; the block's two dense 4→4: 20 and 16 each;
      // dense 4→1: 5 and 4. Totals 57 and 44.
      let expected = [
        "layer                                  output shape  weights  multiply-adds",
        "input                                  [2]",
        "dense 2→4                              [4]                12              8",
        "residual(dense 4→4 relu >> dense 4→4)  [4]                40             32",
        "  block.0: dense 4→4 relu              [4]                20             16",
        "  block.1: dense 4→4                   [4]                20             16",
        "dense 4→1                              [1]                 5              4",
        "total                                                     57             44",
      ].joined(separator: "\n")
      #expect(table == expected, "\(table)")

      let down = try call(
        "residual", [.layer(try Conv(1, 8, kernel: (3, 3), stride: 2, pad: 1))],
        ["shortcut": .layer(try Conv(1, 8, kernel: (1, 1), stride: 2))])
      guard case .text(let image) = try call("summary", [down, vec([1, 8, 8])]) else {
        Issue.record("summary gives text")
        return
      }
      let rows = image.split(separator: "\n").map(String.init)
      #expect(
        rows[3].hasPrefix("  block: conv 1→8 3×3 stride 2 pad 1") && rows[3].contains("[8, 4, 4]"))
      #expect(
        rows[4].hasPrefix("  shortcut: conv 1→8 1×1 stride 2") && rows[4].contains("[8, 4, 4]"))
    }
  }
}

extension LanguageTests.BlockLayerBuiltinTests {
  @Test func aResidualNamesItsBlockAndShortcut() throws {
    let block = try Dense(4, 8) >> ActivationLayer(.tanh)
    let shortcut = try Dense(4, 8)
    let r = Value.layer(try Residual(block, shortcut: shortcut))
    #expect(memberNames(of: r) == ["layers", "params", "block", "shortcut"])
    #expect(try requireLayer(try member(of: r, "block")) === block)
    #expect(try requireLayer(try member(of: r, "shortcut")) === shortcut)
    // Without a shortcut there is none to ask for, and branches are numbered, not named.
    let identity = Value.layer(try Residual(try Dense(4, 4)))
    #expect(memberNames(of: identity) == ["layers", "params", "block"])
    #expect(throws: RuntimeError.self) { try member(of: identity, "shortcut") }
    let branches = Value.layer(try Branches([try Dense(4, 3), try Dense(4, 2)]))
    #expect(memberNames(of: branches) == ["layers", "params"])
  }
}
