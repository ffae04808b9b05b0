import TensorEngine

/// Translates an image by a random whole offset in −k…k on each axis, filling what comes
/// in with 0: `out[c, y, x] = in[c, y − dy, x − dx]` (0 outside), dy then dx drawn uniformly
/// from −k…k.
public struct Shift: Augmentation {
  public let maximum: Int

  public init(_ maximum: Int) throws {
    guard maximum >= 0 else {
      throw TensorError(.argument, "shift's offset k must be a whole number ≥ 0, not \(maximum)")
    }
    self.maximum = maximum
  }

  public func prepared(for data: Dataset) throws -> any Augmentation {
    let shape = try ImageShape(data.sampleShape, for: description, of: data.name)
    guard maximum < shape.height, maximum < shape.width else {
      throw TensorError(
        .argument,
        "\(description) can move a \(shape.height)×\(shape.width) image off itself; the "
          + "offset must be below \(Swift.min(shape.height, shape.width))")
    }
    return self
  }

  public func apply(
    _ image: UnsafeMutablePointer<Double>, _ shape: ImageShape,
    scratch: UnsafeMutablePointer<Double>, using generator: inout RandomGenerator
  ) {
    let dy = generator.index(below: 2 * maximum + 1) - maximum
    let dx = generator.index(below: 2 * maximum + 1) - maximum
    translate(image, shape, dy: dy, dx: dx, scratch: scratch)
  }

  public var description: String { "shift(\(maximum))" }
}

/// `out[c, y, x] = in[c, y − dy, x − dx]`, 0 where that falls outside the image.
func translate(
  _ image: UnsafeMutablePointer<Double>, _ shape: ImageShape, dy: Int, dx: Int,
  scratch: UnsafeMutablePointer<Double>
) {
  guard dy != 0 || dx != 0 else { return }
  let (h, w) = (shape.height, shape.width)
  scratch.update(from: image, count: shape.count)
  for c in 0..<shape.channels {
    let source = scratch + c * shape.plane
    let target = image + c * shape.plane
    for y in 0..<h {
      let sy = y - dy
      for x in 0..<w {
        let sx = x - dx
        target[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? source[sy * w + sx] : 0
      }
    }
  }
}
