import TensorEngine

/// Training steps on the graph: each step builds the loss of its minibatch as a graph,
/// back-propagates and lets the optimizer update the parameters in place. Every model,
/// loss and optimizer trains this way.
final class GraphStep: TrainingStep {
  private let model: any Layer
  private let data: Dataset
  private let target: Tensor
  private let loss: Loss
  private let optimizer: any Optimizer
  private let parameters: [Tensor]
  /// The weights after the last finite epoch.
  private var saved: [[Double]]
  /// The weights of the best epoch, for early stopping.
  private var best: [[Double]] = []
  /// Gathers augmented minibatches, when the fit augments.
  private let augmenter: BatchAugmenter?
  /// The forward passes run in training mode, their masks from one stream seeded from the
  /// session's when a layer first draws.
  private let training = ForwardContext(.training)
  /// The global norm the gradients are clipped to before each update, if any.
  private let clipNorm: Double?

  init(
    _ model: any Layer, data: Dataset, target: Tensor, loss: Loss, optimizer: any Optimizer,
    parameters: [Tensor], augmenter: BatchAugmenter? = nil, clipNorm: Double? = nil
  ) {
    self.clipNorm = clipNorm
    self.augmenter = augmenter
    self.model = model
    self.data = data
    self.target = target
    self.loss = loss
    self.optimizer = optimizer
    self.parameters = parameters
    saved = parameters.map(\.scalars)
  }

  func step(rows: ArraySlice<Int>?, count: Int) throws -> (loss: Double, correct: Int) {
    let (x, t, labels): (Tensor, Tensor, Tensor)
    // A full batch is the whole set in its own order (only smaller batches are shuffled);
    // augmentation gathers every batch, the full one too.
    if let rows {
      let rows = Array(rows)
      (x, t, labels) = (
        try augmenter?.gather(rows: rows[...], count: count) ?? Dataset.rows(data.x, rows),
        try Dataset.rows(target, rows), try Dataset.rows(data.y, rows)
      )
    } else {
      (x, t, labels) = (
        try augmenter?.gather(rows: nil, count: count) ?? data.x, target, data.y
      )
    }
    for p in parameters { p.zeroGrad() }
    let (value, output, fromLogits) = try model.lossAndOutput(
      x, t, loss: loss, context: training)
    let batchLoss = try value.item()
    guard batchLoss.isFinite else { return (batchLoss, 0) }
    try value.backward()
    if let clipNorm { try GradientClipping.clip(parameters, maxNorm: clipNorm) }
    optimizer.step(parameters)
    var correct = 0
    if data.classes != nil {
      let predicted = try model.classesOf(output, logits: fromLogits)
      correct = zip(predicted, labels.scalars).filter { Double($0) == $1 }.count
    }
    return (batchLoss, correct)
  }

  func checkpoint() -> Bool {
    guard parameters.allSatisfy({ $0.scalars.allSatisfy(\.isFinite) }) else { return false }
    saved = parameters.map(\.scalars)
    return true
  }

  func rollback() { put(saved) }

  func keepBest() { best = parameters.map(\.scalars) }

  func restoreBest() { put(best) }

  private func put(_ saved: [[Double]]) {
    for (p, saved) in zip(parameters, saved) {
      p.updateScalars { w in
        for i in w.indices { w[i] = saved[i] }
      }
    }
  }

  /// The parameters are the weights already.
  func storeWeights() {}

  func store() {}
}
