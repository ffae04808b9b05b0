import TensorEngine

/// What compiled training asks of a layer for its stage: the per-sample input, the largest
/// minibatch, and where in the model the layer stands.
public struct CompiledStageRequest {
  /// The shape of one input sample.
  public let inputShape: [Int]
  /// Whether the layer reads the data itself (it is the model's first).
  public let isFirst: Bool
  /// Whether the layer gives the model's output.
  public let isLast: Bool
  /// Whether the stage is to give what the layer's `logits` gives rather than its output
  /// (the model's last layer, when the loss reads logits).
  public let logits: Bool
  /// The training pass's context. Compiled training runs only training steps, so a stage of
  /// a layer that trains differently (dropout) does its training form, drawing from this
  /// context's random stream as the graph's pass would: layer by layer, each in row-major
  /// order, so that under one seed both paths draw the same masks.
  public let training: ForwardContext

  public init(
    inputShape: [Int], isFirst: Bool, isLast: Bool, logits: Bool,
    training: ForwardContext = ForwardContext(.training)
  ) {
    self.inputShape = inputShape
    self.isFirst = isFirst
    self.isLast = isLast
    self.logits = logits
    self.training = training
  }

  /// The number of values of one input sample.
  public var inputWidth: Int { inputShape.reduce(1, *) }
}

/// A layer's forward and backward pass over flat row-major buffers of `rows` samples, for
/// compiled training: the graph's forward pass and the pullbacks autodiff would run, written
/// out so that a step allocates nothing. A compiled network is a chain of stages; it owns
/// the memory (parameters, gradients, each stage's output and workspace) and hands each
/// stage its part. A class, so that a step calls it without copying it.
public protocol CompiledStage: AnyObject {
  /// The number of values of one output sample.
  var outputWidth: Int { get }
  /// The number of values per sample the stage keeps from forward for backward besides its
  /// input and output (a dense layer's z before its activation).
  var workspaceWidth: Int { get }
  /// The parameters the stage reads, in the order they lie in its weights (and gradients).
  var parameters: [Tensor] { get }
  /// Whether `forward` and `backward` may run at the same time on disjoint ranges of rows,
  /// from different threads: each row's values depend on that row alone, the stage keeps
  /// nothing of its own between calls, and it draws nothing at random. A compiled network
  /// whose stages all split this way runs a large batch in parts at once (see
  /// `CompiledNetwork`). False unless a stage says so.
  var splitsRows: Bool { get }

  /// Writes the output `y` of inputs `x`; `w` points at the stage's parameters.
  func forward(
    _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
    workspace: UnsafeMutablePointer<Double>, rows: Int, weights w: UnsafePointer<Double>)

  /// From ∂loss/∂y in `dy` (which it may overwrite), writes the gradient of every parameter
  /// (replacing what was there) at `gradients`, and ∂loss/∂x into `dx` unless it is nil (the
  /// first stage, whose input is the data). Nothing reads the workspace after backward, which
  /// may use it as scratch although it is passed read-only (a convolution turns its columns
  /// into their gradient there): it is the stage's own, in the network's mutable buffer.
  func backward(
    _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
    workspace: UnsafePointer<Double>, rows: Int, weights w: UnsafePointer<Double>,
    gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?)
}

extension Layer {
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? { nil }
}

extension CompiledStage {
  public var splitsRows: Bool { false }
}

extension Activation {
  /// This activation over `rows` rows of `width` values, from `x` into `y` (the identity
  /// copies; softmax works along each row).
  func forward(
    _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, rows: Int, width: Int
  ) {
    let count = rows * width
    if let op = elementwise {
      op.forward(
        UnsafeBufferPointer(start: x, count: count),
        UnsafeMutableBufferPointer(start: y, count: count))
    } else {
      if UnsafePointer(y) != x { y.update(from: x, count: count) }
      guard self == .softmax else { return }
      for r in 0..<rows { Tensor.softmaxSlice(y + r * width, count: width, stride: 1, log: false) }
    }
  }

  /// The pullback of `forward`: ∂loss/∂x into `dx` from ∂loss/∂y in `dy`, given the input
  /// `x` and output `y` (`dx` may be `dy`).
  func backward(
    _ dy: UnsafePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
    _ dx: UnsafeMutablePointer<Double>, rows: Int, width: Int
  ) {
    let count = rows * width
    if let op = elementwise {
      op.backward(
        UnsafeBufferPointer(start: dy, count: count),
        UnsafeBufferPointer(start: x, count: count),
        UnsafeBufferPointer(start: y, count: count),
        UnsafeMutableBufferPointer(start: dx, count: count))
    } else {
      if UnsafePointer(dx) != dy { dx.update(from: dy, count: count) }
      guard self == .softmax else { return }
      for r in 0..<rows {
        Tensor.softmaxSliceBackward(
          dx + r * width, output: y + r * width, count: width, stride: 1, log: false)
      }
    }
  }
}
