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
  var states = ParameterStates()

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
    for p in parameters where !p.isFrozen {
      guard let grad = p.grad, grad.count == p.count else { continue }
      let state = momentum == 0 ? nil : states.state(for: p, moments: 1)
      grad.scalars.withUnsafeBufferPointer { g in
        p.updateScalars { w in
          let count = w.count
          guard let w = w.baseAddress, let g = g.baseAddress else { return }
          if let state {
            state.first.withUnsafeMutableBufferPointer { v in
              update(w, g, velocity: v.baseAddress, count: count)
            }
          } else {
            update(w, g, velocity: nil, count: count)
          }
        }
      }
    }
  }

  /// One update of `count` weights from their gradients, with the velocity when there is
  /// momentum; `step` and the compiled training loop share it.
  @inline(__always)
  func update(
    _ w: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>,
    velocity v: UnsafeMutablePointer<Double>?, count: Int
  ) {
    let (lr, mu, wd) = (learningRate, momentum, weightDecay)
    if let v {
      for i in 0..<count {
        v[i] = mu * v[i] + g[i] + wd * w[i]
        w[i] -= lr * v[i]
      }
    } else {
      for i in 0..<count { w[i] -= lr * (g[i] + wd * w[i]) }
    }
  }

  public func compiled(for layout: ParameterLayout) -> (any CompiledOptimizer)? {
    Compiled(self, layout)
  }

  /// The update over a whole parameter buffer, with the velocity in a buffer of its own.
  final class Compiled: CompiledOptimizer {
    private let sgd: SGD
    private let layout: ParameterLayout
    /// The velocities; nil without momentum.
    private let velocities: MomentBuffer?
    /// Their values, held apart so that a step reads a pointer rather than an object.
    private let velocity: UnsafeMutablePointer<Double>?
    private let anyFrozen: Bool

    init(_ sgd: SGD, _ layout: ParameterLayout) {
      self.sgd = sgd
      self.layout = layout
      velocities =
        sgd.momentum == 0
        ? nil
        : MomentBuffer(
          layout.parameters.map { sgd.states.state(for: $0, moments: 1) }, layout, \.first)
      velocity = velocities?.values
      anyFrozen = layout.frozen.contains(true)
    }

    func update(_ weights: UnsafeMutablePointer<Double>, _ gradients: UnsafePointer<Double>) {
      let v = velocity
      // Every parameter gets the same elementwise update, so the whole buffer goes at once
      // unless some are frozen.
      guard anyFrozen else {
        sgd.update(weights, gradients, velocity: v, count: layout.count)
        return
      }
      for i in layout.offsets.indices where !layout.frozen[i] {
        let o = layout.offsets[i]
        sgd.update(
          weights + o, gradients + o, velocity: v.map { $0 + o },
          count: layout.parameters[i].count)
      }
    }

    func store() { velocities?.store() }
  }

  public var description: String {
    var text = "sgd · lr \(learningRate)"
    if momentum > 0 { text += " · momentum \(momentum)" }
    if weightDecay > 0 { text += " · weight decay \(weightDecay)" }
    return text
  }
}
