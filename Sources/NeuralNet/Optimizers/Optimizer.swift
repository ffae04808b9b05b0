import TensorEngine

/// Updates parameters in place from their gradients.
public protocol Optimizer: AnyObject, CustomStringConvertible {
  /// The step size η; schedules change it while training.
  var learningRate: Double { get set }

  /// One update of every parameter that has a gradient.
  func step(_ parameters: [Tensor])
}

/// Per-parameter buffers (velocity, moments), kept by parameter identity. The entry holds
/// the parameter itself so that a freed parameter's identifier is never reused for another.
struct ParameterState {
  private var entries: [ObjectIdentifier: (parameter: Tensor, buffers: [[Double]])] = [:]

  mutating func buffers(for parameter: Tensor, count: Int) -> [[Double]] {
    if let entry = entries[ObjectIdentifier(parameter)] { return entry.buffers }
    let fresh = [[Double]](
      repeating: [Double](repeating: 0, count: parameter.count), count: count)
    entries[ObjectIdentifier(parameter)] = (parameter, fresh)
    return fresh
  }

  mutating func store(_ buffers: [[Double]], for parameter: Tensor) {
    entries[ObjectIdentifier(parameter)] = (parameter, buffers)
  }

  mutating func withBuffers(
    for parameter: Tensor, count: Int, _ body: (inout [[Double]]) -> Void
  ) {
    var b = buffers(for: parameter, count: count)
    // Remove the stored copy first so that the buffers are uniquely referenced while
    // `body` writes them, avoiding a copy per step.
    entries[ObjectIdentifier(parameter)] = (parameter, [])
    body(&b)
    store(b, for: parameter)
  }
}
