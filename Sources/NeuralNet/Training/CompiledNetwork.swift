import Foundation
import TensorEngine

/// A model of dense layers and activations, compiled for training: its parameters, their
/// gradients, the optimizer's moments and every intermediate value live in one buffer
/// allocated once, and a step runs the forward pass, the loss, the backward pass and the
/// optimizer's update over that buffer with no allocation and no graph.
///
/// The arithmetic is the graph's — the engine's `gemm`, elementwise and softmax kernels, the
/// optimizers' own update — and the gradients are the pullbacks of the graph written out:
///
/// ```
/// forward   z = x · Wᵀ + b,  a = f(z)            per dense layer and its activations
/// backward  dz = da ⊙ f′(z),  dW = dzᵀ · x,  db = Σ_rows dz,  dx = dz · W
/// ```
/// so a compiled run and a graph run of the same training agree to rounding (the tests
/// hold them to 1e-9 after 100 steps). `Training.fit` uses it whenever `init` accepts the
/// model, loss, optimizer and data; anything else trains on the graph.
final class CompiledNetwork {
  /// A dense layer and the activations applied after it, in order.
  private struct Stage {
    let inputs: Int
    let outputs: Int
    /// Offsets of W `[outputs, inputs]` and b `[outputs]` among the parameters (and of
    /// their gradients among the gradients).
    let weight: Int
    let bias: Int
    /// Where this stage's activations start in `activations`.
    let firstActivation: Int
    /// How many of the stage's activations a step applies: all but a final softmax or
    /// sigmoid that the loss reads as logits.
    let applied: Int
    /// Where z starts in the buffer; the output of activation k follows at (k + 1) · `size`.
    let values: Int
    /// `batch · outputs`, the room for one intermediate.
    let size: Int
  }

  /// The loss and the form of its target.
  private enum Objective {
    case mse, hinge
    /// BCE of probabilities, clipped to [1e−12, 1 − 1e−12].
    case bce
    /// BCE from the logits of a final sigmoid.
    case bceLogits
    /// Softmax cross-entropy of logits against class indices or probability rows.
    case crossEntropy(indices: Bool)
  }

  private enum Update {
    case sgd(SGD)
    case adam(Adam)
  }

  private let stages: [Stage]
  /// The activations of every stage, in order; a stage holds indices into it so that it
  /// stays a plain value the step loop copies without reference counting.
  private let activations: [Activation]
  private let objective: Objective
  private let update: Update
  private let parameters: [Tensor]
  /// Whether each parameter is frozen, fixed when compiled: its gradient is computed for the
  /// layers before it, and the update skips it.
  private let frozen: [Bool]
  /// Offset of each parameter in the parameter buffer.
  private let offsets: [Int]
  /// Each parameter's state in the optimizer; nil for SGD without momentum.
  private let states: [ParameterState]?
  private var adamSteps: [Int]
  private let parameterCount: Int

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
  private let first: UnsafeMutablePointer<Double>
  private let second: UnsafeMutablePointer<Double>
  private let gatheredX: UnsafeMutablePointer<Double>
  private let gatheredTarget: UnsafeMutablePointer<Double>
  /// Two scratch buffers for the gradient flowing back, each `batch · widest output`: the
  /// gradient of the input is never formed.
  private let scratch: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
  /// Whether any step has run, so that there are gradients to write back.
  private var stepped = false
  /// The weights of the last `checkpoint`, which `rollback` restores.
  private let saved: UnsafeMutablePointer<Double>

  /// Compiles `model` for training on `data` (with targets `target`, in minibatches of at
  /// most `batch`); nil when the model, loss, optimizer or targets have no compiled form.
  init?(
    _ model: any Layer, data: Dataset, target: Tensor, loss: Loss, optimizer: any Optimizer,
    batch: Int
  ) {
    // Compiled training runs the evaluation form, so a layer that trains differently
    // (dropout) needs the graph.
    guard model.isDeterministicInTraining else { return nil }
    // The stages: each dense layer with the activations that follow it.
    var layout: [(dense: AffineStage, activations: [Activation])] = []
    for layer in model.layers {
      if let dense = layer.affineStage {
        layout.append((dense, dense.activation == .identity ? [] : [dense.activation]))
      } else if let activation = (layer as? ActivationLayer)?.activation, !layout.isEmpty {
        if activation != .identity { layout[layout.count - 1].activations.append(activation) }
      } else {
        return nil
      }
    }
    guard let last = layout.last, let lastLayer = model.layers.last else { return nil }
    // A trailing identity layer makes the model's output activation the one before it while
    // its logits stay the output; the graph's reading of that is kept by not compiling it.
    if let trailing = lastLayer as? ActivationLayer, trailing.activation == .identity {
      return nil
    }
    let outputActivation = model.outputActivation
    guard (last.activations.last ?? .identity) == outputActivation else { return nil }

    let parameters = model.parameters
    guard Set(parameters.map(ObjectIdentifier.init)).count == parameters.count,
      layout[0].dense.inputs == data.features, data.x.rank == 2
    else { return nil }
    let n = data.count
    let width = last.dense.outputs
    let wantsLogits = loss.wantsLogits(after: outputActivation)
    let skipsFinal = wantsLogits && outputActivation?.hasLogits == true

    switch loss {
    case .mse, .hinge, .bce:
      guard target.shape == [n, width] else { return nil }
      objective =
        loss == .mse ? .mse : loss == .hinge ? .hinge : wantsLogits ? .bceLogits : .bce
      targetWidth = width
    case .crossEntropy:
      guard width >= 2 else { return nil }
      if target.count == n && (target.rank <= 1 || target.shape.last == 1) {
        let valid = target.scalars.allSatisfy {
          $0 >= 0 && $0 < Double(width) && $0 == $0.rounded()
        }
        guard valid else { return nil }
        objective = .crossEntropy(indices: true)
        targetWidth = 1
      } else if target.shape == [n, width] {
        objective = .crossEntropy(indices: false)
        targetWidth = width
      } else {
        return nil
      }
    }
    switch optimizer {
    case let sgd as SGD:
      update = .sgd(sgd)
      states = sgd.momentum == 0 ? nil : parameters.map { sgd.states.state(for: $0, moments: 1) }
    case let adam as Adam:
      update = .adam(adam)
      states = parameters.map { adam.states.state(for: $0, moments: 2) }
    default:
      return nil
    }
    if data.classes != nil { guard data.y.shape == [n, 1] else { return nil } }

    // The buffer: parameters, gradients, two moments, each stage's intermediates, the
    // gathered minibatch and two scratch rows of gradients.
    var offsets: [Int] = []
    var total = 0
    for p in parameters {
      offsets.append(total)
      total += p.count
    }
    let parameterCount = total
    var stages: [Stage] = []
    var allActivations: [Activation] = []
    var values = 4 * parameterCount
    var widest = 1
    for (i, (dense, activations)) in layout.enumerated() {
      let size = batch * dense.outputs
      let applied = activations.count - (i == layout.count - 1 && skipsFinal ? 1 : 0)
      stages.append(
        Stage(
          inputs: dense.inputs, outputs: dense.outputs, weight: offsets[2 * i],
          bias: offsets[2 * i + 1], firstActivation: allActivations.count,
          applied: applied, values: values, size: size))
      allActivations += activations
      values += (activations.count + 1) * size
      widest = Swift.max(widest, dense.outputs)
    }
    // A full batch reads the data in place; only minibatches are gathered.
    let gathered = batch < n ? batch : 0
    let gatherOffset = values
    let targetOffset = gatherOffset + gathered * data.features
    let scratchOffset = targetOffset + gathered * targetWidth
    let size = scratchOffset + 2 * batch * widest
    guard (try? Tensor.checkMemory(elements: size)) != nil else { return nil }

    buffer = .allocate(capacity: size)
    buffer.initialize(repeating: 0, count: size)
    saved = .allocate(capacity: Swift.max(1, parameterCount))
    saved.initialize(repeating: 0, count: Swift.max(1, parameterCount))
    weights = buffer
    gradients = buffer + parameterCount
    first = buffer + 2 * parameterCount
    second = buffer + 3 * parameterCount
    gatheredX = buffer + gatherOffset
    gatheredTarget = buffer + targetOffset
    scratch = (buffer + scratchOffset, buffer + scratchOffset + batch * widest)

    self.stages = stages
    activations = allActivations
    self.parameters = parameters
    frozen = parameters.map(\.isFrozen)
    self.offsets = offsets
    self.parameterCount = parameterCount
    adamSteps = states?.map(\.steps) ?? []
    xs = data.x.scalars
    targets = target.scalars
    labels = data.classes == nil ? nil : data.y.scalars
    features = data.features
    self.width = width
    threshold = Training.decisionThreshold(outputActivation, fromLogits: skipsFinal)

    for (i, p) in parameters.enumerated() {
      p.scalars.withUnsafeBufferPointer { src in
        for j in src.indices { weights[offsets[i] + j] = src[j] }
      }
    }
    if let states {
      for (i, state) in states.enumerated() {
        for (j, value) in state.first.enumerated() { first[offsets[i] + j] = value }
        for (j, value) in state.second.enumerated() { second[offsets[i] + j] = value }
      }
    }
  }

  deinit {
    buffer.deallocate()
    saved.deallocate()
  }

  /// Keeps a copy of the weights as they are now when every one is finite; returns whether
  /// they were (a copy that is not is not kept).
  func checkpoint() -> Bool {
    // w · 0 is 0 for a finite w and nan for ±inf or nan: one sum tests them all.
    var probe = 0.0
    for i in 0..<parameterCount { probe += weights[i] * 0 }
    guard probe == 0 else { return false }
    saved.update(from: weights, count: parameterCount)
    return true
  }

  /// Puts back the weights of the last `checkpoint`.
  func rollback() {
    weights.update(from: saved, count: parameterCount)
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
          var r = 0
          for row in rows {
            for j in 0..<features { gatheredX[r * features + j] = xs[row * features + j] }
            for j in 0..<targetWidth {
              gatheredTarget[r * targetWidth + j] = targets[row * targetWidth + j]
            }
            r += 1
          }
          x = UnsafePointer(gatheredX)
          t = UnsafePointer(gatheredTarget)
        }
        let output = forward(x, count: m)
        let correct = labels.map { countCorrect(output, rows: rows, count: m, labels: $0) } ?? 0
        let loss = lossAndGradient(output, t, count: m, into: scratch.0)
        // Training stops at a loss that is not finite (see `Training.fit`): no update.
        guard loss.isFinite else { return (loss, correct) }
        backward(x, count: m)
        applyUpdate()
        return (loss, correct)
      }
    }
  }

  /// Runs the stages on `m` samples; returns the last stage's output (or logits).
  private func forward(_ x: UnsafePointer<Double>, count m: Int) -> UnsafePointer<Double> {
    var input = x
    for stage in stages {
      let (inputs, outputs) = (stage.inputs, stage.outputs)
      let z = buffer + stage.values
      let bias = weights + stage.bias
      for r in 0..<m {
        for j in 0..<outputs { z[r * outputs + j] = bias[j] }
      }
      Tensor.gemm(
        transA: false, transB: true, m: m, n: outputs, k: inputs, a: input, lda: inputs,
        b: weights + stage.weight, ldb: inputs, c: z, ldc: outputs, beta: 1)
      var current = z
      for k in 0..<stage.applied {
        let next = current + stage.size
        let count = m * outputs
        if let op = activations[stage.firstActivation + k].elementwise {
          op.forward(
            UnsafeBufferPointer(start: current, count: count),
            UnsafeMutableBufferPointer(start: next, count: count))
        } else {
          next.update(from: current, count: count)
          for r in 0..<m {
            Tensor.softmaxSlice(next + r * outputs, count: outputs, stride: 1, log: false)
          }
        }
        current = next
      }
      input = UnsafePointer(current)
    }
    return input
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

  /// The mean loss of `m` outputs against targets `t`, writing ∂loss/∂output into `g`.
  private func lossAndGradient(
    _ o: UnsafePointer<Double>, _ t: UnsafePointer<Double>, count m: Int,
    into g: UnsafeMutablePointer<Double>
  ) -> Double {
    let count = m * width
    let scale = 1 / Double(count)
    var total = 0.0
    switch objective {
    case .mse:
      for i in 0..<count {
        let d = o[i] - t[i]
        total += d * d
        g[i] = scale * d + scale * d
      }
      return total * scale
    case .hinge:
      for i in 0..<count {
        let sign: Double = t[i] > 0 ? 1 : -1
        let margin = 1 - sign * o[i]
        total += margin > 0 ? margin : 0
        g[i] = margin > 0 ? -scale * sign : 0
      }
      return total * scale
    case .bce:
      let (low, high) = (1e-12, 1 - 1e-12)
      for i in 0..<count {
        let p = Swift.min(Swift.max(o[i], low), high)
        total += t[i] * Foundation.log(p) + (1 - t[i]) * Foundation.log(1 - p)
        let dp = (-scale * t[i]) / p - (-scale * (1 - t[i])) / (1 - p)
        g[i] = o[i] >= low && o[i] <= high ? dp : 0
      }
      return -(total * scale)
    case .bceLogits:
      // max(z, 0) − z·t + log(1 + e^−|z|), each term's derivative as the graph has it.
      for i in 0..<count {
        let z = o[i]
        let e = Foundation.exp(-Swift.abs(z))
        total += (z > 0 ? z : 0) - z * t[i] + Foundation.log(1 + e)
        let softplus = -(scale / (1 + e) * e)
        g[i] = (z > 0 ? scale : 0) - scale * t[i] + (z > 0 ? softplus : z < 0 ? -softplus : 0)
      }
      return total * scale
    case .crossEntropy(let indices):
      // −1/m Σ t · log_softmax(z); the log-softmax is formed in g, then turned into its
      // gradient in place.
      let a = -1 / Double(m)
      for r in 0..<m {
        let row = g + r * width
        row.update(from: o + r * width, count: width)
        Tensor.softmaxSlice(row, count: width, stride: 1, log: true)
        var dot = 0.0
        for j in 0..<width {
          let target = indices ? (Int(t[r]) == j ? 1.0 : 0.0) : t[r * width + j]
          total += target * row[j]
          dot += a * target
        }
        for j in 0..<width {
          let target = indices ? (Int(t[r]) == j ? 1.0 : 0.0) : t[r * width + j]
          row[j] = a * target - Foundation.exp(row[j]) * dot
        }
      }
      return -(total / Double(m))
    }
  }

  /// Back-propagates the gradient in `scratch.0` through the stages, writing every
  /// parameter's gradient.
  private func backward(_ x: UnsafePointer<Double>, count m: Int) {
    var g = scratch.0
    var spare = scratch.1
    for s in stages.indices.reversed() {
      let stage = stages[s]
      let (inputs, outputs) = (stage.inputs, stage.outputs)
      let count = m * outputs
      let z = buffer + stage.values
      for k in stride(from: stage.applied - 1, through: 0, by: -1) {
        let before = z + k * stage.size
        let after = z + (k + 1) * stage.size
        if let op = activations[stage.firstActivation + k].elementwise {
          op.backward(
            UnsafeBufferPointer(start: g, count: count),
            UnsafeBufferPointer(start: before, count: count),
            UnsafeBufferPointer(start: after, count: count),
            UnsafeMutableBufferPointer(start: g, count: count))
        } else {
          for r in 0..<m {
            Tensor.softmaxSliceBackward(
              g + r * outputs, output: after + r * outputs, count: outputs, stride: 1, log: false)
          }
        }
      }
      let input: UnsafePointer<Double>
      if s == 0 {
        input = x
      } else {
        let previous = stages[s - 1]
        input = UnsafePointer(buffer + previous.values + previous.applied * previous.size)
      }
      Tensor.gemm(
        transA: true, transB: false, m: outputs, n: inputs, k: m, a: g, lda: outputs, b: input,
        ldb: inputs, c: gradients + stage.weight, ldc: inputs, beta: 0)
      let db = gradients + stage.bias
      db.update(repeating: 0, count: outputs)
      for r in 0..<m {
        for j in 0..<outputs { db[j] += g[r * outputs + j] }
      }
      if s > 0 {
        Tensor.gemm(
          transA: false, transB: false, m: m, n: inputs, k: outputs, a: g, lda: outputs,
          b: weights + stage.weight, ldb: inputs, c: spare, ldc: inputs, beta: 0)
        swap(&g, &spare)
      }
    }
  }

  /// The optimizer's update of every parameter from its gradient.
  private func applyUpdate() {
    switch update {
    case .sgd(let sgd):
      // Every parameter gets the same elementwise update, so the whole buffer goes at once
      // unless some are frozen.
      guard frozen.contains(true) else {
        sgd.update(
          weights, gradients, velocity: states == nil ? nil : first, count: parameterCount)
        return
      }
      for i in offsets.indices where !frozen[i] {
        let o = offsets[i]
        sgd.update(
          weights + o, gradients + o, velocity: states == nil ? nil : first + o,
          count: parameters[i].count)
      }
    case .adam(let adam):
      for i in offsets.indices where !frozen[i] {
        adamSteps[i] += 1
        let o = offsets[i]
        adam.update(
          weights + o, gradients + o, first + o, second + o, count: parameters[i].count,
          step: adamSteps[i])
      }
    }
  }

  /// Writes the weights into the model's parameters.
  func storeWeights() {
    for (i, p) in parameters.enumerated() {
      p.updateScalars { dst in
        for j in dst.indices { dst[j] = weights[offsets[i] + j] }
      }
    }
  }

  /// Writes the weights, the last step's gradients and the optimizer's moments back, so that
  /// the model and optimizer are as a graph run would have left them.
  func store() {
    storeWeights()
    guard stepped else { return }
    for (i, p) in parameters.enumerated() {
      let values = Array(UnsafeBufferPointer(start: gradients + offsets[i], count: p.count))
      p.grad = try? Tensor(shape: p.shape, scalars: values)
    }
    guard let states else { return }
    for (i, state) in states.enumerated() {
      let o = offsets[i]
      for j in state.first.indices { state.first[j] = first[o + j] }
      for j in state.second.indices { state.second[j] = second[o + j] }
      if case .adam = update { state.steps = adamSteps[i] }
    }
  }
}
