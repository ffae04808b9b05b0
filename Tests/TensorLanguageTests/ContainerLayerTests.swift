import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

/// A test-only layer made of another, `x + block(x)`: the language knows it only through the
/// layer contract.
final class Skip: Layer {
  let block: any Layer

  init(_ block: any Layer) { self.block = block }

  func callAsFunction(_ x: Tensor) throws -> Tensor { try x + block(x) }
  var children: [(name: String, layer: any Layer)] { [("block", block)] }
  var parameters: [Tensor] { block.parameters }
  func outputShape(for inputShape: [Int]) throws -> [Int] { try block.outputShape(for: inputShape) }
  func multiplyAdds(for inputShape: [Int]) throws -> Int { try block.multiplyAdds(for: inputShape) }
  func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    Skip(try block.copy(sharing: &copies))
  }
  var description: String { "skip(\(block))" }
}

extension LanguageTests {
  @Suite struct ContainerLayerTests {
    func model() throws -> (any Layer, Skip) {
      let skip = Skip(try Dense(2, 3, activation: .relu) >> Dense(3, 2))
      return (try skip >> Dense(2, 1), skip)
    }

    @Test func membersSummaryAndNamesReadTheContract() throws {
      let (net, _) = try model()
      #expect(net.layers.count == 2)
      #expect(memberNames(of: .layer(net)) == ["layers", "params"])
      // Its named part is a member, through the contract's `children`.
      #expect(memberNames(of: .layer(net.layers[0])) == ["layers", "params", "block"])
      if case .layer(let block) = try member(of: .layer(net.layers[0]), "block") {
        #expect(block === (net.layers[0] as? Skip)?.block)
      } else {
        Issue.record("no block member")
      }
      #expect(
        (try? member(of: .layer(net.layers[0]), "w")) == nil)
      guard case .tuple(let params) = try member(of: .layer(net), "params") else {
        Issue.record("no params")
        return
      }
      #expect(params.count == 6)
      #expect(
        net.namedParameters.map(\.name) == [
          "0.block.0.w", "0.block.0.b", "0.block.1.w", "0.block.1.b", "1.w", "1.b",
        ])
      // The input width comes from the block's first layer.
      guard case .text(let table) = try call("summary", [.layer(net)]) else {
        Issue.record("no table")
        return
      }
      let rows = table.split(separator: "\n").map(String.init)
      #expect(rows[1].hasPrefix("input") && rows[1].contains("[2]"))
      // 2·3 + 3 + 3·2 + 2 = 17 weights and 6 + 6 = 12 multiply-adds in the skip block.
      #expect(
        rows[2].hasPrefix("skip(model · dense 2→3 relu >> dense 3→2 · 17 parameters)")
          && rows[2].hasSuffix("17             12"))
      #expect(ValueFormatter().format(.layer(net)).contains("skip(model · dense 2→3 relu"))
    }

    @Test func saveWritesWeightsWithoutASpecForALayerThatCannotBeRebuilt() throws {
      let (net, _) = try model()
      let file = temporaryFile("skip.safetensors")
      defer { unlink(file) }
      try call("save", [.layer(net), .string(file)])
      let contents = try SafeTensors.read(file)
      #expect(contents.metadata["gradbook.spec"] == nil)
      #expect(contents.metadata["format"] == "pt")
      #expect(contents.tensors.map(\.name) == net.namedParameters.map(\.name))
      #expect(
        runtimeError("load_model", [.string(file)])?.message.contains("no model spec") == true)
    }
  }
}
