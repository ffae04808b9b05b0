import TensorEngine

/// Max pooling, as PyTorch's `nn.MaxPool2d(size, stride, padding=pad, ceil_mode=ceil)`:
/// each output is the largest value of a `size`×`size` window of its channel, windows
/// `stride` apart.
///
/// ```
/// y[c, a, b] = max_{i, j < size} x[c, a·stride − pad + i, b·stride − pad + j]  (inside x)
/// oh = ⌊(h + 2·pad − size) / stride⌋ + 1   (ceil: ⌈…⌉ + 1, each window starting inside
///                                          the input or its padding)
/// ```
/// Padding counts as −∞: GoogLeNet's `maxpool(3, 1, pad: 1)` keeps the size of its input.
/// The forward pass keeps where each maximum was; the gradient goes there. Of equal maxima
/// in a window the first (row by row) takes it, as in PyTorch; with overlapping windows
/// (size 3, stride 2: AlexNet's) an input that is the maximum of two windows gets both
/// gradients.
public final class MaxPool: Layer {
  public let size: Int
  public let stride: Int
  public let ceil: Bool
  public let pad: Int

  public init(_ size: Int, stride: Int? = nil, ceil: Bool = false, pad: Int = 0) throws {
    let stride = stride ?? size
    guard size >= 1, stride >= 1 else {
      throw TensorError(
        .argument, "maxpool needs a size and stride of at least 1, not \(size) and \(stride)")
    }
    guard pad >= 0, 2 * pad <= size else {
      throw TensorError(
        .argument,
        "maxpool(\(size)) takes a pad between 0 and half its size (\(size / 2)), not \(pad)")
    }
    self.size = size
    self.stride = stride
    self.ceil = ceil
    self.pad = pad
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try ImageBatch.apply(x, layer: description, channels: nil) { batch in
      try Tensor.maxPool2d(
        batch, kernel: (size, size), stride: (stride, stride), ceil: ceil, pad: (pad, pad))
    }
  }

  func geometry(for inputShape: [Int]) throws -> PoolGeometry {
    let (c, h, w) = try ImageBatch.sampleShape(inputShape, layer: description, channels: nil)
    return try PoolGeometry(
      channels: c, height: h, width: w, kernel: (size, size), stride: (stride, stride),
      ceil: ceil, pad: (pad, pad), name: "maxpool")
  }

  public var parameters: [Tensor] { [] }
  public var changesShape: Bool { true }
  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    try geometry(for: inputShape).outputShape
  }
  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }
  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  /// `maxpool 3×3 stride 2`, the stride said when it differs from the size, `pad` and
  /// `ceil` when set.
  public var description: String {
    "maxpool \(size)×\(size)" + (stride == size ? "" : " stride \(stride)")
      + (pad == 0 ? "" : " pad \(pad)") + (ceil ? " ceil" : "")
  }

  public static let specKind = "maxpool"

  public var spec: LayerSpec {
    LayerSpec(
      kind: Self.specKind,
      config: [
        "size": .number(Double(size)), "stride": .number(Double(stride)), "ceil": .bool(ceil),
      ].merging(pad == 0 ? [:] : ["pad": .number(Double(pad))]) { a, _ in a })
  }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    let size = try spec.integer("size", in: 1...4096)
    let stride = try spec.integer("stride", in: 1...4096)
    var ceil = false
    if let value = spec.config["ceil"] {
      guard case .bool(let b) = value else {
        throw LayerSpec.SpecError("maxpool's \"ceil\" must be true or false")
      }
      ceil = b
    }
    // Written only when set, so files from before pad existed still load.
    let pad = spec.config["pad"] == nil ? 0 : try spec.integer("pad", in: 0...2048)
    do {
      return try MaxPool(size, stride: stride, ceil: ceil, pad: pad)
    } catch let error as TensorError {
      throw LayerSpec.SpecError(error.message)
    }
  }
}

extension MaxPool {
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard let geometry = try? geometry(for: request.inputShape) else { return nil }
    return Stage(geometry: geometry)
  }

  /// The argmax offsets (within the batch) in the workspace, one per output.
  final class Stage: CompiledStage {
    let geometry: PoolGeometry

    init(geometry: PoolGeometry) { self.geometry = geometry }

    var outputWidth: Int { geometry.outputShape.reduce(1, *) }
    var workspaceWidth: Int { outputWidth }
    var splitsRows: Bool { true }
    var parameters: [Tensor] { [] }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      geometry.maxForward(x, y, argmax: workspace, batch: m)
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      guard let dx else { return }
      geometry.maxBackward(dy, argmax: workspace, dx, batch: m)
    }
  }
}
