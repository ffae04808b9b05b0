import Foundation
import TensorEngine

/// Sampling new text from a trained character model, one character at a time: the model
/// sees the last `length` characters so far (the data's window; fewer at the start), and
/// the next character is drawn from
///
/// ```
/// p_k = softmax(logits / temperature)_k
/// ```
/// Temperature 1 samples the model's own distribution; below 1 sharpens it towards the
/// likeliest characters, above 1 flattens it. The draws come from `generator`.
public enum TextGeneration {
  public static func generate(
    _ model: any Layer, data: Dataset, start: String, count: Int, temperature: Double,
    using generator: inout RandomGenerator
  ) throws -> String {
    guard let vocabulary = data.vocabulary else {
      throw TensorError(
        .argument, "\(data.name) is not a text data set: generate needs one made by text(…)")
    }
    guard temperature > 0, temperature.isFinite else {
      throw TensorError(
        .argument,
        "temperature must be a positive number (1 samples the model's distribution, less "
          + "sharpens it), not \(temperature)")
    }
    guard count >= 0 else {
      throw TensorError(
        .argument, "n is the number of characters to write, at least 0, not \(count)")
    }
    var text = Array(start)
    guard !text.isEmpty else {
      throw TensorError(
        .argument, "start must hold at least one character for the model to continue")
    }
    _ = try data.oneHot(characters: text)
    let window = data.sampleShape.first ?? 1
    let v = vocabulary.count
    for _ in 0..<count {
      try Cancellation.check()
      let context = Array(text.suffix(window))
      let x = try data.oneHot(characters: context).reshaped([1, context.count, v])
      let logits: Tensor
      do {
        logits = try model.logits(x)
      } catch let error as TensorError where context.count < window {
        // A model over fixed windows (flatten >> dense) cannot take a shorter start.
        throw TensorError(
          .shape,
          "the model cannot read the \(context.count) character\(context.count == 1 ? "" : "s") "
            + "of start (\(error.message)); give a start of at least \(window) characters, "
            + "the data's length")
      }
      guard logits.count == v else {
        throw TensorError(
          .shape,
          "the model gives \(Shape.describe(logits.shape)) for one window, not the \(v) "
            + "scores of the text's characters")
      }
      let scaled = logits.scalars.map { $0 / temperature }
      let top = scaled.max() ?? 0
      let weights = scaled.map { Foundation.exp($0 - top) }
      let total = weights.reduce(0, +)
      guard total.isFinite, total > 0 else {
        throw TensorError(.argument, "the model's scores are not finite numbers")
      }
      var u = generator.uniform(0, 1) * total
      var next = v - 1
      for (k, w) in weights.enumerated() {
        u -= w
        if u < 0 {
          next = k
          break
        }
      }
      text.append(vocabulary[next])
    }
    return String(text)
  }
}
