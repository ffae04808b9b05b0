import TensorEngine

/// Stochastic gradient descent with optional momentum and weight decay, as PyTorch writes it:
///
/// ```
/// g ← ∇w + λ w
/// v ← μ v + g
/// w ← w − η v
/// ```
/// With μ = 0 this is plain gradient descent `w ← w − η ∇w`.
public final class SGD: Optimizer {
  public var learningRate: Double
  public let momentum: Double
  public let weightDecay: Double
  private var states = ParameterStates()

  public init(learningRate: Double = 0.01, momentum: Double = 0, weightDecay: Double = 0) throws {
    guard learningRate > 0, learningRate.isFinite else {
      throw TensorError(.argument, "sgd needs a learning rate > 0, not \(learningRate)")
    }
    guard momentum >= 0, momentum < 1 else {
      throw TensorError(.argument, "sgd momentum must be in [0, 1), not \(momentum)")
    }
    guard weightDecay >= 0, weightDecay.isFinite else {
      throw TensorError(.argument, "sgd weight decay must be ≥ 0, not \(weightDecay)")
    }
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
  }

  public func step(_ parameters: [Tensor]) {
    let (lr, mu, wd) = (learningRate, momentum, weightDecay)
    for p in parameters {
      guard let grad = p.grad, grad.count == p.count else { continue }
      let g = grad.scalars
      if mu == 0 {
        p.updateScalars { w in
          for i in 0..<w.count { w[i] -= lr * (g[i] + wd * w[i]) }
        }
      } else {
        let state = states.state(for: p, moments: 1)
        state.first.withUnsafeMutableBufferPointer { v in
          p.updateScalars { w in
            for i in 0..<w.count {
              v[i] = mu * v[i] + g[i] + wd * w[i]
              w[i] -= lr * v[i]
            }
          }
        }
      }
    }
  }

  public var description: String {
    var text = "sgd · lr \(learningRate)"
    if momentum > 0 { text += " · momentum \(momentum)" }
    if weightDecay > 0 { text += " · weight decay \(weightDecay)" }
    return text
  }
}
