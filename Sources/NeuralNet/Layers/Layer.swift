import TensorEngine

/// A function of a batch of samples with parameters that training can adjust.
///
/// Shapes are per sample: a layer maps inputs of shape `[batch] + inputShape` to outputs of
/// `[batch] + outputShape(for: inputShape)`; a single sample without the batch axis works
/// too where the layer allows it.
public protocol Layer: AnyObject, CustomStringConvertible {
  /// The layer applied to `x`.
  func callAsFunction(_ x: Tensor) throws -> Tensor

  /// The output before a final softmax or sigmoid, for losses that are computed more
  /// stably from it (`cross_entropy`, `bce`). Layers without such an activation return
  /// their output.
  func logits(_ x: Tensor) throws -> Tensor

  /// The weighted sums z of the last weighted layer, before its activation: a unit's z = 0
  /// is where it switches (the line its plot draws). An activation layer passes on its
  /// input, which is the z of the layer before it.
  func preactivation(_ x: Tensor) throws -> Tensor

  /// The activation applied last, if this layer ends in one; losses and accuracy use it.
  var outputActivation: Activation? { get }

  /// The tensors training adjusts, in a stable order.
  var parameters: [Tensor] { get }

  /// The per-sample output shape for a per-sample input shape, or an error naming the
  /// mismatch.
  func outputShape(for inputShape: [Int]) throws -> [Int]

  /// Multiply-adds needed per sample, as parameter tables in papers count them.
  func multiplyAdds(for inputShape: [Int]) throws -> Int

  /// The layers this one is made of, in order: a model's layers, or itself.
  var layers: [any Layer] { get }
}

extension Layer {
  public func logits(_ x: Tensor) throws -> Tensor { try self(x) }
  public func preactivation(_ x: Tensor) throws -> Tensor { try self(x) }
  public var outputActivation: Activation? { nil }
  public var layers: [any Layer] { [self] }

  /// The number of trainable values.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Clears the gradients of every parameter.
  public func zeroGrad() {
    for p in parameters { p.zeroGrad() }
  }
}

/// Composes layers: `dense(2, 4) >> relu >> dense(4, 1)`. Models are flattened, so
/// `(a >> b) >> c` has the three layers a, b, c.
public func >> (first: any Layer, second: any Layer) -> Sequential {
  Sequential(first.layers + second.layers)
}
