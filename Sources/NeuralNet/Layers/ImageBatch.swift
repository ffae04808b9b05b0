import TensorEngine

/// How image layers (conv, pooling) take their input: a batch `[n, c, h, w]`, or a single
/// sample `[c, h, w]`, which gives a single output sample.
enum ImageBatch {
  /// `body` applied to `x` as a batch; a single sample goes in with a batch axis of 1 and
  /// comes out without it. `channels`, when the layer fixes them, is checked here so that
  /// the error names the layer.
  static func apply(
    _ x: Tensor, layer: String, channels: Int?, _ body: (Tensor) throws -> Tensor
  ) throws -> Tensor {
    guard x.rank == 3 || x.rank == 4 else {
      throw TensorError(
        .shape,
        "\(layer) takes images [channels, height, width] or a batch [n, channels, height, "
          + "width], not \(Shape.describe(x.shape))"
          + (x.rank == 2
            ? "; rows of pixels must be reshaped first, e.g. reshape(x, [n, 1, 28, 28])" : ""))
    }
    let c = x.shape[x.rank - 3]
    if let channels, c != channels {
      throw TensorError(
        .shape,
        "\(layer) expects \(channels) channel\(channels == 1 ? "" : "s") per sample "
          + "([\(channels), h, w]), not \(c) (\(Shape.describe(Array(x.shape.suffix(3))))"
          + " per sample)")
    }
    guard x.rank == 3 else { return try body(x) }
    let y = try body(x.reshaped([1] + x.shape))
    return try y.reshaped(Array(y.shape.dropFirst()))
  }

  /// Checks a per-sample input shape `[c, h, w]` for `outputShape(for:)`.
  static func sampleShape(_ shape: [Int], layer: String, channels: Int?) throws -> (
    Int, Int, Int
  ) {
    guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }) else {
      throw TensorError(
        .shape,
        "\(layer) takes samples [channels, height, width], not \(Shape.describe(shape))")
    }
    if let channels, shape[0] != channels {
      throw TensorError(
        .shape,
        "\(layer) expects \(channels) channel\(channels == 1 ? "" : "s") per sample, not "
          + "\(Shape.describe(shape))")
    }
    return (shape[0], shape[1], shape[2])
  }
}
