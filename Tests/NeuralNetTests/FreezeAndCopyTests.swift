import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

@Suite struct FreezeAndCopyTests {
  typealias Case = CompiledTrainingTests.Case

  func bits(_ tensors: [Tensor]) -> [[UInt64]] { tensors.map { $0.scalars.map(\.bitPattern) } }

  func train(_ c: Case, compiled: Bool) throws -> (net: Sequential, frozen: [[UInt64]]) {
    var g = RandomGenerator(seed: 42)
    let net = try c.model(&g)
    net.layers[0].setFrozen(true)
    let frozen = bits(net.layers[0].parameters)
    let data = try c.data()
    var shuffle = RandomGenerator(seed: 9)
    _ = try Training.fit(
      net, on: data, loss: c.loss, optimizer: try c.optimizer(),
      options: TrainingOptions(
        epochs: c.epochs, batchSize: c.batch, validation: c.validation ? data : nil,
        compiled: compiled),
      using: &shuffle)
    return (net, frozen)
  }

  /// Freezing the first layer of each compiled case: the compiled path still runs (asserted),
  /// the frozen weights stay bitwise as they were on both paths, the rest train, and both
  /// paths end with the same weights.
  @Test(arguments: CompiledTrainingTests.cases) func frozenLayersStayBitwiseOnBothPaths(_ c: Case)
    throws
  {
    var g = RandomGenerator(seed: 42)
    let model = try c.model(&g)
    model.layers[0].setFrozen(true)
    try CompiledTrainingTests.expectCompiles(c, model)

    let graph = try train(c, compiled: false)
    let compiled = try train(c, compiled: true)
    #expect(bits(graph.net.layers[0].parameters) == graph.frozen)
    #expect(bits(compiled.net.layers[0].parameters) == compiled.frozen)
    var g2 = RandomGenerator(seed: 42)
    let untrained = try c.model(&g2).parameters.map(\.scalars)
    let trainedRest = compiled.net.parameters.dropFirst(2).map(\.scalars)
    #expect(Array(untrained.dropFirst(2)) != trainedRest)
    let difference =
      zip(
        graph.net.parameters.flatMap(\.scalars), compiled.net.parameters.flatMap(\.scalars)
      ).map { abs($0 - $1) }.max() ?? .infinity
    #expect(difference < 1e-9)
  }

  @Test func optimizersSkipFrozenParametersAndUnfreezingResumes() throws {
    for optimizer in [try SGD(learningRate: 0.1, momentum: 0.9), try Adam(learningRate: 0.1)]
      as [any Optimizer]
    {
      let p = Tensor.parameter(Tensor([1, 2]))
      p.grad = Tensor([0.5, -0.5])
      p.isFrozen = true
      optimizer.step([p])
      #expect(p.scalars == [1, 2])
      p.isFrozen = false
      optimizer.step([p])
      #expect(p.scalars[0] < 1 && p.scalars[1] > 2)
    }
  }

  @Test func aModelWhollyFrozenIsRefused() throws {
    var g = RandomGenerator(seed: 1)
    let net = try Dense(2, 1, using: &g) >> ActivationLayer(.sigmoid)
    net.setFrozen(true)
    #expect(throws: TensorError.self) {
      var s = RandomGenerator(seed: 2)
      _ = try Training.fit(
        net, on: try truthTable("and") { $0 & $1 }, loss: .mse, optimizer: try SGD(learningRate: 1),
        using: &s)
    }
    let perceptron = try Perceptron(inputs: 2)
    perceptron.setFrozen(true)
    #expect(throws: TensorError.self) {
      _ = try perceptron.train(on: try truthTable("and") { $0 & $1 })
    }
  }

  @Test func aCopyHasItsOwnParametersAndKeepsSharing() throws {
    var g = RandomGenerator(seed: 3)
    let shared = try Dense(2, 2, activation: .tanh, using: &g)
    let net = Sequential([shared, ActivationLayer(.relu), shared, try Dense(2, 1, using: &g)])
    net.layers[3].setFrozen(true)
    let copy = try net.copy()
    #expect(copy.layers.count == 4)
    #expect(copy.layers[0] === copy.layers[2])
    #expect(copy.layers[0] !== shared)
    #expect(bits(copy.parameters) == bits(net.parameters))
    #expect(zip(copy.parameters, net.parameters).allSatisfy { $0 !== $1 && $0.isParameter })
    #expect(copy.parameters.map(\.isFrozen) == net.parameters.map(\.isFrozen))
    #expect(copy.namedParameters.map(\.name) == net.namedParameters.map(\.name))
    // Training the copy leaves the original as it was.
    let before = bits(net.parameters)
    var s = RandomGenerator(seed: 4)
    _ = try Training.fit(
      copy, on: try truthTable("xor") { $0 ^ $1 }, loss: .mse,
      optimizer: try SGD(learningRate: 0.5), options: TrainingOptions(epochs: 5), using: &s)
    #expect(bits(net.parameters) == before)
    #expect(bits(copy.parameters) != before)

    let perceptron = try Perceptron(inputs: 2)
    try perceptron.weight.assign(Tensor([[1, -2]]))
    let twin = try perceptron.copy()
    #expect(twin.parameters.map(\.scalars) == [[1, -2], [0]])
    #expect(twin.parameters[0] !== perceptron.weight)
  }
}
