import TensorEngine

/// Local response normalisation across channels, as the AlexNet paper writes it:
///
/// ```
/// b_c = a_c / (k + α Σ_{c' ∈ W(c)} a_{c'}²)^β,   W(c) = c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋
/// ```
/// over the `size` channels around c (clipped at the first and last), at each position of a
/// sample `[channels, …]` (an image `[c, h, w]`, or a vector of channels `[c]`). PyTorch's
/// and Caffe's α is divided by `size`: `LocalResponseNorm(5, alpha=5e-4, k=2)` is this layer
/// with α = 1e-4. No parameters, no multiply-adds (as papers count them).
public final class LocalResponseNorm: Layer {
  public let size: Int
  public let alpha: Double
  public let beta: Double
  public let k: Double

  /// AlexNet's: size 5, α = 1e-4, β = 0.75, k = 2.
  public init() {
    (size, alpha, beta, k) = (5, 1e-4, 0.75, 2)
  }

  /// The layer over `size` channels; the rest default to AlexNet's settings.
  public init(size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 2) throws {
    guard size >= 1 else {
      throw TensorError(.argument, "lrn's size must be at least 1 channel, not \(size)")
    }
    guard k > 0, k.isFinite else {
      throw TensorError(.argument, "lrn's k must be a positive number (AlexNet's is 2), not \(k)")
    }
    guard alpha >= 0, alpha.isFinite else {
      throw TensorError(
        .argument, "lrn's alpha must be a number ≥ 0 (AlexNet's is 1e-4), not \(alpha)")
    }
    guard beta.isFinite else {
      throw TensorError(
        .argument, "lrn's beta must be a finite number (AlexNet's is 0.75), not \(beta)")
    }
    self.size = size
    self.alpha = alpha
    self.beta = beta
    self.k = k
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    // The first axis is always the batch, the second the channels.
    guard x.rank >= 2 else {
      throw TensorError(
        .shape,
        "\(description) expects a batch [n, channels, …] of samples, not "
          + Shape.describe(x.shape))
    }
    return try x.localResponseNorm(size: size, alpha: alpha, beta: beta, k: k, axis: 1)
  }

  public var parameters: [Tensor] { [] }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard !inputShape.isEmpty else {
      throw TensorError(
        .shape, "\(description) needs samples with channels ([c, h, w] or [c]), not numbers")
    }
    return inputShape
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  /// `lrn(5, alpha: 0.0001, beta: 0.75, k: 2)`.
  public var description: String {
    "lrn(\(size), alpha: \(Self.format(alpha)), beta: \(Self.format(beta)), k: \(Self.format(k)))"
  }

  /// A whole number without ".0", any other as Swift writes it.
  static func format(_ x: Double) -> String {
    x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : "\(x)"
  }

  public static let specKind = "lrn"

  /// `{"kind": "lrn", "config": {"size": 5, "alpha": 0.0001, "beta": 0.75, "k": 2}}`.
  public var spec: LayerSpec {
    LayerSpec(
      kind: Self.specKind,
      config: [
        "size": .number(Double(size)), "alpha": .number(alpha), "beta": .number(beta),
        "k": .number(k),
      ])
  }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    do {
      return try LocalResponseNorm(
        size: spec.integer("size", in: 1...Int(Int32.max)),
        alpha: spec.number("alpha") ?? 1e-4, beta: spec.number("beta") ?? 0.75,
        k: spec.number("k") ?? 2)
    } catch let error as TensorError {
      throw LayerSpec.SpecError(error.message)
    }
  }
}
