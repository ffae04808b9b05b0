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

  /// The parameters by name, in the style of PyTorch's `state_dict`. A layer names its own
  /// as its members show them (`w`, `b`); a layer made of others (a model, a residual block)
  /// names each child's as the child's name, a dot, and the child's own name for it: a
  /// model's children are named by position, so `dense >> relu >> dense` has `0.w`, `0.b`,
  /// `2.w`, `2.b`, and a residual block kept as layer 1 of a model, whose child is `block`,
  /// gives `1.block.0.w`. The default derives the names from `children` this way.
  var namedParameters: [(name: String, tensor: Tensor)] { get }

  /// The layers this one is made of, by name, as structure: a model's layers named "0",
  /// "1", …; a residual block's `block`; the branches of `branches` named "0", "1", …. A
  /// layer made of no others has none. A model's children follow each other (each takes
  /// the output of the one before); any other layer's children each take the layer's own
  /// input, so the longest chain through it is its longest child's (GoogLeNet's depth).
  var children: [(name: String, layer: any Layer)] { get }

  /// The layer applied to `x` in the mode of `context`: in training a layer may draw from
  /// the context's random stream (dropout's masks); `callAsFunction` is the evaluation
  /// form. The default is `self(x)` in both modes.
  func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor

  /// `logits(x)` in the mode of `context`; the default is `logits(x)`.
  func logits(_ x: Tensor, context: ForwardContext) throws -> Tensor

  /// Whether the training forward pass is the evaluation one (no masks, no noise). A layer
  /// whose training pass differs says false, and trains on the graph unless its compiled
  /// stage does the training form (drawing from `CompiledStageRequest.training`).
  var isDeterministicInTraining: Bool { get }

  /// The layer's kind and configuration, from which `spec.build()` makes a fresh copy of
  /// its shape. A layer whose kind is not registered with `LayerSpec` cannot be rebuilt
  /// (`save` then writes its weights alone).
  var spec: LayerSpec { get }

  /// The number of input features per sample the layer fixes, if it fixes one.
  var inputWidth: Int? { get }

  /// Whether the layer's per-sample output shape differs from its input's, so that a later
  /// layer's `inputWidth` says nothing of the model's input (conv, pooling, flatten).
  var changesShape: Bool { get }

  /// A deep copy: new parameter tensors with the same values (and the same frozen flags),
  /// trained independently of this layer. A layer that appears twice in a model is copied
  /// once, so `copies`, by the original's identity, keeps the copy's sharing the same; a
  /// layer without parameters may return itself.
  func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer

  /// The layer's stage in compiled training (see `CompiledStage`), or nil when it has none
  /// there: the model then trains on the graph, and the history says which layer.
  func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)?

  /// The number of trainable values, counted from the parameters' shapes, so that asking
  /// allocates nothing (a summary of VGG-16's 138 M weights costs nothing). The default
  /// sums the children's, or counts `parameters` for a layer made of no others.
  var parameterCount: Int { get }

  /// Allocates the parameters of a layer that defers them until it is first run or
  /// trained (conv and dense made without given weights), after checking the session's
  /// memory limit (`MemoryBudget`); nothing for a layer whose parameters exist. Forward
  /// passes, training, `save` and the language's `.w`/`.params` call it first, so that a
  /// model too large for the limit fails with a memory error rather than taking the
  /// machine's memory. `parameters` of a deferred layer allocates them unchecked, and the
  /// budget still counts them. The default does it for every child.
  func materializeParameters() throws

  /// Whether the parameters exist (`materializeParameters` has nothing left to do).
  var parametersMaterialized: Bool { get }

  /// Which rows of a model table count this layer, as the lecture's table of AlexNet,
  /// VGG-16, GoogLeNet and NIN does: a convolution, a fully connected layer, or neither
  /// (pooling, normalisation, activations count no layer and no computation there).
  var tableCategory: TableCategory { get }

  /// The per-sample input the layer declares (`input([3, 227, 227])`), with the name it
  /// gives the model, when it declares one: `summary` needs no shape for such a model. A
  /// model's is its first layer's.
  var declaredInput: DeclaredInput? { get }
}

/// The rows of a model table a layer counts in (see `Layer.tableCategory`).
public enum TableCategory: Sendable {
  case convolution, fullyConnected, none
}

/// A model's declared per-sample input shape and name (see `Layer.declaredInput`).
public struct DeclaredInput: Sendable, Equatable {
  public let shape: [Int]
  public let name: String?

  public init(shape: [Int], name: String?) {
    self.shape = shape
    self.name = name
  }
}

extension Layer {
  public func logits(_ x: Tensor) throws -> Tensor { try self(x) }
  public func preactivation(_ x: Tensor) throws -> Tensor { try self(x) }
  public var outputActivation: Activation? { nil }
  public var layers: [any Layer] { [self] }
  public var isModel: Bool { false }
  public var namedParameters: [(name: String, tensor: Tensor)] {
    children.flatMap { child in
      child.layer.namedParameters.map { (name: "\(child.name).\($0.name)", tensor: $0.tensor) }
    }
  }
  public var children: [(name: String, layer: any Layer)] { [] }
  public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor { try self(x) }
  public func logits(_ x: Tensor, context: ForwardContext) throws -> Tensor { try logits(x) }
  public var isDeterministicInTraining: Bool {
    children.allSatisfy { $0.layer.isDeterministicInTraining }
  }
  public var spec: LayerSpec {
    LayerSpec(kind: "unregistered \(Self.self)", children: children.map(\.layer.spec))
  }
  /// The first child's that fixes one, for a layer made of others.
  public var inputWidth: Int? { children.lazy.compactMap(\.layer.inputWidth).first }
  public var changesShape: Bool { children.contains { $0.layer.changesShape } }

  /// A deep copy of this layer (see `copy(sharing:)`).
  public func copy() throws -> any Layer {
    var copies: [ObjectIdentifier: any Layer] = [:]
    return try copy(sharing: &copies)
  }

  /// Freezes or unfreezes every parameter: optimizers leave a frozen one unchanged.
  public func setFrozen(_ frozen: Bool) {
    for p in parameters { p.isFrozen = frozen }
  }

  public var parameterCount: Int {
    children.isEmpty
      ? parameters.reduce(0) { $0 + $1.count }
      : children.reduce(0) { $0 + $1.layer.parameterCount }
  }
  public func materializeParameters() throws {
    for child in children { try child.layer.materializeParameters() }
  }
  public var parametersMaterialized: Bool {
    children.allSatisfy { $0.layer.parametersMaterialized }
  }
  public var tableCategory: TableCategory { .none }
  public var declaredInput: DeclaredInput? { nil }

  /// Clears the gradients of every parameter.
  public func zeroGrad() {
    for p in parameters { p.zeroGrad() }
  }
}

/// Composes layers: `dense(2, 4) >> relu >> dense(4, 1)`. Plain models are flattened, so
/// `(a >> b) >> c` has the three layers a, b, c; a layer made of others (a residual block)
/// stays one layer with its children.
public func >> (first: any Layer, second: any Layer) -> Sequential {
  Sequential([first, second])
}
