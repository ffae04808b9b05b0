import Foundation
import NeuralNet
import TensorEngine
import Testing

@Suite struct RegressionTests {
  @Test func linearRegressionRecoversSlopeAndIntercept() throws {
    var g = RandomGenerator(seed: 3)
    let data = try Dataset.line(200, slope: 2, intercept: 1, noise: 0.1, using: &g)
    let model = try Dense(1, 1, using: &g)
    let history = try Training.fit(
      model, on: data, loss: .mse, optimizer: SGD(learningRate: 0.2),
      options: TrainingOptions(epochs: 1000), using: &g)
    let slope = model.weight.scalars[0]
    let intercept = model.bias.scalars[0]

    // Ordinary least squares, worked out in closed form from the same samples.
    let xs = data.x.scalars
    let ys = data.y.scalars
    let n = Double(xs.count)
    let mx = xs.reduce(0, +) / n
    let my = ys.reduce(0, +) / n
    let sxy = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
    let sxx = xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
    let olsSlope = sxy / sxx
    let olsIntercept = my - olsSlope * mx
    #expect(abs(slope - olsSlope) < 1e-6)
    #expect(abs(intercept - olsIntercept) < 1e-6)

    // Within the noise of the true line: the slope's standard error is about
    // 0.1 / √(Σ(x − x̄)²) ≈ 0.012 here, the intercept's about 0.1 / √200 ≈ 0.007.
    #expect(abs(slope - 2) < 0.05)
    #expect(abs(intercept - 1) < 0.03)
    // The remaining loss is the noise variance, 0.1² = 0.01.
    #expect(abs(history.loss.last! - 0.01) < 0.003)
  }
}
