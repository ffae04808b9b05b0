import NeuralNet
import TensorEngine
import Testing

@Suite struct PerceptronTests {
  @Test(arguments: ["and", "or", "nand"])
  func convergesOnLinearlySeparableGates(name: String) throws {
    let data = try truthTable(name) { a, b in
      switch name {
      case "and": a & b
      case "or": a | b
      default: 1 - (a & b)
      }
    }
    let p = try Perceptron(inputs: 2)
    let result = try p.train(on: data, learningRate: 1, maxEpochs: 100)
    #expect(result.converged)
    #expect(result.misclassified == 0)
    #expect(result.errorsPerEpoch.last == 0)
    #expect(result.convergedAt == result.epochs)
    #expect(try p.predictClasses(data.x) == data.y.scalars.map { Int($0) })
  }

  @Test func reportsFailureOnXor() throws {
    let data = try truthTable("xor") { $0 ^ $1 }
    let p = try Perceptron(inputs: 2)
    let result = try p.train(on: data, maxEpochs: 50)
    #expect(!result.converged)
    #expect(result.epochs == 50)
    // No line separates XOR, so at least one of the four samples stays wrong.
    #expect(result.misclassified >= 1)
    #expect(result.description.hasPrefix("did not converge in 50 epochs"))
  }

  @Test func firstUpdateFollowsRosenblattsRule() throws {
    // From zero weights, step(0) = 1, so the sample (0, 0) with target 0 gives
    // w ← w + η(0 − 1)·(0, 0) = (0, 0) and b ← 0 + η(0 − 1) = −η.
    let data = try Dataset(
      name: "one", x: try Tensor([[0, 0]]), y: try Tensor([[0]]), classes: 2)
    let p = try Perceptron(inputs: 2)
    _ = try p.train(on: data, learningRate: 0.5, maxEpochs: 1)
    #expect(p.weight.scalars == [0, 0])
    #expect(p.bias.scalars == [-0.5])
  }
}
