import TensorEngine

/// Gathers the training minibatches of a fit with augmentation: the samples at the batch's
/// rows, each transformed by every augmentation in order. Both ways of training gather
/// through it, so compiled training keeps running with augmentation, and the two draw the
/// same numbers: per batch, per image in the batch's order, per transform in the list's.
///
/// Its generator is seeded once, from the fit's, so a notebook run twice draws the same
/// augmentations; validation data never passes through it.
final class BatchAugmenter {
  private let transforms: [any Augmentation]
  let shape: ImageShape
  private var generator: RandomGenerator
  private let xs: [Double]
  private var scratch: [Double]

  init(_ transforms: [any Augmentation], data: Dataset, seed: UInt64) throws {
    // Each transform checks the samples first, with its own message.
    self.transforms = try transforms.map { try $0.prepared(for: data) }
    shape = try ImageShape(
      data.sampleShape, for: transforms.first?.description ?? "augmentation", of: data.name)
    generator = RandomGenerator(seed: seed)
    xs = data.x.scalars
    scratch = [Double](repeating: 0, count: shape.count)
  }

  /// Writes the `count` samples at `rows` (all samples in order when nil), augmented, to
  /// `out` (`count · shape.count` values).
  func gather(rows: ArraySlice<Int>?, count: Int, into out: UnsafeMutablePointer<Double>) {
    let size = shape.count
    xs.withUnsafeBufferPointer { xs in
      scratch.withUnsafeMutableBufferPointer { scratch in
        guard let xs = xs.baseAddress, let scratch = scratch.baseAddress else { return }
        let start = rows?.startIndex ?? 0
        for r in 0..<count {
          let image = out + r * size
          image.update(from: xs + (rows?[start + r] ?? r) * size, count: size)
          for transform in transforms {
            transform.apply(image, shape, scratch: scratch, using: &generator)
          }
        }
      }
    }
  }

  /// The augmented minibatch as a tensor `[count, c, h, w]`, for the graph.
  func gather(rows: ArraySlice<Int>?, count: Int) throws -> Tensor {
    var values = [Double](repeating: 0, count: count * shape.count)
    values.withUnsafeMutableBufferPointer { p in
      guard let base = p.baseAddress else { return }
      gather(rows: rows, count: count, into: base)
    }
    return try Tensor(
      shape: [count, shape.channels, shape.height, shape.width], scalars: values)
  }
}
