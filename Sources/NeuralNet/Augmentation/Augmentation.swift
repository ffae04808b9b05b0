import TensorEngine

/// A label-preserving transform of training images (`[channels, height, width]` samples),
/// drawn anew for every image of every minibatch: `fit(…, augment: [flip(), shift(2)])`.
///
/// Every transform keeps the image's shape, so the model sees training and evaluation
/// images of one size. Each draws a fixed number of values from the generator per image
/// (whatever it decides), so that the stream of draws — and the weights a run ends with —
/// depends only on the seed.
public protocol Augmentation: CustomStringConvertible {
  /// The transform ready to run on `data`'s images, or an error saying why it cannot (the
  /// samples are not images, a shift larger than the image). `pca_color` computes the
  /// training set's colour components here, once per fit.
  func prepared(for data: Dataset) throws -> any Augmentation

  /// Transforms one image in place. `scratch` has room for one image.
  func apply(
    _ image: UnsafeMutablePointer<Double>, _ shape: ImageShape,
    scratch: UnsafeMutablePointer<Double>, using generator: inout RandomGenerator)
}

extension Augmentation {
  /// The images `[n, c, h, w]` transformed one after the other, drawing from `generator`.
  /// Images given alone are not prepared: `pca_color` needs `prepared(for:)` first.
  public func applied(to images: Tensor, using generator: inout RandomGenerator) throws
    -> Tensor
  {
    let shape = try ImageShape(Array(images.shape.dropFirst()), for: description)
    var pixels = images.scalars
    var scratch = [Double](repeating: 0, count: shape.count)
    pixels.withUnsafeMutableBufferPointer { p in
      scratch.withUnsafeMutableBufferPointer { s in
        guard let base = p.baseAddress, let s = s.baseAddress else { return }
        for i in 0..<(images.shape.first ?? 0) {
          apply(base + i * shape.count, shape, scratch: s, using: &generator)
        }
      }
    }
    return try Tensor(shape: images.shape, scalars: pixels)
  }
}

/// The shape of one image sample, `[channels, height, width]`, in row-major order.
public struct ImageShape: Sendable, Equatable {
  public let channels: Int
  public let height: Int
  public let width: Int

  /// The image shape of samples of `sampleShape`, or an error naming the transform and the
  /// shape when they are not images.
  public init(_ sampleShape: [Int], for transform: String, of data: String? = nil) throws {
    guard sampleShape.count == 3, sampleShape.allSatisfy({ $0 > 0 }) else {
      throw TensorError(
        .shape,
        "\(transform) transforms images [channels, height, width], but the samples"
          + (data.map { " of \($0)" } ?? "")
          + " have shape \(Shape.describe(sampleShape)); make image samples with "
          + "dataset(reshape(x, [n, c, h, w]), y)")
    }
    (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2])
  }

  /// Pixels per channel.
  public var plane: Int { height * width }
  /// Values per image.
  public var count: Int { channels * height * width }
}
