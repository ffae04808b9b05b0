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

  /// Whether this is a model made of other layers (`a >> b`) rather than one layer.
  var isModel: Bool { get }

  /// The layer's own parameters by the names its members show (`w`, `b`); a model's are its
  /// layers', named by position as PyTorch's `state_dict` names them (`0.w`, `2.b`).
  var namedParameters: [(name: String, tensor: Tensor)] { get }

  /// The number of input features per sample the layer fixes, if it fixes one.
  var inputWidth: Int? { get }

  /// The layer as one affine map followed by an activation, when it is one — the form
  /// compiled training lays out as a stage:
  ///
  /// ```
  /// y = f(x · Wᵀ + b)        W: [out, in],  b: [out]
  /// ```
  var affineStage: AffineStage? { get }

  /// A deep copy: new parameter tensors with the same values (and the same frozen flags),
  /// trained independently of this layer. A layer that appears twice in a model is copied
  /// once, so `copies`, by the original's identity, keeps the copy's sharing the same; a
  /// layer without parameters may return itself.
  func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer

  /// The layer's stage in compiled training (see `CompiledStage`), or nil when it has none
  /// there: the model then trains on the graph, and the history says which layer.
  func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)?
}

/// A layer's forward pass as `y = f(x · Wᵀ + b)`: its weight and bias parameters and the
/// activation after them.
public struct AffineStage {
  /// `[outputs, inputs]`, a parameter.
  public let weight: Tensor
  /// `[outputs]`, a parameter.
  public let bias: Tensor
  public let activation: Activation

  public init(weight: Tensor, bias: Tensor, activation: Activation) {
    self.weight = weight
    self.bias = bias
    self.activation = activation
  }

  public var inputs: Int { weight.shape.last ?? 0 }
  public var outputs: Int { weight.shape.first ?? 0 }
}

extension Layer {
  public func logits(_ x: Tensor) throws -> Tensor { try self(x) }
  public func preactivation(_ x: Tensor) throws -> Tensor { try self(x) }
  public var outputActivation: Activation? { nil }
  public var layers: [any Layer] { [self] }
  public var isModel: Bool { false }
  public var namedParameters: [(name: String, tensor: Tensor)] { [] }
  public var inputWidth: Int? { nil }
  public var affineStage: AffineStage? { nil }

  /// A deep copy of this layer (see `copy(sharing:)`).
  public func copy() throws -> any Layer {
    var copies: [ObjectIdentifier: any Layer] = [:]
    return try copy(sharing: &copies)
  }

  /// Freezes or unfreezes every parameter: optimizers leave a frozen one unchanged.
  public func setFrozen(_ frozen: Bool) {
    for p in parameters { p.isFrozen = frozen }
  }

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
