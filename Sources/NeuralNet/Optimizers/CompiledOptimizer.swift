import TensorEngine

/// Where compiled training keeps the parameters: one flat buffer, parameter i at
/// `offsets[i]`, their gradients at the same offsets of a second buffer.
public struct ParameterLayout {
  public let parameters: [Tensor]
  public let offsets: [Int]
  /// The number of values of all parameters.
  public let count: Int
  /// Whether each parameter is frozen, fixed when compiled: the update skips it.
  public let frozen: [Bool]

  public init(_ parameters: [Tensor]) {
    var offsets: [Int] = []
    var total = 0
    for p in parameters {
      offsets.append(total)
      total += p.count
    }
    self.parameters = parameters
    self.offsets = offsets
    count = total
    frozen = parameters.map(\.isFrozen)
  }
}

/// An optimizer's in-place update over the buffers of a `ParameterLayout`, for compiled
/// training: the same arithmetic as its `step`, with its running state (moments, step
/// counts) in buffers of its own while training runs.
public protocol CompiledOptimizer: AnyObject {
  /// One update of every unfrozen parameter from its gradient.
  func update(_ weights: UnsafeMutablePointer<Double>, _ gradients: UnsafePointer<Double>)

  /// Writes the running state back into the optimizer, as its `step` would have left it.
  func store()
}

/// One moment of every parameter's state (momentum's velocity, Adam's m or v), side by side
/// in one buffer laid out as the parameters are.
final class MomentBuffer {
  let values: UnsafeMutablePointer<Double>
  private let states: [ParameterState]
  private let layout: ParameterLayout
  private let moment: ReferenceWritableKeyPath<ParameterState, [Double]>

  /// The moments the states hold now.
  init(
    _ states: [ParameterState], _ layout: ParameterLayout,
    _ moment: ReferenceWritableKeyPath<ParameterState, [Double]>
  ) {
    self.states = states
    self.layout = layout
    self.moment = moment
    values = .allocate(capacity: Swift.max(1, layout.count))
    values.initialize(repeating: 0, count: Swift.max(1, layout.count))
    for (i, state) in states.enumerated() {
      for (j, value) in state[keyPath: moment].enumerated() {
        values[layout.offsets[i] + j] = value
      }
    }
  }

  deinit { values.deallocate() }

  /// Writes the moments back into the states.
  func store() {
    for (i, state) in states.enumerated() {
      let o = layout.offsets[i]
      state[keyPath: moment].withUnsafeMutableBufferPointer { m in
        for j in m.indices { m[j] = values[o + j] }
      }
    }
  }
}
