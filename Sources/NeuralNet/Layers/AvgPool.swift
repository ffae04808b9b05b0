import TensorEngine

/// Average pooling, as PyTorch's `nn.AvgPool2d(size, stride)`: each output is the mean of a
/// `size`×`size` window of its channel, windows `stride` apart; each input of a window
/// receives 1/size² of the window's gradient.
///
/// ```
/// y[c, a, b] = (1 / size²) Σ_{i, j < size} x[c, a·stride + i, b·stride + j]
/// oh = ⌊(h − size) / stride⌋ + 1
/// ```
public final class AvgPool: Layer {
  public let size: Int
  public let stride: Int

  public init(_ size: Int, stride: Int? = nil) throws {
    let stride = stride ?? size
    guard size >= 1, stride >= 1 else {
      throw TensorError(
        .argument, "avgpool needs a size and stride of at least 1, not \(size) and \(stride)")
    }
    self.size = size
    self.stride = stride
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try ImageBatch.apply(x, layer: description, channels: nil) { batch in
      try Tensor.avgPool2d(batch, kernel: (size, size), stride: (stride, stride))
    }
  }

  func geometry(for inputShape: [Int]) throws -> PoolGeometry {
    let (c, h, w) = try ImageBatch.sampleShape(inputShape, layer: description, channels: nil)
    return try PoolGeometry(
      channels: c, height: h, width: w, kernel: (size, size), stride: (stride, stride),
      name: "avgpool")
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

  /// `avgpool 2×2`, with `stride s` when it differs from the size.
  public var description: String {
    "avgpool \(size)×\(size)" + (stride == size ? "" : " stride \(stride)")
  }

  public static let specKind = "avgpool"

  public var spec: LayerSpec {
    LayerSpec(
      kind: Self.specKind,
      config: ["size": .number(Double(size)), "stride": .number(Double(stride))])
  }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    return try AvgPool(
      spec.integer("size", in: 1...4096), stride: spec.integer("stride", in: 1...4096))
  }
}

extension AvgPool {
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard let geometry = try? geometry(for: request.inputShape) else { return nil }
    return Stage(geometry: geometry)
  }

  final class Stage: CompiledStage {
    let geometry: PoolGeometry

    init(geometry: PoolGeometry) { self.geometry = geometry }

    var outputWidth: Int { geometry.outputShape.reduce(1, *) }
    var workspaceWidth: Int { 0 }
    var splitsRows: Bool { true }
    var parameters: [Tensor] { [] }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      geometry.avgForward(x, y, batch: m)
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      guard let dx else { return }
      geometry.avgBackward(dy, dx, batch: m)
    }
  }
}
