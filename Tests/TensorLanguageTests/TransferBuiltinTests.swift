import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  @Suite struct TransferBuiltinTests {
    @Test func freezeMarksTheSummaryAndUnfreezeClearsIt() throws {
      let first = try Dense(2, 3)
      let net = Sequential([first, ActivationLayer(.tanh), try Dense(3, 1)])
      try call("freeze", [.layer(first)])
      #expect(net.parameters.map(\.isFrozen) == [true, true, false, false])
      guard case .text(let table) = try call("summary", [.layer(net)]) else {
        Issue.record("summary gave no table")
        return
      }
      let lines = table.split(separator: "\n")
      #expect(lines[2].hasPrefix("dense 2→3 (frozen)"))
      #expect(!lines[4].contains("frozen"))
      try call("unfreeze", [.layer(net)])
      #expect(net.parameters.allSatisfy { !$0.isFrozen })
      #expect(
        runtimeError("freeze", [.layer(ActivationLayer(.relu))])?.message.contains(
          "no parameters to freeze") == true)
    }

    @Test func copyGivesNewParametersWithTheSameValues() throws {
      let net = Sequential([try Dense(2, 3), ActivationLayer(.tanh), try Dense(3, 1)])
      guard let copy = layer(try call("copy", [.layer(net)])) else {
        Issue.record("copy gave no model")
        return
      }
      #expect(copy.parameters.map(\.scalars) == net.parameters.map(\.scalars))
      #expect(zip(copy.parameters, net.parameters).allSatisfy { $0 !== $1 })
      #expect(copy.description == net.description)
    }
  }
}
