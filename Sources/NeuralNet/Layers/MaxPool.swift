import TensorEngine

/// Max pooling, as PyTorch's `nn.MaxPool2d(size, stride, ceil_mode=ceil)`: each output is
/// the largest value of a `size`×`size` window of its channel, windows `stride` apart.
///
/// ```
/// y[c, a, b] = max_{i, j < size} x[c, a·stride + i, b·stride + j]
/// oh = ⌊(h − size) / stride⌋ + 1      (ceil: ⌈(h − size) / stride⌉ + 1, each window starting
///                                      inside the input)
/// ```
/// The forward pass keeps where each maximum was; the gradient goes there. Of equal maxima
/// in a window the first (row by row) takes it, as in PyTorch; with overlapping windows
/// (size 3, stride 2: AlexNet's) an input that is the maximum of two windows gets both
/// gradients.
public final class MaxPool: Layer {
  public let size: Int
  public let stride: Int
  public let ceil: Bool

  public init(_ size: Int, stride: Int? = nil, ceil: Bool = false) throws {
    let stride = stride ?? size
    guard size >= 1, stride >= 1 else {
      throw TensorError(
        .argument, "maxpool needs a size and stride of at least 1, not \(size) and \(stride)")
    }
    self.size = size
    self.stride = stride
    self.ceil = ceil
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try ImageBatch.apply(x, layer: description, channels: nil) { batch in
      try Tensor.maxPool2d(batch, kernel: (size, size), stride: (stride, stride), ceil: ceil)
    }
  }

  func geometry(for inputShape: [Int]) throws -> PoolGeometry {
    let (c, h, w) = try ImageBatch.sampleShape(inputShape, layer: description, channels: nil)
    return try PoolGeometry(
      channels: c, height: h, width: w, kernel: (size, size), stride: (stride, stride),
      ceil: ceil, name: "maxpool")
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

  /// `maxpool 3×3 stride 2`, the stride said when it differs from the size, `ceil` when set.
  public var description: String {
    "maxpool \(size)×\(size)" + (stride == size ? "" : " stride \(stride)")
      + (ceil ? " ceil" : "")
  }

  public static let specKind = "maxpool"

  public var spec: LayerSpec {
    LayerSpec(
      kind: Self.specKind,
      config: [
        "size": .number(Double(size)), "stride": .number(Double(stride)), "ceil": .bool(ceil),
      ])
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
    return try MaxPool(size, stride: stride, ceil: ceil)
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
