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
///
/// A large batch runs in two parts at once, on two threads, when every stage splits rows
/// (`CompiledStage.splitsRows`): forward on each half, the loss over the whole batch, then
/// backward on each half into its own gradients, which are summed. The parts depend on the
/// batch alone, never on the machine's cores, so a notebook gives the same numbers
/// everywhere.
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
    /// Values per sample of its output and its workspace, so that a part of the batch
    /// finds its rows.
    let outputWidth: Int
    let workspaceWidth: Int
  }

  /// The multiply-adds of a forward pass over a batch from which it splits in two: below
  /// it, waking a second thread costs more than it saves (a 2-64-64-3 network on 64
  /// samples, 0.3 M, does not split; the benchmark's CNN, 12 M, does).
  static let splitWork = 2_000_000
  /// The fewest rows of a part.
  static let partRows = 4

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
  /// How many parts a full batch runs in (1 or 2).
  let parts: Int
  /// The second part's gradients, summed into `gradients` after backward.
  private let partGradients: UnsafeMutablePointer<Double>
  /// Values per row of the scratch buffers: the widest stage output.
  private let widest: Int
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
    var work = 0
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
      work = work &+ ((try? layer.multiplyAdds(for: shape)) ?? 0)
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
        Placed(
          stage: stage, weights: weightOffset, output: output, workspace: offset,
          outputWidth: stage.outputWidth, workspaceWidth: stage.workspaceWidth))
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
    let (splitWork, overflow) = batch.multipliedReportingOverflow(by: work)
    parts =
      stages.allSatisfy(\.splitsRows) && (overflow || splitWork >= Self.splitWork)
        && batch >= 2 * Self.partRows ? 2 : 1
    let partOffset = scratchOffset + 2 * batch * widest
    let size = partOffset + (parts - 1) * parameterCount
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
    partGradients = buffer + partOffset
    self.widest = widest

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

  /// The row ranges a batch of `m` samples runs in: the whole, or two halves.
  private func partRanges(_ m: Int) -> [Range<Int>] {
    guard parts == 2, m >= 2 * Self.partRows else { return [0..<m] }
    let half = (m + 1) / 2
    return [0..<half, half..<m]
  }

  /// Runs `body` for each part, at once when there are two.
  private func eachPart(_ ranges: [Range<Int>], _ body: (Int) -> Void) {
    Parallel.forEach(ranges.count, body)
  }

  /// Runs the stages on `m` samples; returns the last stage's output.
  private func forward(_ x: UnsafePointer<Double>, count m: Int) -> UnsafePointer<Double> {
    let ranges = partRanges(m)
    eachPart(ranges) { forward(x, rows: ranges[$0]) }
    return UnsafePointer(buffer + stages[stages.count - 1].output)
  }

  /// Runs the stages on the samples at `rows` of the batch.
  private func forward(_ x: UnsafePointer<Double>, rows: Range<Int>) {
    let first = rows.lowerBound
    // Through the array's buffer, so that no stage is copied (and retained) per step.
    stages.withUnsafeBufferPointer { stages in
      var input = x + first * features
      for s in stages.indices {
        let y = buffer + stages[s].output + first * stages[s].outputWidth
        stages[s].stage.forward(
          input, y, workspace: buffer + stages[s].workspace + first * stages[s].workspaceWidth,
          rows: rows.count, weights: weights + stages[s].weights)
        input = UnsafePointer(y)
      }
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
    let ranges = partRanges(m)
    guard ranges.count > 1 else {
      backward(x, rows: 0..<m, gradients: gradients, g: scratch.0, spare: scratch.1)
      return
    }
    // Each part works in its own rows of the scratch buffers, `widest` values apart: the
    // loss's gradient, `width` apart, moves there (last part first, so nothing is
    // overwritten before it moves).
    for r in ranges.reversed() where r.lowerBound > 0 {
      memmove(
        scratch.0 + r.lowerBound * widest, scratch.0 + r.lowerBound * width,
        r.count * width * MemoryLayout<Double>.stride)
    }
    eachPart(ranges) { i in
      let first = ranges[i].lowerBound
      let into: UnsafeMutablePointer<Double> = i == 0 ? gradients : partGradients
      let g: UnsafeMutablePointer<Double> = scratch.0 + first * widest
      let spare: UnsafeMutablePointer<Double> = scratch.1 + first * widest
      backward(x, rows: ranges[i], gradients: into, g: g, spare: spare)
    }
    for j in 0..<layout.count { gradients[j] += partGradients[j] }
  }

  /// Back-propagates the gradient in `g` (of the samples at `rows`) through the stages,
  /// writing every parameter's gradient of those samples into `grads`.
  private func backward(
    _ x: UnsafePointer<Double>, rows: Range<Int>, gradients grads: UnsafeMutablePointer<Double>,
    g: UnsafeMutablePointer<Double>, spare: UnsafeMutablePointer<Double>
  ) {
    let first = rows.lowerBound
    stages.withUnsafeBufferPointer { stages in
      var (g, spare) = (g, spare)
      for s in stages.indices.reversed() {
        let here = stages[s]
        var input = x + first * features
        if s > 0 {
          input = UnsafePointer(buffer + stages[s - 1].output + first * stages[s - 1].outputWidth)
        }
        let y: UnsafeMutablePointer<Double> = buffer + here.output + first * here.outputWidth
        let workspace: UnsafeMutablePointer<Double> =
          buffer + here.workspace + first * here.workspaceWidth
        here.stage.backward(
          g, x: input, y: y, workspace: workspace, rows: rows.count,
          weights: weights + here.weights, gradients: grads + here.weights,
          dx: s == 0 ? nil : spare)
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
