import TensorEngine

/// Mirrors an image left to right with probability `p` (AlexNet's horizontal reflections):
/// `out[c, y, x] = in[c, y, w − 1 − x]`. One uniform draw per image, flipped when it is
/// below `p`.
public struct Flip: Augmentation {
  public let probability: Double

  public init(probability: Double = 0.5) throws {
    guard probability >= 0, probability <= 1 else {
      throw TensorError(
        .argument, "flip's p is a probability between 0 and 1, not \(formatMetric(probability))")
    }
    self.probability = probability
  }

  public func prepared(for data: Dataset) throws -> any Augmentation {
    _ = try ImageShape(data.sampleShape, for: description, of: data.name)
    return self
  }

  public func apply(
    _ image: UnsafeMutablePointer<Double>, _ shape: ImageShape,
    scratch: UnsafeMutablePointer<Double>, using generator: inout RandomGenerator
  ) {
    guard generator.uniform() < probability else { return }
    let w = shape.width
    for row in 0..<(shape.channels * shape.height) {
      let start = image + row * w
      var (i, j) = (0, w - 1)
      while i < j {
        swap(&start[i], &start[j])
        i += 1
        j -= 1
      }
    }
  }

  public var description: String {
    probability == 0.5 ? "flip()" : "flip(p: \(formatMetric(probability)))"
  }
}
