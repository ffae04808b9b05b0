import TensorEngine

/// The losses of the course. Each is a function `loss(output, target)` giving a scalar
/// tensor, averaged over the batch.
public enum Loss: String, Sendable, CaseIterable, CustomStringConvertible {
  /// Mean of squared errors over all elements, the lecture's "total error":
  /// ```
  /// E = 1/N Σ (y − t)²
  /// ```
  case mse
  /// Binary cross-entropy of probabilities `p` (outputs of a sigmoid) against 0/1 targets,
  /// with `p` clipped to [1e−12, 1 − 1e−12] so that log never sees 0:
  /// ```
  /// E = −1/N Σ [t log p + (1 − t) log(1 − p)]
  /// ```
  case bce
  /// Softmax cross-entropy that takes **logits** (raw scores), as PyTorch's
  /// `cross_entropy` does; targets are class indices `[n]`/`[n, 1]` or probability rows
  /// `[n, classes]`:
  /// ```
  /// E = −1/n Σ_i Σ_c t_ic log softmax(z_i)_c
  /// ```
  /// `fit` hands it the logits of a model that ends in softmax, so `dense(…, softmax)` with
  /// `cross_entropy` is the usual classifier and is never softmaxed twice.
  case crossEntropy = "cross_entropy"
  /// Mean hinge loss for targets −1 and +1 (a 0 target counts as −1):
  /// ```
  /// E = 1/N Σ max(0, 1 − t·y)
  /// ```
  case hinge

  public var description: String { rawValue }

  /// The loss of `output` against `target`.
  public func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    switch self {
    case .mse:
      let t = try Loss.matching(target, output, self)
      let d = try output - t
      return try (d * d).mean()
    case .bce:
      let t = try Loss.matching(target, output, self)
      let p = try output.clip(1e-12, 1 - 1e-12)
      let positive = try t * p.log()
      let negative = try (1 - t) * (1 - p).log()
      return -(try (positive + negative).mean())
    case .crossEntropy:
      return try Loss.softmaxCrossEntropy(logits: output, target: target)
    case .hinge:
      let t = try Loss.matching(target, output, self)
      let signs = try Tensor.binary(.greater, t, Tensor(0)) * 2 - 1
      return try (1 - signs * output).relu().mean()
    }
  }

  /// The loss computed from a model's logits when that is more stable than from its output:
  /// cross-entropy after a softmax, and BCE after a sigmoid, which becomes
  /// `max(z, 0) − z·t + log(1 + e^−|z|)`.
  public func fromLogits(_ logits: Tensor, _ target: Tensor, activation: Activation?) throws
    -> Tensor
  {
    switch (self, activation) {
    case (.bce, .sigmoid?):
      let t = try Loss.matching(target, logits, self)
      let z = logits
      let softplus = try (1 + (-z.abs()).exp()).log()
      return try (z.relu() - z * t + softplus).mean()
    case (.bce, _):
      return try self(activation.map { try $0(logits) } ?? logits, target)
    case (.crossEntropy, _):
      return try self(logits, target)
    default:
      return try self(activation.map { try $0(logits) } ?? logits, target)
    }
  }

  /// Whether `fromLogits` wants the model's logits rather than its output.
  public func wantsLogits(after activation: Activation?) -> Bool {
    self == .crossEntropy || (self == .bce && activation == .sigmoid)
  }

  private static func softmaxCrossEntropy(logits: Tensor, target: Tensor) throws -> Tensor {
    let z = logits.rank == 1 ? try logits.reshaped([1, -1]) : logits
    guard z.rank == 2 else {
      throw TensorError(
        .shape, "cross_entropy needs logits [n, classes], not \(Shape.describe(logits.shape))")
    }
    let (n, classes) = (z.shape[0], z.shape[1])
    // Over a single column the softmax is always 1 and the loss always 0: nothing would learn.
    guard classes >= 2 else {
      throw TensorError(
        .shape,
        "cross_entropy needs one output per class (at least 2), not \(classes); "
          + "for one sigmoid output use bce")
    }
    let probabilities: Tensor
    if target.count == n && (target.rank <= 1 || target.shape.last == 1) {
      var oneHot = [Double](repeating: 0, count: n * classes)
      for (i, label) in target.scalars.enumerated() {
        guard label >= 0, label < Double(classes), label == label.rounded() else {
          throw TensorError(
            .argument,
            "cross_entropy target \(label) is not a class index 0…\(classes - 1)")
        }
        oneHot[i * classes + Int(label)] = 1
      }
      probabilities = try Tensor(shape: [n, classes], scalars: oneHot)
    } else if target.shape == z.shape {
      probabilities = target
    } else {
      throw TensorError(
        .shape,
        "cross_entropy targets \(Shape.describe(target.shape)) do not fit logits "
          + "\(Shape.describe(z.shape)): give class indices [\(n)] or rows [\(n), \(classes)]")
    }
    guard n > 0 else { throw TensorError(.argument, "cross_entropy of an empty batch") }
    return try -((probabilities * z.logSoftmax(axis: -1)).sum() / Double(n))
  }

  /// The target, reshaped to the output's shape when only a unit axis differs; any other
  /// difference is an error rather than a silent broadcast.
  private static func matching(_ target: Tensor, _ output: Tensor, _ loss: Loss) throws -> Tensor {
    if target.shape == output.shape { return target }
    if target.count == output.count { return try target.reshaped(output.shape) }
    throw TensorError(
      .shape,
      "\(loss) needs output and target of one shape, not \(Shape.describe(output.shape)) "
        + "and \(Shape.describe(target.shape))")
  }
}
