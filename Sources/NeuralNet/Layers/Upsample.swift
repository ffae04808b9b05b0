import TensorEngine

/// Nearest-neighbour upsampling by a whole factor, as PyTorch's
/// `nn.Upsample(scale_factor=s)` (mode "nearest"): each value of each channel becomes an
/// s × s block,
///
/// ```
/// y[c, a, b] = x[c, ⌊a / s⌋, ⌊b / s⌋]      [c, h, w] → [c, h·s, w·s]
/// ```
/// No parameters and no multiply-adds; a decoder's way back up that learns nothing itself
/// (`upsample(2) >> conv(8, 1, 3, pad: 1)`), where `deconv` learns its stamps.
public final class Upsample: Layer {
  public let scale: Int

  public init(_ scale: Int) throws {
    guard scale >= 1, scale <= 4096 else {
      throw TensorError(.argument, "upsample needs a scale from 1 to 4096, not \(scale)")
    }
    self.scale = scale
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try ImageBatch.apply(x, layer: description, channels: nil) { batch in
      try Tensor.upsampleNearest2d(batch, scale: scale)
    }
  }

  public var parameters: [Tensor] { [] }
  public var changesShape: Bool { true }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    let (c, h, w) = try ImageBatch.sampleShape(inputShape, layer: description, channels: nil)
    let (oh, overflowH) = h.multipliedReportingOverflow(by: scale)
    let (ow, overflowW) = w.multipliedReportingOverflow(by: scale)
    guard !overflowH, !overflowW, (try? Shape.count([c, oh, ow])) != nil else {
      throw TensorError(
        .shape, "\(description) of \(Shape.describe(inputShape)) is too large to count")
    }
    return [c, oh, ow]
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  /// `upsample ×2`.
  public var description: String { "upsample ×\(scale)" }

  public static let specKind = "upsample"

  public var spec: LayerSpec {
    LayerSpec(kind: Self.specKind, config: ["scale": .number(Double(scale))])
  }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    return try Upsample(spec.integer("scale", in: 1...4096))
  }
}

extension Upsample {
  /// The compiled stage: the copy into blocks and the sum back over them, over the batch's
  /// NCHW buffers.
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard let shape = try? outputShape(for: request.inputShape) else { return nil }
    return Stage(
      planes: request.inputShape[0], height: request.inputShape[1],
      width: request.inputShape[2], scale: scale, outputWidth: shape.reduce(1, *))
  }

  final class Stage: CompiledStage {
    let planes: Int
    let height: Int
    let width: Int
    let scale: Int
    let outputWidth: Int

    init(planes: Int, height: Int, width: Int, scale: Int, outputWidth: Int) {
      self.planes = planes
      self.height = height
      self.width = width
      self.scale = scale
      self.outputWidth = outputWidth
    }

    var workspaceWidth: Int { 0 }
    var parameters: [Tensor] { [] }
    var splitsRows: Bool { true }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      let (oh, ow) = (height * scale, width * scale)
      for p in 0..<(m * planes) {
        for a in 0..<oh {
          let src = x + p * height * width + (a / scale) * width
          let dst = y + (p * oh + a) * ow
          for b in 0..<ow { dst[b] = src[b / scale] }
        }
      }
    }

    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      guard let dx else { return }
      let (oh, ow) = (height * scale, width * scale)
      dx.update(repeating: 0, count: m * planes * height * width)
      for p in 0..<(m * planes) {
        for a in 0..<oh {
          let dst = dx + p * height * width + (a / scale) * width
          let src = dy + (p * oh + a) * ow
          for b in 0..<ow { dst[b / scale] += src[b] }
        }
      }
    }
  }
}
