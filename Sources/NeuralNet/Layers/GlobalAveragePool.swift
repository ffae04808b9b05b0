import TensorEngine

/// Global average pooling, the head of Network in Network: each channel of a sample becomes
/// the mean of its values over all positions,
///
/// ```
/// [n, c, h, w] → [n, c],   y_c = (1 / hw) Σ_{i,j} x_{c,i,j}
/// ∂L/∂x_{c,i,j} = g_c / hw
/// ```
/// for samples `[c, …]` of any rank above one (`[c, l]` sequences, `[c, d, h, w]` volumes).
/// No parameters, no multiply-adds (as papers count them).
public final class GlobalAveragePool: Layer {
  public init() {}

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    // The first axis is always the batch, the second the channels.
    guard x.rank >= 3 else {
      throw TensorError(
        .shape,
        "global_avgpool expects a batch [n, channels, h, w] of samples with positions, not "
          + Shape.describe(x.shape)
          + (x.rank == 2 ? ": each sample is already one value per channel" : ""))
    }
    let (n, c) = (x.shape[0], x.shape[1])
    let positions = x.shape.dropFirst(2).reduce(1, *)
    guard positions > 0 else {
      throw TensorError(
        .shape,
        "global_avgpool cannot average samples of \(Shape.describe(Array(x.shape.dropFirst()))): they have no positions"
      )
    }
    return try x.reshaped([n, c, positions]).mean(axis: 2)
  }

  public var parameters: [Tensor] { [] }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count >= 2, inputShape.dropFirst().reduce(1, *) > 0 else {
      throw TensorError(
        .shape,
        "global_avgpool takes samples [channels, h, w] (or [c, …] with positions), not "
          + Shape.describe(inputShape))
    }
    return [inputShape[0]]
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  public var description: String { "global_avgpool" }

  public static let specKind = "global_avgpool"

  public var spec: LayerSpec { LayerSpec(kind: Self.specKind) }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    return GlobalAveragePool()
  }
}
