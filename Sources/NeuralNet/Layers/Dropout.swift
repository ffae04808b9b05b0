import TensorEngine

/// Inverted dropout (Srivastava et al. 2014, as PyTorch's `nn.Dropout`): while training,
/// each value is kept with probability 1 − p and scaled so that its expectation is unchanged,
///
/// ```
/// y = x ⊙ m / (1 − p),   m_i ~ Bernoulli(1 − p)
/// ∂L/∂x = g ⊙ m / (1 − p)
/// ```
/// and in evaluation it is the identity. The masks come from the training pass's random
/// stream (`ForwardContext.withRandom`), so the same seed draws the same masks. Any sample
/// shape; no parameters, no multiply-adds.
public final class Dropout: Layer {
  /// The probability of dropping each value, in [0, 1).
  public let p: Double

  public init(_ p: Double) throws {
    guard p >= 0, p < 1 else {
      let hint =
        p == 1
        ? "p = 1 would drop every value, and the kept ones' scale 1 / (1 − p) is infinite"
        : "p is the probability of dropping a value"
      throw TensorError(
        .argument, "dropout's p must be at least 0 and less than 1, not \(p): \(hint)")
    }
    self.p = p
  }

  /// The evaluation form: the identity.
  public func callAsFunction(_ x: Tensor) throws -> Tensor { x }

  public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    guard context.isTraining, p > 0 else { return x }
    let mask = try self.mask(for: x.shape, context: context)
    return try x * mask
  }

  /// As the last layer before a loss that reads logits, it drops values all the same.
  public func logits(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    try forward(x, context: context)
  }

  /// The mask of one training pass: 1 / (1 − p) where a value is kept, 0 where it is dropped,
  /// one uniform draw per value in row-major order.
  public func mask(for shape: [Int], context: ForwardContext) throws -> Tensor {
    let count = try Shape.count(shape)
    try Tensor.checkMemory(elements: count)
    let scale = 1 / (1 - p)
    let values = context.withRandom { g in
      (0..<count).map { _ in g.uniform() < p ? 0 : scale }
    }
    return try Tensor(shape: shape, scalars: values)
  }

  /// With p = 0 the training pass is the identity too.
  public var isDeterministicInTraining: Bool { p == 0 }

  public var parameters: [Tensor] { [] }
  public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  /// `dropout(0.5)`.
  public var description: String { "dropout(\(LocalResponseNorm.format(p)))" }

  public static let specKind = "dropout"

  public var spec: LayerSpec { LayerSpec(kind: Self.specKind, config: ["p": .number(p)]) }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    guard let p = try spec.number("p") else {
      throw LayerSpec.SpecError("dropout needs a number \"p\" in its config")
    }
    do {
      return try Dropout(p)
    } catch let error as TensorError {
      throw LayerSpec.SpecError(error.message)
    }
  }
}

extension Dropout {
  /// The compiled stage: the training form, its mask drawn from the training context as the
  /// graph's pass draws it (one uniform per value, row-major), kept in the workspace for
  /// backward.
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    Stage(p: p, width: request.inputWidth, training: request.training)
  }

  final class Stage: CompiledStage {
    let p: Double
    let width: Int
    let training: ForwardContext

    init(p: Double, width: Int, training: ForwardContext) {
      self.p = p
      self.width = width
      self.training = training
    }

    var outputWidth: Int { width }
    var workspaceWidth: Int { width }
    var parameters: [Tensor] { [] }

    /// `m = [u ≥ p] / (1 − p)` per value, `y = x ⊙ m`; with p = 0 nothing is drawn, as on the
    /// graph.
    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace mask: UnsafeMutablePointer<Double>, rows: Int, weights w: UnsafePointer<Double>
    ) {
      let count = rows * width
      guard p > 0 else {
        mask.update(repeating: 1, count: count)
        y.update(from: x, count: count)
        return
      }
      let (p, scale) = (p, 1 / (1 - p))
      training.withRandom { g in
        for i in 0..<count { mask[i] = g.uniform() < p ? 0 : scale }
      }
      for i in 0..<count { y[i] = x[i] * mask[i] }
    }

    /// `dx = dy ⊙ m`.
    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace mask: UnsafePointer<Double>, rows: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      guard let dx else { return }
      for i in 0..<(rows * width) { dx[i] = dy[i] * mask[i] }
    }
  }
}
