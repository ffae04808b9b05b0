import TensorEngine

/// The activation functions of the lecture, each a function on tensors and, wrapped in an
/// `ActivationLayer`, a layer.
public enum Activation: Sendable, Equatable, CustomStringConvertible {
  /// f(x) = x.
  case identity
  /// Heaviside step, as in Rosenblatt's perceptron: 1 for x ≥ 0, else 0.
  case step
  /// −1, 0 or 1.
  case sign
  /// max(0, x).
  case relu
  /// x for x > 0, slope · x otherwise.
  case leakyRelu(slope: Double)
  /// The logistic function 1 / (1 + e^−x).
  case sigmoid
  /// (e^x − e^−x) / (e^x + e^−x).
  case tanh
  /// e^(x_i) / Σ_j e^(x_j) along the last axis.
  case softmax

  /// The default slope of `leaky_relu`, as in PyTorch.
  public static let defaultLeak = 0.01

  /// The names the language knows, `logistic` being the lecture's name for `sigmoid`.
  public static func named(_ name: String) -> Activation? {
    switch name {
    case "identity", "linear": .identity
    case "step", "heaviside": .step
    case "sign": .sign
    case "relu": .relu
    case "leaky_relu": .leakyRelu(slope: defaultLeak)
    case "sigmoid", "logistic": .sigmoid
    case "tanh": .tanh
    case "softmax": .softmax
    default: nil
    }
  }

  public var description: String {
    switch self {
    case .identity: "identity"
    case .step: "step"
    case .sign: "sign"
    case .relu: "relu"
    case .leakyRelu(let slope):
      slope == Activation.defaultLeak ? "leaky_relu" : "leaky_relu(\(slope))"
    case .sigmoid: "sigmoid"
    case .tanh: "tanh"
    case .softmax: "softmax"
    }
  }

  /// The activation applied elementwise (softmax: along the last axis).
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    if let op = elementwise { return x.apply(op) }
    return self == .softmax ? try x.softmax(axis: -1) : x
  }

  /// The engine's elementwise function for this activation; nil for the identity, which is
  /// no function, and for softmax, which works on whole rows.
  public var elementwise: UnaryOp? {
    switch self {
    case .identity, .softmax: nil
    case .step: .step
    case .sign: .sign
    case .relu: .relu
    case .leakyRelu(let slope): .leakyRelu(slope: slope)
    case .sigmoid: .sigmoid
    case .tanh: .tanh
    }
  }

  /// Whether a loss reads the input of this activation (its logits) rather than its output:
  /// softmax and sigmoid, whose cross-entropies are stabler computed from logits.
  public var hasLogits: Bool { self == .softmax || self == .sigmoid }

  /// The output value that separates two classes for a single-output classifier: 0.5 for
  /// activations with outputs in [0, 1], 0 for those symmetric around 0.
  public var decisionThreshold: Double {
    switch self {
    case .tanh, .sign: 0
    default: 0.5
    }
  }
}

/// An activation used as a layer in a model: `dense(2, 4) >> relu`.
public final class ActivationLayer: Layer {
  public let activation: Activation

  public init(_ activation: Activation) {
    self.activation = activation
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor { try activation(x) }

  public func preactivation(_ x: Tensor) throws -> Tensor { x }

  /// No parameters and nothing that changes: the layer itself serves as its copy.
  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  public func logits(_ x: Tensor) throws -> Tensor {
    activation.hasLogits ? x : try activation(x)
  }

  public var outputActivation: Activation? { activation }
  public var parameters: [Tensor] { [] }
  public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }
  public var description: String { activation.description }

  public static let specKind = "activation"

  /// `{"kind": "activation", "config": {"activation": "relu"}}`.
  public var spec: LayerSpec { LayerSpec(kind: Self.specKind, config: activation.specConfig) }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    return ActivationLayer(try Activation(spec: spec))
  }
}

extension ActivationLayer {
  /// The compiled stage: the activation over the stage before it (the identity when the
  /// stage gives the logits of a softmax or sigmoid). None as the first layer, where compiled
  /// training has never put one, nor as a trailing identity, which makes the activation
  /// before it the model's output activation while its logits stay the output (the graph's
  /// reading of that is kept).
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard !request.isFirst, !(request.isLast && activation == .identity) else { return nil }
    let applied = request.logits && activation.hasLogits ? Activation.identity : activation
    return Stage(activation: applied, width: request.inputWidth)
  }

  final class Stage: CompiledStage {
    let activation: Activation
    let width: Int

    init(activation: Activation, width: Int) {
      self.activation = activation
      self.width = width
    }

    var outputWidth: Int { width }
    var workspaceWidth: Int { 0 }
    var splitsRows: Bool { true }
    var parameters: [Tensor] { [] }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      activation.forward(x, y, rows: m, width: width)
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      guard let dx else { return }
      activation.backward(dy, x: x, y: y, dx, rows: m, width: width)
    }
  }
}
