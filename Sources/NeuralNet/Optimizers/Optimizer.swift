import TensorEngine

/// Updates parameters in place from their gradients.
public protocol Optimizer: AnyObject, CustomStringConvertible {
  /// The step size η; schedules change it while training.
  var learningRate: Double { get set }

  /// One update of every parameter that has a gradient and is not frozen.
  func step(_ parameters: [Tensor])

  /// The update over buffers laid out as `layout`, for compiled training, starting from the
  /// state `step` has kept; nil when the optimizer has none (training then runs on the graph).
  func compiled(for layout: ParameterLayout) -> (any CompiledOptimizer)?
}

extension Optimizer {
  public func compiled(for layout: ParameterLayout) -> (any CompiledOptimizer)? { nil }
}

/// One parameter's running state: the first and second moments an optimizer keeps
/// (momentum's velocity, Adam's m and v) and the number of updates. A class, so that an
/// update writes the buffers in place without copying them.
final class ParameterState {
  /// Held so that a freed parameter's identifier is never reused for another one's state.
  let parameter: Tensor
  var first: [Double]
  var second: [Double]
  var steps = 0

  init(_ parameter: Tensor, moments: Int) {
    self.parameter = parameter
    first = [Double](repeating: 0, count: parameter.count)
    second = [Double](repeating: 0, count: moments > 1 ? parameter.count : 0)
  }
}

/// The states of the parameters an optimizer has updated, by identity.
struct ParameterStates {
  private var states: [ObjectIdentifier: ParameterState] = [:]

  mutating func state(for parameter: Tensor, moments: Int) -> ParameterState {
    if let state = states[ObjectIdentifier(parameter)] { return state }
    let state = ParameterState(parameter, moments: moments)
    states[ObjectIdentifier(parameter)] = state
    return state
  }
}

extension Array where Element == Tensor {
  /// The tensors in order, each once: an optimizer given a parameter twice would update it
  /// twice.
  public var uniqued: [Tensor] {
    var seen = Set<ObjectIdentifier>()
    return filter { seen.insert(ObjectIdentifier($0)).inserted }
  }
}
