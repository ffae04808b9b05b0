import TensorEngine

/// Settings of a training run beyond the model, data, loss and optimizer.
public struct TrainingOptions {
  public var epochs: Int
  /// Samples per minibatch; nil trains on the whole data set at each step.
  public var batchSize: Int?
  /// Whether minibatches are drawn in a new random order each epoch.
  public var shuffle: Bool
  /// Samples held out to report validation loss and accuracy after each epoch.
  public var validation: Dataset?
  /// Lowers the learning rate when the (validation) loss stops improving.
  public var schedule: PlateauSchedule?
  /// Whether training runs compiled (flat buffers, no graph; see `CompiledNetwork`) when
  /// the model's layers, the loss and the optimizer all have compiled forms. Both ways give
  /// the same weights to rounding; false always builds the graph, which tests compare against.
  public var compiled: Bool
  /// Label-preserving transforms applied to each training minibatch as it is gathered (not
  /// to validation data), drawn from a generator seeded from the fit's.
  public var augmentation: [any Augmentation]
  /// Stops when the (validation) loss stops improving, and may restore the best weights.
  public var earlyStopping: EarlyStopping?
  /// Clips the gradients of each step to this global norm (`GradientClipping`); nil leaves
  /// them alone. Clipping trains on the graph.
  public var clipNorm: Double? = nil

  public init(
    epochs: Int = 100, batchSize: Int? = nil, shuffle: Bool = true, validation: Dataset? = nil,
    schedule: PlateauSchedule? = nil, compiled: Bool = true,
    augmentation: [any Augmentation] = [], earlyStopping: EarlyStopping? = nil
  ) {
    self.augmentation = augmentation
    self.earlyStopping = earlyStopping
    self.epochs = epochs
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.validation = validation
    self.schedule = schedule
    self.compiled = compiled
  }
}

/// What the progress callback hears after each epoch.
public struct EpochReport: Sendable {
  public let epoch: Int
  public let epochs: Int
  public let loss: Double
  public let validationLoss: Double?
  public let accuracy: Double?
  public let validationAccuracy: Double?
  public let learningRate: Double
  /// Seconds since training started.
  public let elapsed: Double
}

/// The training loop: epochs of minibatch gradient descent.
public enum Training {
  /// Trains `model` on `data` and returns the history of the run.
  ///
  /// Each step zeroes the gradients, computes the loss of one minibatch, back-propagates and
  /// lets the optimizer update the parameters in place. `shouldCancel` is asked before every
  /// step: when it answers true, training stops there and the model keeps the weights of the
  /// last finished step. `progress` is called after every epoch.
  ///
  /// Training that diverges stops: when a step's loss, or an epoch's weights, are not finite
  /// (`nan`, `inf`), the run ends with `History.Stop.diverged` and the model gets back the
  /// weights it had after the last finite epoch, exactly as a run of that many epochs leaves
  /// them. The optimizer keeps the running moments of its last update.
  ///
  /// The steps run compiled (`CompiledNetwork`) when every layer, the loss and the optimizer
  /// have compiled forms, else on the graph (`GraphStep`); `History.path` records which, and
  /// why the graph. A compiled run keeps the weights in its own buffer and writes them to the
  /// model's parameters before each validation and `progress` call and when it ends; the
  /// gradients and the optimizer's moments are written when it ends.
  public static func fit(
    _ model: any Layer, on data: Dataset, loss: Loss, optimizer: any Optimizer,
    options: TrainingOptions = TrainingOptions(), using generator: inout RandomGenerator,
    progress: ((EpochReport) -> Void)? = nil, shouldCancel: () -> Bool = { false }
  ) throws -> History {
    // A layer used twice (`d >> d`) lists its parameters twice; each is updated once, from
    // the gradient summed over both uses.
    // A model not yet run draws its weights here, within the session's memory limit.
    try model.materializeParameters()
    let parameters = model.parameters.uniqued
    guard !parameters.isEmpty else {
      throw TensorError(.argument, "\(model) has no parameters to train")
    }
    guard parameters.contains(where: { !$0.isFrozen }) else {
      throw TensorError(
        .argument, "every parameter of \(model) is frozen; unfreeze(…) the layers to train")
    }
    guard data.count > 0 else {
      throw TensorError(.argument, "cannot train on \(data.name): it has no samples")
    }
    try Training.checkEpochs(options.epochs, atLeast: 0)
    if let b = options.batchSize, b < 1 {
      throw TensorError(.argument, "batch size must be ≥ 1, not \(b)")
    }
    let outputs = try model.outputShape(for: data.sampleShape)
    let target = try Training.target(for: data, outputs: outputs, loss: loss)
    if let validation = options.validation {
      guard validation.sampleShape == data.sampleShape else {
        throw TensorError(
          .shape,
          "validation set \(validation.name) has samples of shape "
            + "\(Shape.describe(validation.sampleShape)) but the training set has "
            + Shape.describe(data.sampleShape))
      }
    }
    let n = data.count
    let batch = Swift.min(options.batchSize ?? n, n)
    var order = Array(0..<n)
    var history = History(plannedEpochs: options.epochs)
    let augmenter =
      options.augmentation.isEmpty
      ? nil : try BatchAugmenter(options.augmentation, data: data, seed: generator.next())
    // One loop, two ways of stepping, chosen here: compiled when every part has a compiled
    // form, else the graph, and the history says which and why.
    let stepper: any TrainingStep
    switch options.clipNorm != nil
      ? .graph(reason: "clip: scales the gradients between backward and the update")
      : options.compiled
        ? CompiledNetwork.compile(
          model, data: data, target: target, loss: loss, optimizer: optimizer, batch: batch,
          augmenter: augmenter)
        : .graph(reason: "compiled training is turned off")
    {
    case .compiled(let network):
      stepper = network
      history.path = .compiled
    case .graph(let reason):
      stepper = GraphStep(
        model, data: data, target: target, loss: loss, optimizer: optimizer,
        parameters: parameters, augmenter: augmenter, clipNorm: options.clipNorm)
      history.path = .graph(reason: reason)
    }
    // However the run ends — finished, cancelled or by an error — the model and optimizer
    // are left as the graph would leave them.
    defer { stepper.store() }
    // The weights after the last finite epoch, to go back to if training diverges.
    _ = stepper.checkpoint()
    // The epoch whose loss or weights were not finite, and that loss.
    var divergence: (epoch: Int, loss: Double)?
    var watch = EarlyStopping.Watch()
    let clock = ContinuousClock()
    let start = clock.now
    func elapsed() -> Double {
      let d = clock.now - start
      return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    epochs: for epoch in stride(from: 1, through: options.epochs, by: 1) {
      if options.shuffle && batch < n { generator.shuffle(&order) }
      var lossSum = 0.0
      var correct = 0
      var step = 0
      for first in stride(from: 0, to: n, by: batch) {
        step += 1
        if shouldCancel() {
          history.stop = .cancelled(epoch: epoch, step: step)
          history.seconds = elapsed()
          return history
        }
        let count = Swift.min(batch, n - first)
        let result: (loss: Double, correct: Int)
        do {
          result = try stepper.step(
            rows: count == n ? nil : order[first..<(first + count)], count: count)
        } catch let error where shouldCancel() {
          // Cancelled inside the step (a loss written in the language stops at Ctrl-C): the
          // step computes its loss before it updates, so the model keeps the last one.
          _ = error
          history.stop = .cancelled(epoch: epoch, step: step)
          history.seconds = elapsed()
          return history
        }
        guard result.loss.isFinite else {
          divergence = (epoch, result.loss)
          break epochs
        }
        lossSum += result.loss * Double(count)
        correct += result.correct
      }
      // A finite loss can still have come with an update that overflowed the weights.
      guard stepper.checkpoint(), (lossSum / Double(n)).isFinite else {
        divergence = (epoch, lossSum / Double(n))
        break
      }
      history.loss.append(lossSum / Double(n))
      history.learningRates.append(optimizer.learningRate)
      if data.classes != nil { history.accuracy.append(Double(correct) / Double(n)) }
      if options.validation != nil || progress != nil { stepper.storeWeights() }
      if let validation = options.validation, validation.count > 0 {
        let result = try model.evaluate(on: validation, loss: loss)
        history.validationLoss.append(result.loss)
        if let a = result.accuracy { history.validationAccuracy.append(a) }
      }
      options.schedule?.update(
        loss: history.validationLoss.last ?? history.loss[history.loss.count - 1],
        optimizer: optimizer)
      progress?(
        EpochReport(
          epoch: epoch, epochs: options.epochs, loss: history.loss[history.loss.count - 1],
          validationLoss: options.validation == nil ? nil : history.validationLoss.last,
          accuracy: history.accuracy.last,
          validationAccuracy: options.validation == nil ? nil : history.validationAccuracy.last,
          learningRate: optimizer.learningRate, elapsed: elapsed()))
      if let early = options.earlyStopping {
        let monitored = history.validationLoss.last ?? history.loss[history.loss.count - 1]
        if watch.record(monitored, epoch: epoch) {
          if early.restoresBest { stepper.keepBest() }
        } else if epoch - watch.bestEpoch >= early.patience {
          let restored = early.restoresBest && watch.bestEpoch > 0
          if restored { stepper.restoreBest() }
          history.stop = .early(epoch: epoch, best: watch.bestEpoch, restored: restored)
          break
        }
      }
    }
    if let divergence {
      stepper.rollback()
      history.stop = .diverged(
        epoch: divergence.epoch, loss: divergence.loss, learningRate: optimizer.learningRate)
    }
    history.seconds = elapsed()
    return history
  }

  /// As above, shuffling with a generator seeded from the session's stream.
  public static func fit(
    _ model: any Layer, on data: Dataset, loss: Loss, optimizer: any Optimizer,
    options: TrainingOptions = TrainingOptions(),
    progress: ((EpochReport) -> Void)? = nil, shouldCancel: () -> Bool = { false }
  ) throws -> History {
    var generator = RandomGenerator.withShared { RandomGenerator(seed: $0.next()) }
    return try fit(
      model, on: data, loss: loss, optimizer: optimizer, options: options, using: &generator,
      progress: progress, shouldCancel: shouldCancel)
  }

  /// The targets a loss compares with the model's outputs (`[n] + outputs`): class labels
  /// become one-hot rows when the model has one output per class and the loss compares whole
  /// rows; other targets must have as many values per sample as the model has outputs, and
  /// take the outputs' shape when only axes of size 1 differ (`[n, 1]` for outputs `[1, 1]`).
  static func target(for data: Dataset, outputs: [Int], loss: Loss) throws -> Tensor {
    let width = outputs.reduce(1, *)
    guard let classes = data.classes, width > 1, data.targetShape == [1] else {
      let perSample = data.targetShape.reduce(1, *)
      if perSample != width && !loss.function.takesClassIndices {
        throw TensorError(
          .shape,
          "the model gives \(width) output\(width == 1 ? "" : "s") per sample but \(data.name) "
            + "has \(perSample) target\(perSample == 1 ? "" : "s")")
      }
      if perSample != width || data.targetShape == outputs { return data.y }
      guard data.targetShape.filter({ $0 != 1 }) == outputs.filter({ $0 != 1 }) else {
        throw TensorError(
          .shape,
          "the model gives outputs of shape \(Shape.describe(outputs)) per sample but "
            + "\(data.name)'s targets are \(Shape.describe(data.targetShape)); reshape y to "
            + "\(Shape.describe([data.count] + outputs)) (or end the model in that shape)")
      }
      return try data.y.reshaped([data.count] + outputs)
    }
    guard classes <= width else {
      throw TensorError(
        .shape,
        "\(data.name) has \(classes) classes but the model gives only \(width) outputs")
    }
    if loss.function.takesClassIndices { return data.y }
    var oneHot = [Double](repeating: 0, count: data.count * width)
    for (i, label) in data.y.scalars.enumerated() { oneHot[i * width + Int(label)] = 1 }
    return try Tensor(shape: [data.count] + outputs, scalars: oneHot)
  }
}
