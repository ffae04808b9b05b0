import TensorEngine

/// A fully connected layer:
///
/// ```
/// y = f(x · Wᵀ + b)        W: [out, in],  b: [out]
/// ```
/// Row j of `W` holds the weights into unit j, as in PyTorch's `Linear` and the lecture's
/// figures. `x` is a batch `[n, in]` or a single sample `[in]`.
public final class Dense: Layer {
  public let inputs: Int
  public let outputs: Int
  public let activation: Activation
  /// The weights, a parameter of shape `[out, in]`; a layer made without them draws them
  /// here when first asked (see `materializeParameters`).
  public var weight: Tensor { store.tensors.weight }
  /// The biases, a parameter of shape `[out]`.
  public var bias: Tensor { store.tensors.bias }
  private let store: DeferredParameters

  /// A layer with the given weights, or weights drawn now from `generator` by `initializer`
  /// (He for the ReLU family, Xavier otherwise), and zero biases.
  public convenience init(
    _ inputs: Int, _ outputs: Int, activation: Activation = .identity,
    weight: Tensor? = nil, bias: Tensor? = nil, initializer: Initializer? = nil,
    using generator: inout RandomGenerator
  ) throws {
    try self.init(
      inputs, outputs, activation: activation, weight: weight, bias: bias,
      initializer: initializer, seed: nil, generator: &generator)
  }

  /// Checks the configuration; with a `seed` and no given weight the weights are deferred,
  /// else drawn from `generator` at once.
  private init(
    _ inputs: Int, _ outputs: Int, activation: Activation, weight: Tensor?, bias: Tensor?,
    initializer: Initializer?, seed: UInt64?, generator: inout RandomGenerator,
    deferred: DeferredParameters? = nil
  ) throws {
    guard inputs >= 1, outputs >= 1 else {
      throw TensorError(
        .argument, "dense needs at least 1 input and 1 output, not \(inputs) and \(outputs)")
    }
    if let weight, weight.shape != [outputs, inputs] {
      throw TensorError(
        .shape,
        "dense(\(inputs), \(outputs)) needs w of shape [\(outputs), \(inputs)] (one row per "
          + "output unit), not \(Shape.describe(weight.shape))")
    }
    if let bias, bias.count != outputs || bias.rank > 1 {
      throw TensorError(
        .shape,
        "dense(\(inputs), \(outputs)) needs b of shape [\(outputs)], not \(Shape.describe(bias.shape))"
      )
    }
    self.inputs = inputs
    self.outputs = outputs
    self.activation = activation
    let initializer = initializer ?? .default(for: activation)
    if let deferred {
      store = deferred
    } else if weight == nil, bias == nil, let seed {
      store = try DeferredParameters(
        weightShape: [outputs, inputs], biasCount: outputs, initializer: initializer,
        fanIn: inputs, fanOut: outputs, seed: seed)
    } else {
      let w =
        try weight ?? initializer.weights(fanIn: inputs, fanOut: outputs, using: &generator)
      store = DeferredParameters(
        made: Tensor.parameter(w),
        bias: Tensor.parameter(try bias?.reshaped([outputs]) ?? Tensor.zeros([outputs])))
    }
  }

  public var parameterCount: Int { store.count }
  public func materializeParameters() throws { try store.make(for: description) }
  public var parametersMaterialized: Bool { store.isMade }
  public var tableCategory: TableCategory { .fullyConnected }

  public var namedParameters: [(name: String, tensor: Tensor)] { [("w", weight), ("b", bias)] }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    // Given weights, the initializer draws nothing: the session's stream is left alone.
    var unused = RandomGenerator(seed: 0)
    let copy: Dense
    if store.isMade {
      copy = try Dense(
        inputs, outputs, activation: activation, weight: weight, bias: bias, using: &unused)
      copy.weight.isFrozen = weight.isFrozen
      copy.bias.isFrozen = bias.isFrozen
    } else {
      // Not yet drawn: the copy draws the same values from the same seed when it is run.
      copy = try Dense(
        inputs, outputs, activation: activation, weight: nil, bias: nil, initializer: nil,
        seed: nil, generator: &unused, deferred: DeferredParameters(copying: store))
    }
    copies[ObjectIdentifier(self)] = copy
    return copy
  }
  public var inputWidth: Int? { inputs }

  public static let specKind = "dense"

  /// `{"kind": "dense", "config": {"inputs": 2, "outputs": 4, "activation": "tanh"}}`.
  public var spec: LayerSpec {
    LayerSpec(
      kind: Self.specKind,
      config: ["inputs": .number(Double(inputs)), "outputs": .number(Double(outputs))]
        .merging(activation.specConfig) { a, _ in a })
  }

  /// A dense layer of the spec's shape with fresh weights.
  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    let inputs = try spec.integer("inputs", in: 1...Int(Int32.max))
    let outputs = try spec.integer("outputs", in: 1...Int(Int32.max))
    let (count, overflow) = inputs.multipliedReportingOverflow(by: outputs)
    try MemoryBudget.check(
      bytes: overflow ? Int.max : count &* 8, for: "dense(\(inputs), \(outputs))")
    return try Dense(inputs, outputs, activation: Activation(spec: spec))
  }

  /// As above, drawing initial weights from the session's generator when the layer is
  /// first run or trained.
  public convenience init(
    _ inputs: Int, _ outputs: Int, activation: Activation = .identity,
    weight: Tensor? = nil, bias: Tensor? = nil, initializer: Initializer? = nil
  ) throws {
    // A seed from the session stream, so that each new layer gets fresh weights; they are
    // drawn from it when the layer is first run or trained.
    let seed = RandomGenerator.withShared { $0.next() }
    var generator = RandomGenerator(seed: seed)
    try self.init(
      inputs, outputs, activation: activation, weight: weight, bias: bias,
      initializer: initializer, seed: seed, generator: &generator)
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try activation(logitsChecked(x))
  }

  public func logits(_ x: Tensor) throws -> Tensor {
    let z = try logitsChecked(x)
    return activation.hasLogits ? z : try activation(z)
  }

  public func preactivation(_ x: Tensor) throws -> Tensor { try logitsChecked(x) }

  private func logitsChecked(_ x: Tensor) throws -> Tensor {
    try materializeParameters()
    guard x.rank == 1 || x.rank == 2, x.shape[x.rank - 1] == inputs else {
      if x.rank > 2 {
        throw TensorError(
          .shape,
          "\(description) takes rows [batch, \(inputs)], not \(Shape.describe(x.shape)): "
            + Dense.flattenHint(Array(x.shape.dropFirst())))
      }
      throw TensorError(
        .shape,
        "\(description) expects input [\(inputs)] or [batch, \(inputs)], "
          + "not \(Shape.describe(x.shape))")
    }
    return try Tensor.linear(x, weight: weight, bias: bias)
  }

  public var outputActivation: Activation? { activation }
  public var parameters: [Tensor] { [weight, bias] }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape == [inputs] else {
      if inputShape.count > 1 {
        throw TensorError(
          .shape,
          "\(description) expects [\(inputs)] per sample, not \(Shape.describe(inputShape)): "
            + Dense.flattenHint(inputShape))
      }
      // After convolutions and pooling the count is easy to get wrong: say the one that fits.
      let fitting = inputShape.first.map {
        "; for samples of \($0) make it dense(\($0), \(outputs)"
          + (activation == .identity ? "" : ", \(activation)") + ")"
      }
      throw TensorError(
        .shape,
        "\(description) expects [\(inputs)] per sample, not \(Shape.describe(inputShape))"
          + (fitting ?? ""))
    }
    return [outputs]
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int { inputs * outputs }

  /// Why a dense layer cannot take samples of `shape` (rank > 1), and the fix.
  private static func flattenHint(_ shape: [Int]) -> String {
    let count = shape.reduce(1, *)
    return "a dense layer takes each sample as one row; put flatten before it to make each "
      + "sample of \(Shape.describe(shape)) a row of \(count) "
      + "(flatten >> dense(\(count), …))"
  }

  /// `dense 2→4 tanh`; the identity activation is not named.
  public var description: String {
    "dense \(inputs)→\(outputs)" + (activation == .identity ? "" : " \(activation)")
  }
}

extension Dense {
  /// The compiled stage: z = x · Wᵀ + b by one `gemm`, then the activation (skipped when
  /// the stage gives the logits of a softmax or sigmoid).
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard request.inputShape == [inputs] else { return nil }
    let skipped = activation == .identity || (request.logits && activation.hasLogits)
    return Stage(
      inputs: inputs, outputs: outputs, activation: skipped ? nil : activation,
      parameters: parameters)
  }

  /// W `[outputs, inputs]` at the start of the stage's weights, b `[outputs]` after it; z in
  /// the workspace when an activation follows.
  final class Stage: CompiledStage {
    let inputs: Int
    let outputs: Int
    let activation: Activation?
    let parameters: [Tensor]

    init(inputs: Int, outputs: Int, activation: Activation?, parameters: [Tensor]) {
      self.inputs = inputs
      self.outputs = outputs
      self.activation = activation
      self.parameters = parameters
    }

    var outputWidth: Int { outputs }
    var workspaceWidth: Int { activation == nil ? 0 : outputs }
    var splitsRows: Bool { true }

    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>
    ) {
      let z = activation == nil ? y : workspace
      let bias = w + inputs * outputs
      for r in 0..<m {
        for j in 0..<outputs { z[r * outputs + j] = bias[j] }
      }
      Tensor.gemm(
        transA: false, transB: true, m: m, n: outputs, k: inputs, a: x, lda: inputs, b: w,
        ldb: inputs, c: z, ldc: outputs, beta: 1)
      activation?.forward(z, y, rows: m, width: outputs)
    }

    /// ```
    /// dz = dy ⊙ f′(z),  dW = dzᵀ · x,  db = Σ_rows dz,  dx = dz · W
    /// ```
    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows m: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      activation?.backward(dy, x: workspace, y: y, dy, rows: m, width: outputs)
      Tensor.gemm(
        transA: true, transB: false, m: outputs, n: inputs, k: m, a: dy, lda: outputs, b: x,
        ldb: inputs, c: gradients, ldc: inputs, beta: 0)
      let db = gradients + inputs * outputs
      db.update(repeating: 0, count: outputs)
      for r in 0..<m {
        for j in 0..<outputs { db[j] += dy[r * outputs + j] }
      }
      if let dx {
        Tensor.gemm(
          transA: false, transB: false, m: m, n: inputs, k: outputs, a: dy, lda: outputs, b: w,
          ldb: inputs, c: dx, ldc: inputs, beta: 0)
      }
    }
  }
}
