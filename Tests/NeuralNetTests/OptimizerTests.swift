import Foundation
import NeuralNet
import TensorEngine
import Testing

@Suite struct OptimizerTests {
  func parameter(_ values: [Double], grad: [Double]) -> Tensor {
    let p = Tensor.parameter(Tensor(values))
    p.grad = Tensor(grad)
    return p
  }

  @Test func sgdStepsAgainstTheGradient() throws {
    let p = parameter([1, -2], grad: [0.5, -1])
    try SGD(learningRate: 0.1).step([p])
    let expected: [Double] = [1 - 0.1 * 0.5, -2 - 0.1 * -1]
    #expect(p.scalars == expected)
  }

  @Test func sgdMomentumAccumulatesVelocity() throws {
    let p = parameter([1], grad: [2])
    let sgd = try SGD(learningRate: 0.1, momentum: 0.9)
    sgd.step([p])  // v = 2, w = 1 − 0.2
    sgd.step([p])  // v = 0.9·2 + 2 = 3.8, w = 0.8 − 0.38
    #expect(abs(p.scalars[0] - 0.42) < 1e-15)
  }

  @Test func sgdWeightDecayAddsLambdaW() throws {
    let p = parameter([2], grad: [0])
    try SGD(learningRate: 0.5, weightDecay: 0.1).step([p])
    #expect(abs(p.scalars[0] - (2 - 0.5 * 0.2)) < 1e-15)
  }

  @Test func adamFirstStepMovesByTheRate() throws {
    // At t = 1, m̂ = g and v̂ = g², so each weight moves by η·g/(|g| + ε) ≈ η·sign(g).
    let p = parameter([1, 1], grad: [0.3, -40])
    let adam = try Adam(learningRate: 0.01)
    adam.step([p])
    #expect(abs(p.scalars[0] - (1 - 0.01 * 0.3 / (0.3 + 1e-8))) < 1e-15)
    #expect(abs(p.scalars[1] - (1 + 0.01 * 40 / (40 + 1e-8))) < 1e-15)
    // Second step with gradient 0.1 on the first weight, worked by the formulas.
    p.grad = Tensor([0.1, 0])
    adam.step([p])
    let m = 0.9 * (0.1 * 0.3) + 0.1 * 0.1
    let v = 0.999 * (0.001 * 0.09) + 0.001 * 0.01
    let mHat = m / (1 - 0.81)
    let vHat = v / (1 - 0.999 * 0.999)
    let expected = 1 - 0.01 * 0.3 / (0.3 + 1e-8) - 0.01 * mHat / (vHat.squareRoot() + 1e-8)
    #expect(abs(p.scalars[0] - expected) < 1e-14)
  }

  @Test func parametersWithoutGradientAreLeftAlone() throws {
    let p = Tensor.parameter(Tensor([3]))
    try SGD(learningRate: 1).step([p])
    try Adam().step([p])
    #expect(p.scalars == [3])
  }

  @Test func plateauDividesAfterPatience() throws {
    let sgd = try SGD(learningRate: 1)
    let schedule = try PlateauSchedule(factor: 0.1, patience: 2)
    let lowered = [1.0, 0.5, 0.6, 0.6, 0.7, 0.4].map {
      schedule.update(loss: $0, optimizer: sgd)
    }
    // Best 0.5 at epoch 2; epochs 3, 4 wait; epoch 5 is the third without improvement.
    #expect(lowered == [false, false, false, false, true, false])
    #expect(abs(sgd.learningRate - 0.1) < 1e-15)
  }
}
