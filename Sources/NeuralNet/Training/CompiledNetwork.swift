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
/// When every stage splits rows (`CompiledStage.splitsRows`), a batch whose values per
/// sample would not stay in the processor's cache runs in *tiles* of a few rows: forward,
/// loss and backward for one tile, its gradients added up, then the next tile through the
/// same memory, which the cache then keeps (a batch of the benchmark's CNN passes 22 MB
/// through its stages; one sample, 0.35 MB). A batch with enough work also runs in two
/// *parts* at once, on two threads, each with its own tiles and gradients, summed at the
/// end. Tiles and parts depend on the model and the batch alone, never on the machine, so
/// a notebook gives the same numbers everywhere.
final class CompiledNetwork: TrainingStep {
  /// One stage and where its memory lies.
  private struct Placed {
    /// The stage, called without a retain (see `StageCall`); `calls` owns it.
    let stage: Unmanaged<StageCall>
    /// Offset of the stage's first parameter among the parameters (and of its gradient
    /// among the gradients).
    let weights: Int
    /// Where its output and its workspace start in a part's memory.
    let output: Int
    let workspace: Int
  }

  /// The memory one part works in, one tile at a time.
  private struct Part {
    /// The stages' outputs and workspaces for one tile (`Placed` offsets from here).
    let activations: UnsafeMutablePointer<Double>
    /// The gradient flowing back, in two buffers of a tile of the widest stage output.
    let scratch: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
    /// The gradients summed over the part's tiles, and one tile's.
    let gradients: UnsafeMutablePointer<Double>
    let tileGradients: UnsafeMutablePointer<Double>
  }

  /// The multiply-adds of a forward pass over a batch from which it splits in two: below
  /// it, handing half to another thread costs more than it saves (the 2-64-64-3 network of
  /// the W2 benchmark on 64 samples, 0.28 M, splits: 50 → 33 µs a step; a 2-4-1 network on
  /// XOR, 0.0001 M, does not).
  static let splitWork = 200_000
  /// The fewest rows of a part.
  static let partRows = 4
  /// The bytes a tile's values per part may take: the second-level cache of a core of this
  /// project's machines (1 MB; half of it measured a little slower, twice as much no faster).
  static let tileBytes = 1024 * 1024
  /// The most bytes of weights for which a batch is cut into tiles: each tile reads every
  /// weight again.
  static let tiledWeightBytes = 2 * 1024 * 1024

  private let stages: [Placed]
  /// What keeps every stage's call alive as long as the network.
  private let calls: [StageCall]
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
  /// The most rows of a tile.
  let tileRows: Int
  private let partMemory: [Part]
  private let gatheredX: UnsafeMutablePointer<Double>
  private let gatheredTarget: UnsafeMutablePointer<Double>
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

    // The buffer: parameters and gradients; per part, each stage's output and workspace for
    // a tile, two tiles of scratch for the gradient flowing back (the gradient of the data
    // is never formed) and the part's gradients; the gathered minibatch.
    let parameterCount = layout.count
    let rowValues = stages.reduce(0) { $0 + $1.outputWidth + $1.workspaceWidth }
    let widest = stages.reduce(1) { Swift.max($0, $1.outputWidth) }
    let splits = stages.allSatisfy(\.splitsRows)
    let (batchWork, overflow) = batch.multipliedReportingOverflow(by: work)
    parts =
      splits && (overflow || batchWork >= Self.splitWork) && batch >= 2 * Self.partRows ? 2 : 1
    let perRow = rowValues + 2 * widest
    // A part holds at most half the batch (rounded up), so its memory need not hold more.
    let partBatch = parts == 2 ? (batch + 1) / 2 : batch
    tileRows =
      splits && parameterCount * 8 <= Self.tiledWeightBytes
      ? Swift.max(1, Swift.min(partBatch, Self.tileBytes / (8 * Swift.max(1, perRow))))
      : partBatch
    // Each stage's output and workspace for a tile of `tileRows` rows, one after another.
    var placed: [Placed] = []
    let calls = stages.map { StageCall.of($0) }
    var tileOffset = 0
    var weightOffset = 0
    for (stage, call) in zip(stages, calls) {
      let output = tileOffset
      tileOffset += tileRows * stage.outputWidth
      placed.append(
        Placed(
          stage: Unmanaged.passUnretained(call), weights: weightOffset, output: output,
          workspace: tileOffset))
      tileOffset += tileRows * stage.workspaceWidth
      weightOffset += stage.parameters.reduce(0) { $0 + $1.count }
    }
    // Tiles of a part, and the partial last one, fit the part's memory.
    let partSize = tileRows * perRow + 2 * parameterCount
    var offset = 2 * parameterCount
    let partsOffset = offset
    offset += parts * partSize
    // A full batch reads the data in place; only minibatches (and augmented batches) are
    // gathered.
    let gathered = batch < n || augmenter != nil ? batch : 0
    let gatherOffset = offset
    let targetOffset = gatherOffset + gathered * data.features
    let size = targetOffset + gathered * targetWidth
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
    let tile = tileRows
    partMemory = (0..<parts).map { [buffer] p in
      let start = buffer + partsOffset + p * partSize
      let scratch = start + tile * rowValues
      let sums = scratch + 2 * tile * widest
      // The first part sums straight into the network's gradients.
      return Part(
        activations: start, scratch: (scratch, scratch + tile * widest),
        gradients: p == 0 ? buffer + parameterCount : sums, tileGradients: sums + parameterCount)
    }

    self.stages = placed
    self.calls = calls
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
        return run(x, t, rows: rows, count: m)
      }
    }
  }

  /// What one part of a step found: the sum over its tiles of each tile's mean loss times
  /// its rows, and the samples it classified correctly.
  private struct PartResult {
    var weightedLoss = 0.0
    var correct = 0
    /// The mean loss when the part was the whole batch in one tile, exactly as the loss gave
    /// it (no product and quotient by the rows to round it).
    var loss: Double?
  }

  /// Forward, loss and backward over the batch at `x` and `t` (`m` samples, the dataset's
  /// `rows`), tile by tile in each part; the gradients summed into `gradients`; the update
  /// when the loss is finite.
  private func run(
    _ x: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows: ArraySlice<Int>?, count m: Int
  ) -> (loss: Double, correct: Int) {
    // No array here: a step of a small network takes a fraction of a microsecond.
    var first = PartResult()
    var second = PartResult()
    if parts == 2, m >= 2 * Self.partRows {
      let half = (m + 1) / 2
      withUnsafeMutablePointer(to: &first) { first in
        withUnsafeMutablePointer(to: &second) { second in
          Parallel.forEach(2) { p in
            if p == 0 {
              first.pointee = run(x, t, rows: rows, range: 0..<half, of: m, in: partMemory[0])
            } else {
              second.pointee = run(x, t, rows: rows, range: half..<m, of: m, in: partMemory[1])
            }
          }
        }
      }
      let other = partMemory[1].gradients
      for j in 0..<layout.count { gradients[j] += other[j] }
    } else {
      first = run(x, t, rows: rows, range: 0..<m, of: m, in: partMemory[0])
    }
    let correct = first.correct + second.correct
    let value = first.loss ?? (first.weightedLoss + second.weightedLoss) / Double(m)
    // Training stops at a loss that is not finite (see `Training.fit`): no update.
    guard value.isFinite else { return (value, correct) }
    optimizer.update(weights, gradients)
    return (value, correct)
  }

  /// One part of a step: the samples at `range` of a batch of `m`, tile by tile in `part`'s
  /// memory, their gradients summed into the part's.
  private func run(
    _ x: UnsafePointer<Double>, _ t: UnsafePointer<Double>, rows: ArraySlice<Int>?,
    range: Range<Int>, of m: Int, in part: Part
  ) -> PartResult {
    var result = PartResult()
    var first = range.lowerBound
    while first < range.upperBound {
      let count = Swift.min(tileRows, range.upperBound - first)
      let output = forward(x + first * features, rows: count, in: part)
      if let labels {
        result.correct += countCorrect(
          output, rows: rows, from: first, count: count, labels: labels)
      }
      let g = part.scratch.0
      let value = loss.lossAndGradient(
        output, t + first * targetWidth, rows: count, width: width, into: g)
      let whole = count == m
      if whole {
        result.loss = value
      } else {
        // The tile's mean loss and its gradient, of the mean over its rows, made the tile's
        // share of the batch's mean.
        result.weightedLoss += value * Double(count)
        let share = Double(count) / Double(m)
        for j in 0..<(count * width) { g[j] *= share }
      }
      // Nothing is updated after a loss that is not finite: its gradients do not matter.
      if value.isFinite {
        let sums = first == range.lowerBound
        backward(
          x + first * features, rows: count, in: part,
          gradients: sums ? part.gradients : part.tileGradients)
        if !sums {
          for j in 0..<layout.count { part.gradients[j] += part.tileGradients[j] }
        }
      }
      first += count
    }
    return result
  }

  /// Runs the stages on the `count` samples at `x` in `part`'s memory; returns the last
  /// stage's output.
  private func forward(_ x: UnsafePointer<Double>, rows count: Int, in part: Part)
    -> UnsafePointer<Double>
  {
    // Through the array's buffer, so that no stage is copied (and retained) per step.
    stages.withUnsafeBufferPointer { stages in
      var input = x
      for s in stages.indices {
        let y = part.activations + stages[s].output
        let here = stages[s]
        here.stage._withUnsafeGuaranteedRef {
          $0.forward(
            input, y, workspace: part.activations + here.workspace, rows: count,
            weights: weights + here.weights)
        }
        input = UnsafePointer(y)
      }
      return input
    }
  }

  /// The classes predicted from `output` (the `count` samples from row `first` of the batch)
  /// that match their labels: a single output against the threshold, several by their
  /// largest (the first of equals).
  private func countCorrect(
    _ output: UnsafePointer<Double>, rows: ArraySlice<Int>?, from first: Int, count: Int,
    labels: [Double]
  ) -> Int {
    var correct = 0
    let start = rows?.startIndex ?? 0
    for r in 0..<count {
      let predicted = Training.predictedClass(
        output + r * width, width: width, threshold: threshold)
      let row = rows?[start + first + r] ?? first + r
      if Double(predicted) == labels[row] { correct += 1 }
    }
    return correct
  }

  /// Back-propagates the gradient in the part's first scratch buffer (of the `count`
  /// samples at `x`) through the stages, writing every parameter's gradient into `grads`.
  private func backward(
    _ x: UnsafePointer<Double>, rows count: Int, in part: Part,
    gradients grads: UnsafeMutablePointer<Double>
  ) {
    stages.withUnsafeBufferPointer { stages in
      var (g, spare) = part.scratch
      for s in stages.indices.reversed() {
        let here = stages[s]
        let input = s == 0 ? x : UnsafePointer(part.activations + stages[s - 1].output)
        let dx = s == 0 ? nil : spare
        here.stage._withUnsafeGuaranteedRef {
          $0.backward(
            g, x: input, y: part.activations + here.output,
            workspace: part.activations + here.workspace, rows: count,
            weights: weights + here.weights, gradients: grads + here.weights, dx: dx)
        }
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
