import Foundation
import NeuralNet
import TensorEngine
import Testing

/// The lecture's backpropagation example, worked forward and backward.
@Suite struct WorkedExampleTests {
  /// Inputs (1, 2); hidden h1 = relu(1·w1 + 2·w2 + w3), h2 = relu(1·w4 + 2·w5 + w6) with
  /// w1…w6 = −1, −0.5, 2.1, 1, 2, −4. Output weights chosen so that the net inputs of the
  /// logistic outputs are −0.5 = 1·0.1 − 0.6·1 and 2 = 2·0.1 + 1.8·1.
  let hidden: Dense
  let output: Dense
  let model: Sequential
  let input = Tensor([1, 2])
  let target = Tensor([0.1, 0.7])

  init() throws {
    hidden = try Dense(
      2, 2, activation: .relu, weight: try Tensor([[-1, -0.5], [1, 2]]), bias: Tensor([2.1, -4]))
    output = try Dense(
      2, 2, activation: .sigmoid, weight: try Tensor([[1, -0.6], [2, 1.8]]), bias: Tensor([0, 0]))
    model = hidden >> output
  }

  @Test func hiddenLayerGivesPointOneAndOne() throws {
    let h = try hidden(input)
    #expect(h.shape == [2])
    #expect(abs(h.scalars[0] - 0.1) < 1e-12)
    #expect(abs(h.scalars[1] - 1) < 1e-12)
  }

  @Test func outputsAndTotalErrorMatchTheLecture() throws {
    let out = try model(input)
    // The lecture's values to 5 places.
    #expect((out.scalars[0] * 1e5).rounded() / 1e5 == 0.37754)
    #expect((out.scalars[1] * 1e5).rounded() / 1e5 == 0.88080)
    #expect(abs(out.scalars[1] - 0.88079) < 1e-5)
    let error = try Loss.mse(out, target).item()
    #expect(abs(error - 0.0548582031) < 1e-9)
    #expect((error * 1e6).rounded() / 1e6 == 0.054858)
  }

  @Test func gradientOfW7MatchesTheChainRule() throws {
    let out = try model(input)
    let error = try Loss.mse(out, target)
    try error.backward()
    // E = ½[(o1 − t1)² + (o2 − t2)²], o1 = σ(net1), net1 = W7·h1 + W8·h2 + b.
    // ∂E/∂W7 = ∂E/∂o1 · ∂o1/∂net1 · ∂net1/∂W7 = (o1 − t1) · o1(1 − o1) · h1.
    let o1 = sigmoid(-0.5)
    let byHand = (o1 - 0.1) * o1 * (1 - o1) * 0.1
    let w7 = try #require(output.weight.grad).scalars[0]
    #expect(abs(w7 - byHand) < 1e-12)
    // And one step of gradient descent with η = 0.5 moves W7 by −η · ∂E/∂W7.
    let sgd = try SGD(learningRate: 0.5)
    sgd.step(model.parameters)
    #expect(abs(output.weight.scalars[0] - (1 - 0.5 * byHand)) < 1e-12)
  }
}
