import Foundation
import TensorEngine

/// A model compiled for training: a chain of its layers' `CompiledStage`s, its loss's
/// `CompiledLoss` and its optimizer's `CompiledOptimizer`. The parameters, their gradients
/// and every intermediate value live in one buffer allocated once, and a step runs the
/// forward pass, the loss, the backward pass and the update over that buffer with no
/// allocation and no graph. It knows no layer, loss or optimizer by type: each part opts in
/// by giving its form over buffers, and a part without one sends training to the graph,
/// with the reason (`Compilation.graph`).
///
/// The stages' arithmetic is the graph's written out, so a compiled run and a graph run of
/// the same training agree to rounding (the tests hold them to 1e-9 after 100 steps).
final class CompiledNetwork: TrainingStep {
  /// One stage and where its memory lies.
  private struct Placed {
    let stage: any CompiledStage
    /// Offset of the stage's first parameter among the parameters (and of its gradient
    /// among the gradients).
    let weights: Int
    /// Where its output and its workspace start in the buffer.
    let output: Int
    let workspace: Int
  }

  private let stages: [Placed]
  private let loss: any CompiledLoss
  private let optimizer: any CompiledOptimizer
  private let layout: ParameterLayout

  private let xs: [Double]
  private let targets: [Double]
  private let labels: [Double]?
  private let features: Int
  private let targetWidth: Int
  private let width: Int
  /// The value at or above which a single output is class 1.
  private let threshold: Double

  private let buffer: UnsafeMutablePointer<Double>
  private let weights: UnsafeMutablePointer<Double>
  private let gradients: UnsafeMutablePointer<Double>
  private let gatheredX: UnsafeMutablePointer<Double>
  private let gatheredTarget: UnsafeMutablePointer<Double>
  /// Two scratch buffers for the gradient flowing back, each `batch · widest`: the
  /// gradient of the data is never formed.
  private let scratch: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
  /// Whether any step has run, so that there are gradients to write back.
  private var stepped = false
  /// The weights of the last `checkpoint`, which `rollback` restores.
  private let saved: UnsafeMutablePointer<Double>
  /// The weights of the best epoch (early stopping), allocated when first kept.
  private var best: UnsafeMutablePointer<Double>?
  /// Gathers augmented minibatches, when the fit augments.
  private let augmenter: BatchAugmenter?

  /// What training runs on: the compiled network, or the graph and why.
  enum Compilation {
    case compiled(CompiledNetwork)
    case graph(reason: String)

    /// What the history records of it.
    var path: TrainingPath {
      switch self {
      case .compiled: .compiled
      case .graph(let reason): .graph(reason: reason)
      }
    }
  }

  /// Compiles `model` for training on `data` (with targets `target`, in minibatches of at
  /// most `batch`), or says why it trains on the graph.
  static func compile(
    _ model: any Layer, data: Dataset, target: Tensor, loss: Loss, optimizer: any Optimizer,
    batch: Int, augmenter: BatchAugmenter? = nil
  ) -> Compilation {
    do {
      return .compiled(
        try CompiledNetwork(
          model, data: data, target: target, loss: loss, optimizer: optimizer, batch: batch,
          augmenter: augmenter))
    } catch {
      return .graph(reason: error.reason)
    }
  }

  /// Compiles `model` for training on `data`, or throws why some part has no compiled form.
  init(
    _ model: any Layer, data: Dataset, target: Tensor, loss lossFunction: Loss,
    optimizer: any Optimizer, batch: Int, augmenter: BatchAugmenter? = nil
  ) throws(NoCompiledForm) {
    let parameters = model.parameters
    guard Set(parameters.map(ObjectIdentifier.init)).count == parameters.count else {
      throw NoCompiledForm("a layer is used twice")
    }
    // Any sample shape: the buffers hold each sample's values in row-major order, which is
    // the layout every stage reads (an image [c, h, w] as NCHW).
    let n = data.count
    if data.classes != nil {
      guard data.y.shape == [n, 1] else { throw NoCompiledForm("the labels are not one column") }
    }
    let outputActivation = model.outputActivation
    let fromLogits = lossFunction.wantsLogits(after: outputActivation)

    // The stages, each asked for with the shape the one before it gives.
    let layers = model.layers
    var shape = data.sampleShape
    var stages: [any CompiledStage] = []
    // One training context for every step, seeded from the session's stream when a stage
    // first draws, as the graph's is.
    let training = ForwardContext(.training)
    for (i, layer) in layers.enumerated() {
      let isLast = i == layers.count - 1
      let request = CompiledStageRequest(
        inputShape: shape, isFirst: i == 0, isLast: isLast, logits: isLast && fromLogits,
        training: training)
      let stage = layer.compiledStage(request)
      // A layer that trains differently (dropout) needs the graph unless its stage does
      // the training form.
      if stage == nil, !layer.isDeterministicInTraining {
        throw NoCompiledForm("layer \(layer) behaves differently while training")
      }
      guard let stage else {
        // A layer that has a stage elsewhere in a model lacks one only where it stands.
        let inside = CompiledStageRequest(
          inputShape: shape, isFirst: false, isLast: false, logits: false)
        let place =
          layer.compiledStage(inside) == nil
          ? "" : i == 0 ? " as the first layer" : " as the last layer"
        throw NoCompiledForm("layer \(layer) has no compiled form\(place)")
      }
      stages.append(stage)
      // The next layer is asked with the shape this one gives, which its stage must fill.
      guard let next = try? layer.outputShape(for: shape),
        next.reduce(1, *) == stage.outputWidth
      else { throw NoCompiledForm("layer \(layer) has no compiled form for its input") }
      shape = next
    }
    guard !stages.isEmpty else { throw NoCompiledForm("the model has no layers") }
    // The stages' parameters, in their order, must be the model's: the gradients are
    // written where the update and `store` look for them.
    let staged = stages.flatMap(\.parameters)
    guard staged.count == parameters.count, zip(staged, parameters).allSatisfy({ $0 === $1 })
    else { throw NoCompiledForm("the layers' compiled stages do not hold the model's parameters") }

    guard shape.count == 1 else {
      throw NoCompiledForm("the model's output \(Shape.describe(shape)) is not one row per sample")
    }
    let width = shape[0]
    switch lossFunction.function.compiled(
      width: width, target: target, samples: n, fromLogits: fromLogits)
    {
    case .success(let form): loss = form
    case .failure(let reason): throw reason
    }
    layout = ParameterLayout(parameters)
    guard let update = optimizer.compiled(for: layout) else {
      throw NoCompiledForm("the optimizer \(optimizer) has no compiled form")
    }
    self.optimizer = update
    targetWidth = loss.targetWidth

    // The buffer: parameters, gradients, each stage's output and workspace, the gathered
    // minibatch and two scratch rows of gradients.
    let parameterCount = layout.count
    var placed: [Placed] = []
    var offset = 2 * parameterCount
    var widest = 1
    var weightOffset = 0
    for stage in stages {
      let output = offset
      offset += batch * stage.outputWidth
      placed.append(
        Placed(stage: stage, weights: weightOffset, output: output, workspace: offset))
      offset += batch * stage.workspaceWidth
      weightOffset += stage.parameters.reduce(0) { $0 + $1.count }
      widest = Swift.max(widest, stage.outputWidth)
    }
    // A full batch reads the data in place; only minibatches (and augmented batches) are
    // gathered.
    let gathered = batch < n || augmenter != nil ? batch : 0
    let gatherOffset = offset
    let targetOffset = gatherOffset + gathered * data.features
    let scratchOffset = targetOffset + gathered * targetWidth
    let size = scratchOffset + 2 * batch * widest
    // The optimizer keeps up to two moments per parameter beside it.
    guard (try? Tensor.checkMemory(elements: size + 2 * parameterCount)) != nil else {
      throw NoCompiledForm("the compiled buffers would not fit in the session's memory")
    }

    buffer = .allocate(capacity: size)
    buffer.initialize(repeating: 0, count: size)
    saved = .allocate(capacity: Swift.max(1, parameterCount))
    saved.initialize(repeating: 0, count: Swift.max(1, parameterCount))
    weights = buffer
    gradients = buffer + parameterCount
    gatheredX = buffer + gatherOffset
    gatheredTarget = buffer + targetOffset
    scratch = (buffer + scratchOffset, buffer + scratchOffset + batch * widest)

    self.stages = placed
    self.augmenter = augmenter
    xs = data.x.scalars
    targets = target.scalars
    labels = data.classes == nil ? nil : data.y.scalars
    features = data.features
    self.width = width
    threshold = Training.decisionThreshold(outputActivation, fromLogits: fromLogits)

    for (i, p) in parameters.enumerated() {
      p.scalars.withUnsafeBufferPointer { src in
        for j in src.indices { weights[layout.offsets[i] + j] = src[j] }
      }
    }
  }

  deinit {
    buffer.deallocate()
    saved.deallocate()
    best?.deallocate()
  }

  /// Keeps a copy of the weights as they are now when every one is finite; returns whether
  /// they were (a copy that is not is not kept).
  func checkpoint() -> Bool {
    // w · 0 is 0 for a finite w and nan for ±inf or nan: one sum tests them all.
    var probe = 0.0
    for i in 0..<layout.count { probe += weights[i] * 0 }
    guard probe == 0 else { return false }
    saved.update(from: weights, count: layout.count)
    return true
  }

  /// Puts back the weights of the last `checkpoint`.
  func rollback() {
    weights.update(from: saved, count: layout.count)
  }

  func keepBest() {
    if best == nil {
      best = .allocate(capacity: Swift.max(1, layout.count))
      best?.initialize(repeating: 0, count: Swift.max(1, layout.count))
    }
    best?.update(from: weights, count: layout.count)
  }

  func restoreBest() {
    if let best { weights.update(from: best, count: layout.count) }
  }

  /// One training step on the samples at `rows` (all samples in order when nil): forward,
  /// loss, backward and update. Returns the batch's mean loss and, for classification, how
  /// many of its samples the model classified correctly before the update.
  func step(rows: ArraySlice<Int>?, count m: Int) -> (loss: Double, correct: Int) {
    stepped = true
    return xs.withUnsafeBufferPointer { xs in
      targets.withUnsafeBufferPointer { targets in
        guard let xs = xs.baseAddress, let targets = targets.baseAddress else { return (0, 0) }
        var x = xs
        var t = targets
        if let rows {
          // An augmenter gathers the inputs itself (below), transformed: only the targets
          // are copied here then.
          let copiesInputs = augmenter == nil
          var r = 0
          for row in rows {
            if copiesInputs {
              for j in 0..<features { gatheredX[r * features + j] = xs[row * features + j] }
            }
            for j in 0..<targetWidth {
              gatheredTarget[r * targetWidth + j] = targets[row * targetWidth + j]
            }
            r += 1
          }
          x = UnsafePointer(gatheredX)
          t = UnsafePointer(gatheredTarget)
        }
        if let augmenter {
          augmenter.gather(rows: rows, count: m, into: gatheredX)
          x = UnsafePointer(gatheredX)
        }
        let output = forward(x, count: m)
        let correct = labels.map { countCorrect(output, rows: rows, count: m, labels: $0) } ?? 0
        let value = loss.lossAndGradient(output, t, rows: m, width: width, into: scratch.0)
        // Training stops at a loss that is not finite (see `Training.fit`): no update.
        guard value.isFinite else { return (value, correct) }
        backward(x, count: m)
        optimizer.update(weights, gradients)
        return (value, correct)
      }
    }
  }

  /// Runs the stages on `m` samples; returns the last stage's output.
  private func forward(_ x: UnsafePointer<Double>, count m: Int) -> UnsafePointer<Double> {
    // Through the array's buffer, so that no stage is copied (and retained) per step.
    stages.withUnsafeBufferPointer { stages in
      var input = x
      for s in stages.indices {
        let y = buffer + stages[s].output
        stages[s].stage.forward(
          input, y, workspace: buffer + stages[s].workspace, rows: m,
          weights: weights + stages[s].weights)
        input = UnsafePointer(y)
      }
      return input
    }
  }

  /// The classes predicted from `output` that match their labels: a single output against
  /// the threshold, several by their largest (the first of equals).
  private func countCorrect(
    _ output: UnsafePointer<Double>, rows: ArraySlice<Int>?, count m: Int, labels: [Double]
  ) -> Int {
    var correct = 0
    let start = rows?.startIndex ?? 0
    for r in 0..<m {
      let predicted = Training.predictedClass(
        output + r * width, width: width, threshold: threshold)
      if Double(predicted) == labels[rows?[start + r] ?? r] { correct += 1 }
    }
    return correct
  }

  /// Back-propagates the gradient in `scratch.0` through the stages, writing every
  /// parameter's gradient.
  private func backward(_ x: UnsafePointer<Double>, count m: Int) {
    stages.withUnsafeBufferPointer { stages in
      var g = scratch.0
      var spare = scratch.1
      for s in stages.indices.reversed() {
        let input = s == 0 ? x : UnsafePointer(buffer + stages[s - 1].output)
        stages[s].stage.backward(
          g, x: input, y: buffer + stages[s].output, workspace: buffer + stages[s].workspace,
          rows: m, weights: weights + stages[s].weights,
          gradients: gradients + stages[s].weights, dx: s == 0 ? nil : spare)
        swap(&g, &spare)
      }
    }
  }

  /// Writes the weights into the model's parameters.
  func storeWeights() {
    for (i, p) in layout.parameters.enumerated() {
      p.updateScalars { dst in
        for j in dst.indices { dst[j] = weights[layout.offsets[i] + j] }
      }
    }
  }

  /// Writes the weights, the last step's gradients and the optimizer's moments back, so that
  /// the model and optimizer are as a graph run would have left them.
  func store() {
    storeWeights()
    guard stepped else { return }
    for (i, p) in layout.parameters.enumerated() {
      let values = Array(
        UnsafeBufferPointer(start: gradients + layout.offsets[i], count: p.count))
      p.grad = try? Tensor(shape: p.shape, scalars: values)
    }
    optimizer.store()
  }
}
