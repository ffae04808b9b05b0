import NeuralNet
import Testing

struct DatasetLogicGateTests {
  static let inputs: [Double] = [0, 0, 0, 1, 1, 0, 1, 1]

  @Test(arguments: [
    (LogicGate.xor, [0.0, 1, 1, 0]),
    (LogicGate.and, [0.0, 0, 0, 1]),
    (LogicGate.or, [0.0, 1, 1, 1]),
    (LogicGate.nand, [1.0, 1, 1, 0]),
  ])
  func gateTruthTable(_ kind: LogicGate, _ expected: [Double]) {
    let data = Dataset.gate(kind)
    #expect(data.x.shape == [4, 2])
    #expect(data.y.shape == [4, 1])
    #expect(data.x.scalars == Self.inputs)
    #expect(data.y.scalars == expected)
    #expect(data.classes == 2)
    #expect(data.name == kind.rawValue)
  }

  @Test func namedConstructorsMatchTheirGates() {
    let made = [Dataset.xor(), Dataset.and(), Dataset.or(), Dataset.nand()]
    #expect(made.map(\.name) == ["xor", "and", "or", "nand"])
    #expect(made.map(\.y.scalars) == [[0, 1, 1, 0], [0, 0, 0, 1], [0, 1, 1, 1], [1, 1, 1, 0]])
    #expect(made.allSatisfy { $0.x.scalars == Self.inputs })
  }

  @Test func gateFunctions() {
    #expect(LogicGate.xor(true, false) && !LogicGate.xor(true, true))
    #expect(LogicGate.nand(false, false) && !LogicGate.nand(true, true))
  }
}
