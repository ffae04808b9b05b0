import TensorEngine

/// Flattens each sample of a batch into one row, as PyTorch's `nn.Flatten()`:
///
/// ```
/// [n, a, b, c] → [n, a·b·c]
/// ```
/// The values keep their row-major order, so the gradient is the output's gradient reshaped
/// back. It has no parameters and costs no multiply-adds; it lets a dense layer follow
/// samples that are not rows (`flatten >> dense(64, 10)` on 8×8 images).
public final class Flatten: Layer {
  public init() {}

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    // The first axis is always the batch: a lone sample would be ambiguous (is [8, 8] one
    // image or eight rows?).
    guard x.rank >= 1 else {
      throw TensorError(
        .shape, "flatten expects a batch [n, …] of samples, not a number")
    }
    let n = x.shape[0]
    return try x.reshaped([n, x.shape.dropFirst().reduce(1, *)])
  }

  public var parameters: [Tensor] { [] }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    [inputShape.reduce(1, *)]
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  public var description: String { "flatten" }

  public static let specKind = "flatten"

  public var spec: LayerSpec { LayerSpec(kind: Self.specKind) }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    return Flatten()
  }
}

extension Flatten {
  /// The compiled stage: a batch's buffer is row-major, so each sample already is its row;
  /// the stage copies it through (and the gradient back).
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    Stage(width: request.inputWidth)
  }

  final class Stage: CompiledStage {
    let width: Int

    init(width: Int) { self.width = width }

    var outputWidth: Int { width }
    var workspaceWidth: Int { 0 }
    var splitsRows: Bool { true }
    var parameters: [Tensor] { [] }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      y.update(from: x, count: m * width)
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      dx?.update(from: dy, count: m * width)
    }
  }
}
