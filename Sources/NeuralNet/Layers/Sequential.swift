import TensorEngine

/// Layers applied one after another: a model. Written `a >> b >> c` in the language.
public final class Sequential: Layer {
  public let layers: [any Layer]

  /// The model of `layers` in order; a plain model among them gives its layers (so
  /// `Sequential([a >> b, c])` has three), any other layer stays one, with its children.
  public init(_ layers: [any Layer]) {
    self.layers = layers.flatMap { ($0 as? Sequential)?.layers ?? [$0] }
  }

  /// Draws every deferred weight first, so that a model too large for the memory limit
  /// fails before it computes anything.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try materializeParameters()
    return try layers.reduce(x) { try $1($0) }
  }

  public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    try materializeParameters()
    return try layers.reduce(x) { try $1.forward($0, context: context) }
  }

  public func logits(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    guard let last = layers.last else { return x }
    return try last.logits(
      layers.dropLast().reduce(x) { try $1.forward($0, context: context) }, context: context)
  }

  /// The layers named by position, "0", "1", …, which prefix their parameters' names.
  public var children: [(name: String, layer: any Layer)] {
    layers.enumerated().map { (name: String($0), layer: $1) }
  }

  public static let specKind = "sequential"

  public var spec: LayerSpec {
    LayerSpec(kind: Self.specKind, children: layers.map(\.spec))
  }

  /// A model of the layers its children's specs describe.
  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    Sequential(try spec.children.map { try $0.build() })
  }

  public func logits(_ x: Tensor) throws -> Tensor {
    guard let last = layers.last else { return x }
    return try last.logits(layers.dropLast().reduce(x) { try $1($0) })
  }

  public func preactivation(_ x: Tensor) throws -> Tensor {
    guard let last = layers.last else { return x }
    return try last.preactivation(layers.dropLast().reduce(x) { try $1($0) })
  }

  public var outputActivation: Activation? {
    // A trailing identity layer leaves the activation before it in charge.
    for layer in layers.reversed() {
      guard let activation = layer.outputActivation else { return nil }
      if layer is ActivationLayer && activation == .identity { continue }
      return activation
    }
    return nil
  }

  public var parameters: [Tensor] { layers.flatMap(\.parameters) }

  public var isModel: Bool { true }

  /// The first layer's: a model built on `input([3, 224, 224])` knows its images.
  public var declaredInput: DeclaredInput? { layers.first?.declaredInput }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    var layers: [any Layer] = []
    for layer in self.layers { layers.append(try layer.copy(sharing: &copies)) }
    let copy = Sequential(layers)
    copies[ObjectIdentifier(self)] = copy
    return copy
  }

  /// The first layer's that fixes one, unless a layer before it changes the shape.
  public var inputWidth: Int? {
    for layer in layers {
      if let width = layer.inputWidth { return width }
      if layer.changesShape { return nil }
    }
    return nil
  }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    try layers.reduce(inputShape) { try $1.outputShape(for: $0) }
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int {
    var shape = inputShape
    var total = 0
    for layer in layers {
      total += try layer.multiplyAdds(for: shape)
      shape = try layer.outputShape(for: shape)
    }
    return total
  }

  /// `model · dense 2→4 tanh >> dense 4→1 sigmoid · 17 parameters`.
  public var description: String {
    let count = parameterCount
    return "model · " + layers.map(\.description).joined(separator: " >> ")
      + " · \(count) parameter" + (count == 1 ? "" : "s")
  }
}
