import TensorEngine

/// A transposed 2-d convolution ("deconvolution"), as PyTorch's `nn.ConvTranspose2d`: each
/// input value stamps the kernel, scaled by itself, into the output, `stride` apart,
///
/// ```
/// y[o, a·s − p + i, b·s − p + j] += W[c, o, i, j] · x[c, a, b],   y = bias[o] + …
/// W: [in, out, kh, kw],  b: [out]
/// oh = (h − 1)·stride − 2·pad + kh        ow = (w − 1)·stride − 2·pad + kw
/// ```
/// It is the adjoint of `conv(out, in, kernel, stride, pad)` with the same weights, so it
/// undoes that convolution's shape: a decoder's `deconv(8, 1, 2, stride: 2)` turns `[8, 4,
/// 4]` into `[1, 8, 8]`. Forward is the convolution's backward pass for its data (see
/// `Tensor.convTranspose2d`).
public final class Deconv: Layer {
  public let inputs: Int
  public let outputs: Int
  public let kernelHeight: Int
  public let kernelWidth: Int
  public let stride: Int
  public let pad: Int
  /// The weights, a parameter of shape `[in, out, kh, kw]`; a layer made without them draws
  /// them here when first asked (see `materializeParameters`).
  public var weight: Tensor { store.tensors.weight }
  /// The biases, a parameter of shape `[out]`.
  public var bias: Tensor { store.tensors.bias }
  private let store: DeferredParameters

  /// A layer with the given weights, or He-initialised ones drawn from the session's
  /// generator when first run or trained, and zero biases. The fan-in is what each output
  /// sums: in · ⌈kh / stride⌉ · ⌈kw / stride⌉ weighted inputs.
  public init(
    _ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: Int = 1, pad: Int = 0,
    weight: Tensor? = nil, bias: Tensor? = nil
  ) throws {
    try Self.check(inputs, outputs, kernel: kernel, stride: stride, pad: pad)
    self.inputs = inputs
    self.outputs = outputs
    (kernelHeight, kernelWidth) = kernel
    self.stride = stride
    self.pad = pad
    let shape = [inputs, outputs, kernel.0, kernel.1]
    if let weight, weight.shape != shape {
      throw TensorError(
        .shape,
        "\(Self.describe(inputs, outputs, kernel, stride, pad)) needs w of shape "
          + "\(Shape.describe(shape)) ([in, out, kh, kw], as PyTorch's ConvTranspose2d), not "
          + Shape.describe(weight.shape))
    }
    if let bias, bias.count != outputs || bias.rank > 1 {
      throw TensorError(
        .shape,
        "deconv(\(inputs), \(outputs), …) needs b of shape [\(outputs)], not "
          + Shape.describe(bias.shape))
    }
    if weight == nil, bias == nil {
      let seed = RandomGenerator.withShared { $0.next() }
      store = try DeferredParameters(
        weightShape: shape, biasCount: outputs, initializer: .he,
        fanIn: Self.fanIn(inputs, kernel: kernel, stride: stride), fanOut: outputs, seed: seed)
    } else {
      // A given bias alone: the weights are drawn now, from the session's generator.
      let fan = Self.fanIn(inputs, kernel: kernel, stride: stride)
      let w =
        try weight
        ?? RandomGenerator.withShared { g in
          try Initializer.he.weights(shape, fanIn: fan, fanOut: outputs, using: &g)
        }
      store = DeferredParameters(
        made: Tensor.parameter(w),
        bias: Tensor.parameter(try bias?.reshaped([outputs]) ?? Tensor.zeros([outputs])))
    }
  }

  /// As above, with He-initialised weights drawn from `generator` now.
  public convenience init(
    _ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: Int = 1, pad: Int = 0,
    using generator: inout RandomGenerator
  ) throws {
    try Self.check(inputs, outputs, kernel: kernel, stride: stride, pad: pad)
    let weight = try Initializer.he.weights(
      [inputs, outputs, kernel.0, kernel.1],
      fanIn: Self.fanIn(inputs, kernel: kernel, stride: stride), fanOut: outputs,
      using: &generator)
    try self.init(inputs, outputs, kernel: kernel, stride: stride, pad: pad, weight: weight)
  }

  private static func check(
    _ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: Int, pad: Int
  ) throws {
    guard inputs >= 1, outputs >= 1 else {
      throw TensorError(
        .argument,
        "deconv needs at least 1 input and 1 output channel, not \(inputs) and \(outputs)")
    }
    guard kernel.0 >= 1, kernel.1 >= 1, stride >= 1, pad >= 0 else {
      throw TensorError(
        .argument, "deconv needs a kernel and stride of at least 1 and a pad of at least 0")
    }
  }

  /// The weighted inputs each output sums, in · ⌈kh / stride⌉ · ⌈kw / stride⌉.
  private static func fanIn(_ inputs: Int, kernel: (Int, Int), stride: Int) -> Int {
    inputs * ((kernel.0 + stride - 1) / stride) * ((kernel.1 + stride - 1) / stride)
  }

  /// A copy of a layer whose weights are not yet drawn: the same deferred draw.
  private init(copying other: Deconv) {
    inputs = other.inputs
    outputs = other.outputs
    kernelHeight = other.kernelHeight
    kernelWidth = other.kernelWidth
    stride = other.stride
    pad = other.pad
    store = DeferredParameters(copying: other.store)
  }

  public var parameterCount: Int { store.count }
  public func materializeParameters() throws { try store.make(for: description) }
  public var parametersMaterialized: Bool { store.isMade }
  public var tableCategory: TableCategory { .convolution }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try materializeParameters()
    return try ImageBatch.apply(x, layer: description, channels: inputs) { batch in
      do {
        return try Tensor.convTranspose2d(
          batch, weight: weight, bias: bias, stride: (stride, stride), pad: (pad, pad))
      } catch let error as TensorError {
        throw TensorError(error.kind, "\(description): \(error.message)")
      }
    }
  }

  public var parameters: [Tensor] { [weight, bias] }
  public var namedParameters: [(name: String, tensor: Tensor)] { [("w", weight), ("b", bias)] }
  public var changesShape: Bool { true }

  /// The geometry of the convolution this layer is the adjoint of, for one sample of
  /// `inputShape`, or an error naming the layer.
  func geometry(for inputShape: [Int]) throws -> ConvGeometry {
    let (_, h, w) = try ImageBatch.sampleShape(inputShape, layer: description, channels: inputs)
    do {
      return try Tensor.transposedGeometry(
        height: h, width: w, inputs: inputs, outputs: outputs,
        kernel: (kernelHeight, kernelWidth), stride: (stride, stride), pad: (pad, pad))
    } catch let error as TensorError {
      throw TensorError(error.kind, "\(description): \(error.message)")
    }
  }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    try geometry(for: inputShape).inputShape
  }

  /// in · h · w · out · kh · kw: each input value meets every weight of its channel, as the
  /// convolution it is the adjoint of counts.
  public func multiplyAdds(for inputShape: [Int]) throws -> Int {
    try geometry(for: inputShape).multiplyAdds
  }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    let copy: Deconv
    if store.isMade {
      copy = try Deconv(
        inputs, outputs, kernel: (kernelHeight, kernelWidth), stride: stride, pad: pad,
        weight: weight, bias: bias)
      copy.weight.isFrozen = weight.isFrozen
      copy.bias.isFrozen = bias.isFrozen
    } else {
      copy = Deconv(copying: self)
    }
    copies[ObjectIdentifier(self)] = copy
    return copy
  }

  public static let specKind = "deconv"

  /// `{"kind": "deconv", "config": {"inputs": 8, "outputs": 1, "kernel_height": 2,
  /// "kernel_width": 2, "stride": 2, "pad": 0}}`.
  public var spec: LayerSpec { LayerSpec(kind: Self.specKind, config: shape.config) }

  /// A transposed convolution of the spec's shape with fresh weights.
  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    let s = try ConvolutionShape(spec, name: "deconv", groups: false)
    do {
      return try Deconv(s.inputs, s.outputs, kernel: s.kernel, stride: s.stride, pad: s.pad)
    } catch let error as TensorError {
      throw LayerSpec.SpecError(error.message)
    }
  }

  /// `deconv 8→1 2×2`, then `stride 2`, `pad 1` where they are not the defaults.
  public var description: String { shape.describe("deconv") }

  private var shape: ConvolutionShape {
    ConvolutionShape(
      inputs, outputs, kernel: (kernelHeight, kernelWidth), stride: stride, pad: pad,
      groups: nil)
  }

  private static func describe(
    _ inputs: Int, _ outputs: Int, _ kernel: (Int, Int), _ stride: Int, _ pad: Int
  ) -> String {
    ConvolutionShape(inputs, outputs, kernel: kernel, stride: stride, pad: pad, groups: nil)
      .describe("deconv")
  }
}

extension Deconv {
  /// The compiled stage: the arithmetic of `Tensor.convTranspose2d` over the batch's
  /// buffers, keeping im2col of the output's gradient in the workspace between the data
  /// gradient and the weight gradient.
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard let geometry = try? geometry(for: request.inputShape) else { return nil }
    return Stage(geometry: geometry, parameters: parameters)
  }

  /// W `[in, out, kh, kw]` then b `[out]` in the stage's weights. `geometry` is the
  /// convolution's whose adjoint this is: its inputs are this layer's outputs. Backward
  /// goes sample by sample through buffers of one sample, so the stage keeps no workspace.
  final class Stage: CompiledStage {
    let geometry: ConvGeometry
    let parameters: [Tensor]
    /// One sample's columns (im2col of its output gradient).
    private let col: UnsafeMutablePointer<Double>
    /// One sample's data gradient, where none is asked for.
    private let sampleDx: UnsafeMutablePointer<Double>
    /// One sample's weight gradient, added into the batch's.
    private let sampleDw: UnsafeMutablePointer<Double>
    private let weightCount: Int

    init(geometry: ConvGeometry, parameters: [Tensor]) {
      self.geometry = geometry
      self.parameters = parameters
      weightCount = parameters[0].count
      col = .allocate(capacity: geometry.columnCount(batch: 1))
      sampleDx = .allocate(capacity: geometry.outputs * geometry.positions)
      sampleDw = .allocate(capacity: weightCount)
    }

    deinit {
      col.deallocate()
      sampleDx.deallocate()
      sampleDw.deallocate()
    }

    /// An output sample: the convolution's input.
    private var outputPlane: Int { geometry.channels * geometry.height * geometry.width }
    /// An input sample: the convolution's output.
    private var inputPlane: Int { geometry.outputs * geometry.positions }

    var outputWidth: Int { outputPlane }
    var workspaceWidth: Int { 0 }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      // The convolution's data gradient with x as its output's: its columns are not read
      // when no weight gradient is asked for.
      geometry.backward(x, weight: w, col: col, batch: m, dw: nil, db: nil, dx: y, dcol: col)
      let b = w + weightCount
      let plane = geometry.height * geometry.width
      for s in 0..<m {
        for o in 0..<geometry.channels {
          let row = y + (s * geometry.channels + o) * plane
          for q in 0..<plane { row[q] += b[o] }
        }
      }
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      gradients.update(repeating: 0, count: weightCount)
      for s in 0..<m {
        // The convolution of dy: ∂L/∂x, and im2col(dy) for the weights' x · colᵀ.
        geometry.forward(
          dy + s * outputPlane, weight: w, bias: nil, dx.map { $0 + s * inputPlane } ?? sampleDx,
          batch: 1, col: col)
        geometry.backward(
          x + s * inputPlane, weight: w, col: col, batch: 1, dw: sampleDw, db: nil, dx: nil,
          dcol: col)
        for i in 0..<weightCount { gradients[i] += sampleDw[i] }
      }
      let db = gradients + weightCount
      let plane = geometry.height * geometry.width
      for o in 0..<geometry.channels {
        var sum = 0.0
        for s in 0..<m {
          let row = dy + (s * geometry.channels + o) * plane
          for q in 0..<plane { sum += row[q] }
        }
        db[o] = sum
      }
    }
  }
}
