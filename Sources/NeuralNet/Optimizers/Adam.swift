import Foundation
import TensorEngine

/// Adam (Kingma and Ba, 2015), with bias-corrected moment estimates:
///
/// ```
/// m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
/// m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
/// w ← w − η m̂ / (√v̂ + ε)
/// ```
public final class Adam: Optimizer {
  public var learningRate: Double
  public let beta1: Double
  public let beta2: Double
  public let epsilon: Double
  var states = ParameterStates()

  public init(
    learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8
  ) throws {
    guard learningRate > 0, learningRate.isFinite else {
      throw TensorError(.argument, "adam needs a learning rate > 0, not \(learningRate)")
    }
    guard (0..<1).contains(beta1), (0..<1).contains(beta2) else {
      throw TensorError(.argument, "adam needs betas in [0, 1), not \(beta1) and \(beta2)")
    }
    guard epsilon > 0 else {
      throw TensorError(.argument, "adam needs epsilon > 0, not \(epsilon)")
    }
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
  }

  public func step(_ parameters: [Tensor]) {
    for p in parameters where !p.isFrozen {
      guard let grad = p.grad, grad.count == p.count else { continue }
      let state = states.state(for: p, moments: 2)
      state.steps += 1
      grad.scalars.withUnsafeBufferPointer { g in
        state.first.withUnsafeMutableBufferPointer { m in
          state.second.withUnsafeMutableBufferPointer { v in
            p.updateScalars { w in
              let count = w.count
              guard let w = w.baseAddress, let g = g.baseAddress, let m = m.baseAddress,
                let v = v.baseAddress
              else { return }
              update(w, g, m, v, count: count, step: state.steps)
            }
          }
        }
      }
    }
  }

  /// Update number `step` (from 1) of `count` weights and their moments; `step` and the
  /// compiled training loop share it.
  @inline(__always)
  func update(
    _ w: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>,
    _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>, count: Int, step: Int
  ) {
    let (lr, b1, b2, eps) = (learningRate, beta1, beta2, epsilon)
    let c1 = 1 - pow(b1, Double(step))
    let c2 = 1 - pow(b2, Double(step))
    for i in 0..<count {
      m[i] = b1 * m[i] + (1 - b1) * g[i]
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
      w[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
    }
  }

  public func compiled(for layout: ParameterLayout) -> (any CompiledOptimizer)? {
    Compiled(self, layout)
  }

  /// The update over a parameter buffer, with the moments in buffers of their own and each
  /// parameter's step count.
  final class Compiled: CompiledOptimizer {
    private let adam: Adam
    private let layout: ParameterLayout
    private let states: [ParameterState]
    private let first: MomentBuffer
    private let second: MomentBuffer
    private var steps: [Int]

    init(_ adam: Adam, _ layout: ParameterLayout) {
      self.adam = adam
      self.layout = layout
      states = layout.parameters.map { adam.states.state(for: $0, moments: 2) }
      first = MomentBuffer(states, layout, \.first)
      second = MomentBuffer(states, layout, \.second)
      steps = states.map(\.steps)
    }

    func update(_ weights: UnsafeMutablePointer<Double>, _ gradients: UnsafePointer<Double>) {
      for i in layout.offsets.indices where !layout.frozen[i] {
        steps[i] += 1
        let o = layout.offsets[i]
        adam.update(
          weights + o, gradients + o, first.values + o, second.values + o,
          count: layout.parameters[i].count, step: steps[i])
      }
    }

    func store() {
      first.store()
      second.store()
      for (state, steps) in zip(states, steps) { state.steps = steps }
    }
  }

  public var description: String { "adam · lr \(learningRate)" }
}
