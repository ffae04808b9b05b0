import TensorEngine

/// A 2-d convolution layer, as PyTorch's `nn.Conv2d`:
///
/// ```
/// y[o, a, b] = bias[o] + Σ_{c ∈ group(o), i, j} W[o, c, i, j] · x[c, a·s − p + i, b·s − p + j]
/// W: [out, in/groups, kh, kw],  b: [out]
/// ```
/// Samples are `[channels, height, width]`. With `groups` g the channels are cut into g
/// groups and each output sees only its group's inputs (AlexNet's two towers). Forward is
/// im2col and an OpenBLAS GEMM per sample and group (see `ConvGeometry`).
public final class Conv: Layer {
  public let inputs: Int
  public let outputs: Int
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let stride: Int
  public let pad: Int
  public let groups: Int
  /// The weights, a parameter of shape `[out, in/groups, kh, kw]`; a layer made without
  /// them draws them here when first asked (see `materializeParameters`).
  public var weight: Tensor { store.tensors.weight }
  /// The biases, a parameter of shape `[out]`.
  public var bias: Tensor { store.tensors.bias }
  private let store: DeferredParameters

  /// A layer with the given weights, or He-initialised ones (W ~ N(0, 2 / fan_in) with
  /// fan_in = in/groups · kh · kw: a convolution is nearly always followed by a ReLU) drawn
  /// from `generator` now, and zero biases.
  public convenience init(
    _ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: Int = 1, pad: Int = 0,
    groups: Int = 1, weight: Tensor? = nil, bias: Tensor? = nil,
    using generator: inout RandomGenerator
  ) throws {
    try self.init(
      inputs, outputs, kernel: kernel, stride: stride, pad: pad, groups: groups, weight: weight,
      bias: bias, seed: nil, generator: &generator)
  }

  /// As above, with weights drawn from the session's generator when first run or trained
  /// (the seed is drawn now, so the values are the ones drawing now would give).
  public convenience init(
    _ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: Int = 1, pad: Int = 0,
    groups: Int = 1, weight: Tensor? = nil, bias: Tensor? = nil
  ) throws {
    let seed = RandomGenerator.withShared { $0.next() }
    var unused = RandomGenerator(seed: seed)
    try self.init(
      inputs, outputs, kernel: kernel, stride: stride, pad: pad, groups: groups, weight: weight,
      bias: bias, seed: seed, generator: &unused)
  }

  /// Checks the configuration; with a `seed` and no given weight the weights are deferred,
  /// else drawn from `generator` at once.
  private init(
    _ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: Int, pad: Int,
    groups: Int, weight: Tensor?, bias: Tensor?, seed: UInt64?,
    generator: inout RandomGenerator, deferred: DeferredParameters? = nil
  ) throws {
    guard inputs >= 1, outputs >= 1 else {
      throw TensorError(
        .argument, "conv needs at least 1 input and 1 output channel, not \(inputs) and \(outputs)")
    }
    guard kernel.0 >= 1, kernel.1 >= 1, stride >= 1, pad >= 0, groups >= 1 else {
      throw TensorError(
        .argument,
        "conv needs a kernel and stride of at least 1, pad of at least 0 and groups of at least 1")
    }
    guard inputs % groups == 0, outputs % groups == 0 else {
      throw TensorError(
        .argument,
        "conv(\(inputs), \(outputs)): groups: \(groups) must divide both the input channels "
          + "and the outputs")
    }
    self.inputs = inputs
    self.outputs = outputs
    (kernelHeight, kernelWidth) = kernel
    self.stride = stride
    self.pad = pad
    self.groups = groups
    let shape = [outputs, inputs / groups, kernel.0, kernel.1]
    let fanIn = inputs / groups * kernel.0 * kernel.1
    if let weight, weight.shape != shape {
      throw TensorError(
        .shape,
        "\(Self.describe(inputs, outputs, kernel, stride, pad, groups)) needs w of shape "
          + "\(Shape.describe(shape)) ([out, in/groups, kh, kw]), not "
          + Shape.describe(weight.shape))
    }
    if let bias, bias.count != outputs || bias.rank > 1 {
      throw TensorError(
        .shape,
        "conv(\(inputs), \(outputs), …) needs b of shape [\(outputs)], not "
          + Shape.describe(bias.shape))
    }
    if let deferred {
      store = deferred
    } else if weight == nil, bias == nil, let seed {
      store = try DeferredParameters(
        weightShape: shape, biasCount: outputs, initializer: .he, fanIn: fanIn,
        fanOut: outputs, seed: seed)
    } else {
      let w =
        try weight
        ?? Initializer.he.weights(shape, fanIn: fanIn, fanOut: outputs, using: &generator)
      store = DeferredParameters(
        made: Tensor.parameter(w),
        bias: Tensor.parameter(try bias?.reshaped([outputs]) ?? Tensor.zeros([outputs])))
    }
  }

  public var parameterCount: Int { store.count }
  public func materializeParameters() throws { try store.make(for: description) }
  public var parametersMaterialized: Bool { store.isMade }
  public var tableCategory: TableCategory { .convolution }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try materializeParameters()
    return try ImageBatch.apply(x, layer: description, channels: inputs) { batch in
      do {
        return try Tensor.conv2d(
          batch, weight: weight, bias: bias, stride: (stride, stride), pad: (pad, pad),
          groups: groups)
      } catch let error as TensorError {
        throw TensorError(error.kind, "\(description): \(error.message)")
      }
    }
  }

  public var parameters: [Tensor] { [weight, bias] }
  public var namedParameters: [(name: String, tensor: Tensor)] { [("w", weight), ("b", bias)] }
  /// A convolution fixes the input's channels, and its output's shape differs from its input's.
  public var changesShape: Bool { true }

  /// The geometry for one sample of `inputShape`, or an error naming the layer.
  func geometry(for inputShape: [Int]) throws -> ConvGeometry {
    let (c, h, w) = try ImageBatch.sampleShape(inputShape, layer: description, channels: inputs)
    do {
      return try ConvGeometry(
        channels: c, height: h, width: w, outputs: outputs, kernel: (kernelHeight, kernelWidth),
        stride: (stride, stride), pad: (pad, pad), groups: groups)
    } catch let error as TensorError {
      throw TensorError(error.kind, "\(description): \(error.message)")
    }
  }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    try geometry(for: inputShape).outputShape
  }

  /// out · oh · ow · (in/groups) · kh · kw.
  public func multiplyAdds(for inputShape: [Int]) throws -> Int {
    try geometry(for: inputShape).multiplyAdds
  }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    var unused = RandomGenerator(seed: 0)
    let copy: Conv
    if store.isMade {
      copy = try Conv(
        inputs, outputs, kernel: (kernelHeight, kernelWidth), stride: stride, pad: pad,
        groups: groups, weight: weight, bias: bias, using: &unused)
      copy.weight.isFrozen = weight.isFrozen
      copy.bias.isFrozen = bias.isFrozen
    } else {
      // Not yet drawn: the copy draws the same values from the same seed when it is run.
      copy = try Conv(
        inputs, outputs, kernel: (kernelHeight, kernelWidth), stride: stride, pad: pad,
        groups: groups, weight: nil, bias: nil, seed: nil, generator: &unused,
        deferred: DeferredParameters(copying: store))
    }
    copies[ObjectIdentifier(self)] = copy
    return copy
  }

  public static let specKind = "conv"

  /// `{"kind": "conv", "config": {"inputs": 1, "outputs": 8, "kernel_height": 3,
  /// "kernel_width": 3, "stride": 1, "pad": 0, "groups": 1}}`.
  public var spec: LayerSpec { LayerSpec(kind: Self.specKind, config: shape.config) }

  /// A convolution of the spec's shape with fresh weights.
  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    let s = try ConvolutionShape(spec, name: "conv", groups: true)
    do {
      return try Conv(
        s.inputs, s.outputs, kernel: s.kernel, stride: s.stride, pad: s.pad, groups: s.groups ?? 1)
    } catch let error as TensorError {
      throw LayerSpec.SpecError(error.message)
    }
  }

  /// `conv 1→8 3×3`, then `stride 2`, `pad 1`, `groups 2` where they are not the defaults.
  public var description: String { shape.describe("conv") }

  private var shape: ConvolutionShape {
    ConvolutionShape(
      inputs, outputs, kernel: (kernelHeight, kernelWidth), stride: stride, pad: pad,
      groups: groups)
  }

  private static func describe(
    _ inputs: Int, _ outputs: Int, _ kernel: (Int, Int), _ stride: Int, _ pad: Int, _ groups: Int
  ) -> String {
    ConvolutionShape(inputs, outputs, kernel: kernel, stride: stride, pad: pad, groups: groups)
      .describe("conv")
  }
}

extension Conv {
  /// The compiled stage: im2col into the workspace (kept for backward) and GEMMs, exactly
  /// as `Tensor.conv2d`.
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard let geometry = try? geometry(for: request.inputShape) else { return nil }
    return Stage(geometry: geometry, parameters: parameters)
  }

  /// W `[out, in/groups, kh, kw]` then b `[out]` in the stage's weights; the im2col
  /// matrices of the batch in the workspace, which backward turns into their gradients
  /// sample by sample (so the stage keeps nothing of its own and splits rows).
  final class Stage: CompiledStage {
    let geometry: ConvGeometry
    let parameters: [Tensor]

    init(geometry: ConvGeometry, parameters: [Tensor]) {
      self.geometry = geometry
      self.parameters = parameters
    }

    var outputWidth: Int { geometry.outputs * geometry.positions }
    var workspaceWidth: Int { geometry.columnCount(batch: 1) }
    var splitsRows: Bool { true }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      let weightCount = parameters[0].count
      geometry.forward(x, weight: w, bias: w + weightCount, y, batch: m, col: workspace)
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      let weightCount = parameters[0].count
      geometry.backward(
        dy, weight: w, col: workspace, batch: m, dw: gradients, db: gradients + weightCount,
        dx: dx, dcol: nil)
    }
  }
}
