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
      // A 1×1 convolution with stride s gives ⌊(h − 1) / s⌋ + 1 rows: one that lands on the
      // block's size, if any, is the shortcut; a block that trims its edges (convolutions
      // without padding) cannot be matched by one.
      let (h, w) = (input[1], input[2])
      let (oh, ow) = (blockShape[1], blockShape[2])
      guard
        let stride = (1...Swift.max(1, Swift.min(h, 4096))).first(where: {
          (h - 1) / $0 + 1 == oh && (w - 1) / $0 + 1 == ow
        })
      else {
        return what
          + "; the block changes the image from \(h)×\(w) to \(oh)×\(ow), which no 1×1 "
          + "shortcut matches: pad its convolutions to keep the size (pad: 1 for a 3×3 "
          + "kernel), or give a shortcut: layer that gives \(Shape.describe(blockShape))"
      }
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

extension Residual {
  /// The compiled stage: the block's layers' stages (and the shortcut's) run as chains
  /// inside this one, their outputs and workspaces kept in this stage's workspace, the two
  /// paths added; nil when any of those layers has no stage.
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard let output = try? outputShape(for: request.inputShape),
      let blockChain = Self.chain(block.layers, request)
    else { return nil }
    var shortcutChain: [any CompiledStage]?
    if let shortcut {
      guard let chain = Self.chain(shortcut.layers, request) else { return nil }
      shortcutChain = chain
    }
    let stage = Stage(
      block: blockChain, shortcut: shortcutChain, inputWidth: request.inputWidth,
      outputWidth: output.reduce(1, *))
    // The gradients are written where the model's parameters lie: the stages must hold
    // exactly this layer's, in its order.
    guard stage.parameters.count == parameters.count,
      zip(stage.parameters, parameters).allSatisfy({ $0 === $1 })
    else { return nil }
    return stage
  }

  /// The stages of `layers` one after another from the request's input, or nil.
  private static func chain(_ layers: [any Layer], _ request: CompiledStageRequest)
    -> [any CompiledStage]?
  {
    var shape = request.inputShape
    var stages: [any CompiledStage] = []
    for layer in layers {
      let inner = CompiledStageRequest(
        inputShape: shape, isFirst: false, isLast: false, logits: false,
        training: request.training)
      guard let stage = layer.compiledStage(inner),
        let next = try? layer.outputShape(for: shape), next.reduce(1, *) == stage.outputWidth
      else { return nil }
      stages.append(stage)
      shape = next
    }
    return stages.isEmpty ? nil : stages
  }

  /// y = f(x) + s(x) over buffers. Each inner stage's output and workspace lie in this
  /// stage's workspace, `rows` samples each, in chain order (the block's, then the
  /// shortcut's); its weights and gradients lie at its offset in this stage's.
  final class Stage: CompiledStage {
    let block: [any CompiledStage]
    let shortcut: [any CompiledStage]?
    let inputWidth: Int
    let outputWidth: Int
    let parameters: [Tensor]
    let workspaceWidth: Int
    /// Per inner stage, block then shortcut: where its output and workspace start (per
    /// sample; times the rows in a step) and where its weights start.
    private let places: [(output: Int, workspace: Int, weights: Int)]
    /// Two buffers for the gradient flowing back through a chain, `rows · widest` each,
    /// grown when a batch first needs more (the first step).
    private var scratch: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)?
    private var scratchRows = 0
    private let widest: Int

    init(
      block: [any CompiledStage], shortcut: [any CompiledStage]?, inputWidth: Int,
      outputWidth: Int
    ) {
      self.block = block
      self.shortcut = shortcut
      self.inputWidth = inputWidth
      self.outputWidth = outputWidth
      let all = block + (shortcut ?? [])
      parameters = all.flatMap(\.parameters)
      var places: [(output: Int, workspace: Int, weights: Int)] = []
      var offset = 0
      var weights = 0
      for stage in all {
        places.append((offset, offset + stage.outputWidth, weights))
        offset += stage.outputWidth + stage.workspaceWidth
        weights += stage.parameters.reduce(0) { $0 + $1.count }
      }
      self.places = places
      workspaceWidth = offset
      widest = all.reduce(inputWidth) { Swift.max($0, $1.outputWidth) }
    }

    deinit {
      scratch?.0.deallocate()
      scratch?.1.deallocate()
    }

    /// The scratch buffers, for `rows` samples.
    private func buffers(rows m: Int) -> (
      UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>
    ) {
      if let scratch, scratchRows >= m { return scratch }
      scratch?.0.deallocate()
      scratch?.1.deallocate()
      let count = Swift.max(1, m * widest)
      let made = (
        UnsafeMutablePointer<Double>.allocate(capacity: count),
        UnsafeMutablePointer<Double>.allocate(capacity: count)
      )
      scratch = made
      scratchRows = m
      return made
    }

    /// Runs the chain `stages` (whose places start at `first`) from `x`; returns its output.
    private func forward(
      _ stages: [any CompiledStage], first: Int, _ x: UnsafePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) -> UnsafePointer<Double> {
      var input = x
      for (i, stage) in stages.enumerated() {
        let place = places[first + i]
        let y = workspace + m * place.output
        stage.forward(
          input, y, workspace: workspace + m * place.workspace, rows: m,
          weights: w + place.weights)
        input = UnsafePointer(y)
      }
      return input
    }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      _ = buffers(rows: m)
      let fx = forward(block, first: 0, x, workspace: workspace, rows: m, weights: w)
      let sx =
        shortcut.map {
          forward($0, first: block.count, x, workspace: workspace, rows: m, weights: w)
        } ?? x
      for k in 0..<(m * outputWidth) { y[k] = fx[k] + sx[k] }
    }

    /// Back-propagates `dy` (copied, so the caller's stays) through the chain `stages`,
    /// writing their parameters' gradients; the chain's input gradient goes into `dx`, or,
    /// with `intoScratch`, into the scratch buffer the chain no longer reads, and that
    /// buffer is returned.
    @discardableResult
    private func backward(
      _ stages: [any CompiledStage], first: Int, _ dy: UnsafePointer<Double>,
      x: UnsafePointer<Double>, workspace: UnsafePointer<Double>, rows m: Int,
      weights w: UnsafePointer<Double>, gradients: UnsafeMutablePointer<Double>,
      dx: UnsafeMutablePointer<Double>?, intoScratch: Bool = false
    ) -> UnsafeMutablePointer<Double>? {
      var (g, spare) = buffers(rows: m)
      g.update(from: dy, count: m * outputWidth)
      for i in stages.indices.reversed() {
        let place = places[first + i]
        let input = i == 0 ? x : UnsafePointer(workspace + m * places[first + i - 1].output)
        let target = i > 0 || intoScratch ? spare : dx
        stages[i].backward(
          g, x: input, y: workspace + m * place.output,
          workspace: workspace + m * place.workspace, rows: m, weights: w + place.weights,
          gradients: gradients + place.weights, dx: target)
        if i == 0 { return target }
        swap(&g, &spare)
      }
      return nil
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      backward(
        block, first: 0, dy, x: x, workspace: workspace, rows: m, weights: w,
        gradients: gradients, dx: dx)
      let count = m * inputWidth
      guard let shortcut else {
        // The identity path: dy itself joins the block's input gradient.
        if let dx { for k in 0..<count { dx[k] += dy[k] } }
        return
      }
      // The first layer's shortcut still learns, though no input gradient is wanted.
      let shortcutDx = backward(
        shortcut, first: block.count, dy, x: x, workspace: workspace, rows: m, weights: w,
        gradients: gradients, dx: nil, intoScratch: dx != nil)
      if let dx, let shortcutDx { for k in 0..<count { dx[k] += shortcutDx[k] } }
    }
  }
}
