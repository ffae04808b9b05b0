import TensorEngine

/// Pads an image by `pad` zeros on every side and crops a random `size × size` window back
/// out of it (the CIFAR recipe): with offsets oy, ox drawn uniformly from 0…2·pad (oy
/// first), `out[c, y, x] = in[c, y + oy − pad, x + ox − pad]`, 0 outside.
///
/// The crop must have the images' own size. AlexNet trains on 224×224 crops of 256×256
/// images and then evaluates on the centre crop; here the model sees training and
/// evaluation images of one size, so a smaller crop would leave it unable to evaluate the
/// very data it trained on. Pad and crop back to the size instead: `crop(32, pad: 4)` on
/// 32×32 images.
public struct Crop: Augmentation {
  public let size: Int
  public let pad: Int

  public init(_ size: Int, pad: Int = 0) throws {
    guard size >= 1 else {
      throw TensorError(.argument, "crop size must be a whole number ≥ 1, not \(size)")
    }
    guard pad >= 0 else {
      throw TensorError(.argument, "crop's pad must be a whole number ≥ 0, not \(pad)")
    }
    self.size = size
    self.pad = pad
  }

  public func prepared(for data: Dataset) throws -> any Augmentation {
    let shape = try ImageShape(data.sampleShape, for: description, of: data.name)
    guard shape.height == size, shape.width == size else {
      throw TensorError(
        .argument,
        "\(description) would give \(size)×\(size) images, but the model trains and "
          + "evaluates on the data's \(shape.height)×\(shape.width) images; crop to their own "
          + "size after padding, e.g. "
          + (shape.height == shape.width
            ? "crop(\(shape.height), pad: \(Swift.max(pad, 1)))" : "shift(\(Swift.max(pad, 1)))")
          + " (a crop takes square images)")
    }
    return self
  }

  public func apply(
    _ image: UnsafeMutablePointer<Double>, _ shape: ImageShape,
    scratch: UnsafeMutablePointer<Double>, using generator: inout RandomGenerator
  ) {
    let oy = generator.index(below: 2 * pad + 1)
    let ox = generator.index(below: 2 * pad + 1)
    // The window at (oy, ox) of the padded image is the image moved by (pad − oy, pad − ox).
    translate(image, shape, dy: pad - oy, dx: pad - ox, scratch: scratch)
  }

  public var description: String { "crop(\(size)" + (pad == 0 ? ")" : ", pad: \(pad))") }
}
