import TensorEngine

/// A loss `loss(output, target)`: a scalar tensor, averaged over the batch. The four losses
/// of the course are built in, each in its own file with its graph form and, for compiled
/// training, its form over buffers; any other function of (output, target) is a `custom`
/// loss, which trains on the graph.
public enum Loss: Sendable, CustomStringConvertible {
  /// Mean of squared errors (see `MeanSquaredError`).
  case mse
  /// Binary cross-entropy of probabilities (see `BinaryCrossEntropy`).
  case bce
  /// Binary cross-entropy of logits (see `BinaryCrossEntropyWithLogits`).
  case bceWithLogits
  /// Softmax cross-entropy of logits (see `CrossEntropy`).
  case crossEntropy
  /// Mean hinge loss (see `Hinge`).
  case hinge
  /// A function of (output, target) written by the user (see `CustomLoss`).
  case custom(CustomLoss)

  /// The built-in losses, in the order `:help` lists them.
  public static let builtins: [Loss] = [.mse, .bce, .bceWithLogits, .crossEntropy, .hinge]

  /// The loss's definition: its graph form and, when it has one, its compiled form.
  public var function: any LossFunction {
    switch self {
    case .mse: MeanSquaredError()
    case .bce: BinaryCrossEntropy()
    case .bceWithLogits: BinaryCrossEntropyWithLogits()
    case .crossEntropy: CrossEntropy()
    case .hinge: Hinge()
    case .custom(let loss): loss
    }
  }

  /// A loss from a function of (output, target), named `name` in messages.
  public static func custom(
    name: String, _ body: @escaping @Sendable (Tensor, Tensor) throws -> Tensor
  ) -> Loss {
    .custom(CustomLoss(name: name, body))
  }

  /// `mse`, `cross_entropy`, or a custom loss's name.
  public var description: String { function.name }

  /// The loss of `output` against `target`.
  public func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    try function(output, target)
  }

  /// The loss computed from a model's logits when that is more stable than from its output
  /// (cross-entropy after a softmax, BCE after a sigmoid); else from the output that
  /// `activation` makes of them.
  public func fromLogits(_ logits: Tensor, _ target: Tensor, activation: Activation?) throws
    -> Tensor
  {
    try function.fromLogits(logits, target, activation: activation)
  }

  /// Whether `fromLogits` wants the model's logits rather than its output.
  public func wantsLogits(after activation: Activation?) -> Bool {
    function.wantsLogits(after: activation)
  }
}

extension Loss: Equatable {
  /// Built-in losses are equal to themselves; a custom loss only to itself (by identity, never
  /// by name: a user's `mse` is not the built-in).
  public static func == (a: Loss, b: Loss) -> Bool {
    switch (a, b) {
    case (.mse, .mse), (.bce, .bce), (.bceWithLogits, .bceWithLogits),
      (.crossEntropy, .crossEntropy), (.hinge, .hinge):
      true
    case (.custom(let x), .custom(let y)): x === y
    default: false
    }
  }
}

/// What a loss defines: its value on tensors (the graph form, which autodiff differentiates)
/// and, optionally, its value and gradient over buffers for compiled training.
public protocol LossFunction: Sendable {
  /// The name messages use: `mse`, `cross_entropy`, a user function's name.
  var name: String { get }

  /// The loss of `output` against `target`, a scalar tensor.
  func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor

  /// Whether the loss reads a model's logits rather than its output after `activation`.
  func wantsLogits(after activation: Activation?) -> Bool

  /// The loss from logits, when `wantsLogits` says so.
  func fromLogits(_ logits: Tensor, _ target: Tensor, activation: Activation?) throws -> Tensor

  /// Whether targets may be class indices `[n]`/`[n, 1]` against several outputs, rather
  /// than one-hot rows of the output's width.
  var takesClassIndices: Bool { get }

  /// The loss over buffers, for `samples` rows of `width` outputs (or logits when
  /// `fromLogits`) against `target`; the reason it has none otherwise.
  func compiled(width: Int, target: Tensor, samples: Int, fromLogits: Bool)
    -> Result<any CompiledLoss, NoCompiledForm>
}

extension LossFunction {
  public func wantsLogits(after activation: Activation?) -> Bool { false }

  public func fromLogits(_ logits: Tensor, _ target: Tensor, activation: Activation?) throws
    -> Tensor
  {
    try self(activation.map { try $0(logits) } ?? logits, target)
  }

  public var takesClassIndices: Bool { false }

  public func compiled(width: Int, target: Tensor, samples: Int, fromLogits: Bool)
    -> Result<any CompiledLoss, NoCompiledForm>
  {
    .failure(NoCompiledForm("the loss \(name) has no compiled form"))
  }

  /// The target, reshaped to the output's shape when only a unit axis differs; any other
  /// difference is an error rather than a silent broadcast.
  func matching(_ target: Tensor, _ output: Tensor) throws -> Tensor {
    if target.shape == output.shape { return target }
    if target.count == output.count { return try target.reshaped(output.shape) }
    throw TensorError(
      .shape,
      "\(name) needs output and target of one shape, not \(Shape.describe(output.shape)) "
        + "and \(Shape.describe(target.shape))")
  }

  /// A compiled form for targets of the output's shape `[samples, width]`.
  func elementwise(_ form: any CompiledLoss, target: Tensor, samples: Int, width: Int)
    -> Result<any CompiledLoss, NoCompiledForm>
  {
    guard target.shape == [samples, width] else {
      return .failure(
        NoCompiledForm(
          "the targets \(Shape.describe(target.shape)) are not rows of the \(width) outputs"))
    }
    return .success(form)
  }
}

/// A loss's value and gradient over flat buffers, for compiled training.
public protocol CompiledLoss {
  /// The values of the target per sample the loss reads: the output width, or 1 for class
  /// indices.
  var targetWidth: Int { get }

  /// The mean loss of `rows` rows of `width` outputs `o` against targets `t`, writing
  /// ∂loss/∂o into `g` — the graph form's value and pullback, term for term, so that both
  /// agree to rounding.
  func lossAndGradient(
    _ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows: Int, width: Int,
    into g: UnsafeMutablePointer<Double>
  ) -> Double
}

/// Why a part of training has no compiled form, as the history reports it: "the loss is a
/// user function".
public struct NoCompiledForm: Error, Sendable, CustomStringConvertible {
  public let reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}
