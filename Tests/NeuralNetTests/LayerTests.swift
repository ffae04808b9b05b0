import Foundation
import NeuralNet
import TensorEngine
import Testing

@Suite struct LayerTests {
  @Test func modelPrintsItsLayersAndParameterCount() throws {
    let net = try Dense(2, 4, activation: .tanh) >> Dense(4, 1, activation: .sigmoid)
    #expect(net.description == "model · dense 2→4 tanh >> dense 4→1 sigmoid · 17 parameters")
    #expect(net.parameterCount == 17)
    #expect(net.layers.count == 2)
    let longer = net >> ActivationLayer(.relu)
    #expect(longer.layers.count == 3)
    #expect(try longer.outputShape(for: [2]) == [1])
    #expect(try net.multiplyAdds(for: [2]) == 2 * 4 + 4 * 1)
  }

  @Test func layersNameTheirParametersAndAModelPrefixesThemByPosition() throws {
    let first = try Dense(2, 4, activation: .tanh)
    let last = try Dense(4, 1)
    let net = (first >> ActivationLayer(.relu)) >> last
    #expect(first.namedParameters.map(\.name) == ["w", "b"])
    #expect(first.namedParameters[0].tensor === first.weight)
    #expect(ActivationLayer(.relu).namedParameters.isEmpty)
    // The activation at position 1 has none, so the last layer's are 2.w and 2.b.
    #expect(net.namedParameters.map(\.name) == ["0.w", "0.b", "2.w", "2.b"])
    #expect(net.namedParameters[3].tensor === last.bias)
    #expect(net.isModel && !first.isModel)
    #expect(net.inputWidth == 2 && last.inputWidth == 4)
    #expect(ActivationLayer(.relu).inputWidth == nil)
    #expect(try Perceptron(inputs: 3).namedParameters.map(\.name) == ["w", "b"])
  }

  @Test func denseComputesActivationOfXWTransposePlusB() throws {
    let layer = try Dense(
      3, 2, activation: .relu, weight: try Tensor([[1, 0, -1], [0.5, 0.5, 0.5]]),
      bias: Tensor([0.5, -3]))
    let x = try Tensor([[1, 2, 3], [4, 5, 6]])
    let y = try layer(x)
    // Row 1: (1 − 3 + 0.5, 3 − 3) = (−1.5, 0) → relu (0, 0); row 2: (−1.5, 7.5 − 3) → (0, 4.5).
    #expect(y.shape == [2, 2])
    #expect(y.scalars == [0, 0, 0, 4.5])
    // A single sample as a vector gives a vector.
    #expect(try layer(Tensor([1, 2, 3])).shape == [2])
  }

  @Test func denseRejectsWeightsOfTheWrongShape() throws {
    let error = #expect(throws: TensorError.self) {
      try Dense(2, 3, weight: try Tensor([[1, 2, 3], [4, 5, 6]]))
    }
    #expect(
      error?.message
        == "dense(2, 3) needs w of shape [3, 2] (one row per output unit), not [2, 3]")
    let wrongInput = #expect(throws: TensorError.self) { try Dense(2, 3)(try Tensor([[1, 2, 3]])) }
    #expect(wrongInput?.message == "dense 2→3 expects input [2] or [batch, 2], not [1, 3]")
  }

  @Test func initializationIsSeededAndScaled() throws {
    var g1 = RandomGenerator(seed: 5)
    var g2 = RandomGenerator(seed: 5)
    let a = try Dense(50, 40, activation: .tanh, using: &g1)
    let b = try Dense(50, 40, activation: .tanh, using: &g2)
    #expect(a.weight.scalars == b.weight.scalars)
    // Xavier uniform: every weight within ±√(6 / 90).
    let bound = (6.0 / 90).squareRoot()
    #expect(a.weight.scalars.allSatisfy { abs($0) <= bound })
    #expect(a.bias.scalars.allSatisfy { $0 == 0 })
    // He normal: standard deviation close to √(2 / fan_in).
    var g3 = RandomGenerator(seed: 6)
    let he = try Dense(200, 200, activation: .relu, using: &g3)
    let w = he.weight.scalars
    let std = (w.map { $0 * $0 }.reduce(0, +) / Double(w.count)).squareRoot()
    #expect(abs(std - (2.0 / 200).squareRoot()) < 0.005)
  }

  @Test func activationsAsFunctionsAndLayers() throws {
    let x = Tensor([-2, 0, 3])
    #expect(try Activation.step(x).scalars == [0, 1, 1])
    #expect(try Activation.sign(x).scalars == [-1, 0, 1])
    #expect(try Activation.relu(x).scalars == [0, 0, 3])
    #expect(try Activation.leakyRelu(slope: 0.1)(x).scalars == [-0.2, 0, 3])
    #expect(try Activation.identity(x).scalars == [-2, 0, 3])
    #expect(
      try Activation.sigmoid(x).scalars.map { ($0 * 1e12).rounded() }
        == [-2.0, 0, 3].map { (sigmoid($0) * 1e12).rounded() })
    #expect(try Activation.tanh(x).scalars == [-2.0, 0, 3].map { tanh($0) })
    let s = try Activation.softmax(x).scalars
    let e = [-2.0, 0, 3].map { exp($0) }
    #expect(maxRelativeError(s, e.map { $0 / e.reduce(0, +) }) < 1e-15)
    #expect(Activation.named("logistic") == .sigmoid)
    #expect(try ActivationLayer(.relu)(x).scalars == [0, 0, 3])
  }

  @Test func layerGradientsMatchFiniteDifferences() throws {
    var g = RandomGenerator(seed: 21)
    let net =
      try Dense(3, 5, activation: .tanh, using: &g) >> Dense(5, 2, activation: .softmax, using: &g)
    let x = try Tensor.randn([4, 3], using: &g)
    let t = try Tensor([[1, 0], [0, 1], [1, 0], [0, 1]])
    func value() throws -> Tensor { try Loss.mse(net(x), t) }
    let analytic = try Tensor.gradients(of: value(), withRespectTo: net.parameters)
    for (p, a) in zip(net.parameters, analytic) {
      let numeric = try numericGradient(of: { try value().item() }, at: p)
      #expect(maxRelativeError(a.scalars, numeric) < 1e-6)
    }
  }

  @Test func zeroGradClearsEveryParameter() throws {
    let net = try Dense(2, 2) >> Dense(2, 1)
    try Loss.mse(net(try Tensor([[1, 2]])), try Tensor([[1]])).backward()
    #expect(net.parameters.allSatisfy { $0.grad != nil })
    net.zeroGrad()
    #expect(net.parameters.allSatisfy { $0.grad == nil })
  }
}
