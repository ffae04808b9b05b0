import TensorEngine

/// A residual block (He et al., 2015): the block's output added to its input, or to a
/// shortcut's output where the block changes the shape,
///
/// ```
/// y = x + f(x)                 ∂L/∂x = g + f′(x)ᵀ g
/// y = s(x) + f(x)              ∂L/∂x = s′(x)ᵀ g + f′(x)ᵀ g
/// ```
/// with `f` the block (a layer or a model) and `s` the shortcut (a 1×1 `conv` or a `dense`).
/// The identity path carries the gradient back unchanged, however deep the stack: a net of
/// many such blocks trains where the same layers without them do not. `x + f(x)` is also
/// one Euler step of dx/dt = f(x) with step 1, so a stack of blocks follows a learned
/// differential equation.
///
/// The block is the child `block` and the shortcut `shortcut`, so inside a model the
/// parameters of block layer 0 of a residual kept as layer 1 are named `1.block.0.w`.
public final class Residual: Layer {
  public let block: any Layer
  public let shortcut: (any Layer)?

  /// Checks at once, when the block fixes its input's width (a block that starts with a
  /// dense layer), that its output and the shortcut's agree.
  public init(_ block: any Layer, shortcut: (any Layer)? = nil) throws {
    self.block = block
    self.shortcut = shortcut
    if let width = block.inputWidth, (try? block.outputShape(for: [width])) != nil {
      _ = try outputShape(for: [width])
    }
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try materializeParameters()
    return try sum(block(x), shortcut.map { try $0(x) } ?? x, input: x)
  }

  public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    try materializeParameters()
    // The block first, then the shortcut: the order compiled training draws in too.
    let fx = try block.forward(x, context: context)
    return try sum(fx, shortcut.map { try $0.forward(x, context: context) } ?? x, input: x)
  }

  /// f(x) + s(x), refusing to broadcast: shapes that differ are a mistake, not a sum.
  private func sum(_ fx: Tensor, _ sx: Tensor, input x: Tensor) throws -> Tensor {
    guard fx.shape == sx.shape else {
      throw TensorError(.shape, mismatch(fx.shape, sx.shape, input: x.shape))
    }
    return try fx + sx
  }

  /// Why the two paths cannot be added, and the shortcut that would fix it.
  private func mismatch(_ blockShape: [Int], _ shortcutShape: [Int], input: [Int]) -> String {
    let what =
      "residual adds the block's output to "
      + (shortcut == nil ? "its input" : "the shortcut's output")
      + ", but the block gives \(Shape.describe(blockShape)) and "
      + (shortcut == nil ? "the input is" : "the shortcut gives")
      + " \(Shape.describe(shortcutShape))"
    guard shortcut == nil else { return what + ": they must have the same shape" }
    let fix: String
    if blockShape.count == 3, input.count == 3 {
      let stride = blockShape[1] >= 1 ? Swift.max(1, input[1] / blockShape[1]) : 1
      fix =
        "residual(block, shortcut: conv(\(input[0]), \(blockShape[0]), 1"
        + (stride == 1 ? "" : ", stride: \(stride)") + "))"
    } else if blockShape.count == 1, input.count == 1 {
      fix = "residual(block, shortcut: dense(\(input[0]), \(blockShape[0])))"
    } else {
      fix = "a shortcut: layer that maps the input to the block's output shape"
    }
    return what + "; give a shortcut that maps one to the other, e.g. " + fix
  }

  /// The block, then the shortcut if there is one; each takes this layer's input.
  public var children: [(name: String, layer: any Layer)] {
    [(name: "block", layer: block)] + (shortcut.map { [(name: "shortcut", layer: $0)] } ?? [])
  }

  public var parameters: [Tensor] { block.parameters + (shortcut?.parameters ?? []) }

  /// The shape is kept unless a shortcut changes it.
  public var changesShape: Bool { shortcut?.changesShape ?? false }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    let f = try block.outputShape(for: inputShape)
    let s = try shortcut?.outputShape(for: inputShape) ?? inputShape
    guard f == s else { throw TensorError(.shape, mismatch(f, s, input: inputShape)) }
    return f
  }

  /// The block's and the shortcut's; the addition counts none, as papers count it.
  public func multiplyAdds(for inputShape: [Int]) throws -> Int {
    _ = try outputShape(for: inputShape)
    return try block.multiplyAdds(for: inputShape)
      + (shortcut?.multiplyAdds(for: inputShape) ?? 0)
  }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    let copy = try Residual(
      block.copy(sharing: &copies), shortcut: shortcut?.copy(sharing: &copies))
    copies[ObjectIdentifier(self)] = copy
    return copy
  }

  /// `residual(dense 8→8 relu >> dense 8→8)`, then `, shortcut: conv 8→16 1×1` if given.
  public var description: String {
    func shown(_ layer: any Layer) -> String {
      layer.isModel
        ? layer.layers.map(\.description).joined(separator: " >> ") : layer.description
    }
    return "residual(" + shown(block) + (shortcut.map { ", shortcut: " + shown($0) } ?? "")
      + ")"
  }

  public static let specKind = "residual"

  /// The block's spec, then the shortcut's if there is one.
  public var spec: LayerSpec {
    LayerSpec(kind: Self.specKind, children: [block.spec] + (shortcut.map { [$0.spec] } ?? []))
  }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    guard spec.children.count == 1 || spec.children.count == 2 else {
      throw LayerSpec.SpecError(
        "residual has a block and an optional shortcut, not \(spec.children.count) children")
    }
    do {
      return try Residual(
        spec.children[0].build(),
        shortcut: spec.children.count == 2 ? spec.children[1].build() : nil)
    } catch let error as TensorError {
      throw LayerSpec.SpecError(error.message)
    }
  }
}
