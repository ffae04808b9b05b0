/// How a tensor was computed: the tensors it came from and its pullback, which maps the
/// gradient of the result to the gradients of each input (`nil` for an input that does not
/// take part in differentiation).
final class Node {
  private(set) var inputs: [Tensor]
  private(set) var pullback: (Tensor) throws -> [Tensor?]
  /// Each input's `version` when this node was made: a pullback reads its inputs' values,
  /// which must still be the ones the result was computed from.
  private let versions: [Int]

  init(_ inputs: [Tensor], _ pullback: @escaping (Tensor) throws -> [Tensor?]) {
    self.inputs = inputs
    self.pullback = pullback
    versions = inputs.map(\.version)
  }

  /// Throws when an input was changed in place after this node was made: its gradient
  /// would mix old and new values, silently wrong.
  func checkInputsUnchanged() throws {
    for (input, version) in zip(inputs, versions) where input.version != version {
      throw TensorError(
        .gradient,
        "a \(input.isParameter ? "parameter" : "tensor") of shape "
          + "\(Shape.describe(input.shape)) was changed in place (by an assignment or an "
          + "optimizer step) after this result was computed from it, so its gradient would "
          + "mix old and new values; compute the result again after the change")
    }
  }

  /// Lets go of the inputs, and of the pullback that captured them too, handing the inputs
  /// to the caller, each once: `Tensor.deinit` takes a graph apart with it node by node.
  func takeInputs() -> [Tensor] {
    pullback = { _ in [] }
    var taken: [Tensor] = []
    swap(&taken, &inputs)
    guard taken.count > 1 else { return taken }
    var seen = Set<ObjectIdentifier>()
    return taken.filter { seen.insert(ObjectIdentifier($0)).inserted }
  }
}

extension Tensor {
  /// Back-propagates from this scalar: adds ∂self/∂p to `p.grad` for every parameter `p` it
  /// depends on. Gradients accumulate across calls until `zeroGrad` clears them.
  public func backward() throws {
    let gradients = try propagate()
    for tensor in gradients.order where tensor.isParameter {
      guard let g = gradients.values[ObjectIdentifier(tensor)] else { continue }
      // A gradient assigned by hand with another shape is replaced, not added to.
      if let existing = tensor.grad, existing.shape == tensor.shape {
        existing.addInPlace(g)
      } else {
        tensor.grad = Tensor(unchecked: tensor.shape, g.scalars)
      }
    }
  }

  /// ∂output/∂x for each `x` in `inputs`, without touching any `grad`. An input that `output`
  /// does not depend on gets zeros of its own shape.
  public static func gradients(of output: Tensor, withRespectTo inputs: [Tensor]) throws
    -> [Tensor]
  {
    try reachedGradients(of: output, withRespectTo: inputs).enumerated().map { i, g in
      g ?? Tensor(unchecked: inputs[i].shape, [Double](repeating: 0, count: inputs[i].count))
    }
  }

  /// ∂output/∂x for each `x` in `inputs`, nil for an input that `output` does not depend on
  /// (an optimizer leaves such a parameter alone, as PyTorch does when its grad is None).
  public static func reachedGradients(of output: Tensor, withRespectTo inputs: [Tensor]) throws
    -> [Tensor?]
  {
    let gradients = try output.propagate()
    return inputs.map { x in
      // A fresh tensor for each: pullbacks pass one gradient on to several inputs unchanged,
      // and a caller that changes one in place must not change the others.
      gradients.values[ObjectIdentifier(x)].map { Tensor(unchecked: x.shape, $0.scalars) }
    }
  }

  /// Clears the gradient of a parameter.
  public func zeroGrad() {
    grad = nil
  }

  /// Runs every pullback once, in reverse topological order, from a seed gradient of 1.
  private func propagate() throws -> (order: [Tensor], values: [ObjectIdentifier: Tensor]) {
    guard count == 1 else {
      throw TensorError(
        .gradient,
        "backward needs a scalar, but this tensor has shape \(Shape.describe(shape)); "
          + "reduce it first, e.g. with sum or mean")
    }
    let order = topologicalOrder()
    var values: [ObjectIdentifier: Tensor] = [
      ObjectIdentifier(self): Tensor(unchecked: shape, [1])
    ]
    for tensor in order.reversed() {
      guard let node = tensor.node, let g = values[ObjectIdentifier(tensor)] else { continue }
      try node.checkInputsUnchanged()
      let inputGradients = try node.pullback(g)
      for (input, inputGradient) in zip(node.inputs, inputGradients) {
        guard input.requiresGrad, let inputGradient else { continue }
        let key = ObjectIdentifier(input)
        if let existing = values[key] {
          // A fresh gradient array may be shared with another key, so copy before adding.
          values[key] = Tensor(unchecked: existing.shape, existing.scalars).addingInPlace(
            inputGradient)
        } else {
          values[key] = inputGradient
        }
      }
    }
    return (order, values)
  }

  /// Every tensor that takes part in computing this one, each after its inputs. Iterative, so
  /// a graph built by a long loop cannot overflow the stack.
  private func topologicalOrder() -> [Tensor] {
    var order: [Tensor] = []
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
    var stack: [(tensor: Tensor, next: Int)] = [(self, 0)]
    while let (tensor, next) = stack.popLast() {
      if let node = tensor.node, next < node.inputs.count {
        stack.append((tensor, next + 1))
        let input = node.inputs[next]
        if input.requiresGrad, visited.insert(ObjectIdentifier(input)).inserted {
          stack.append((input, 0))
        }
      } else {
        order.append(tensor)
      }
    }
    return order
  }

  /// Adds `other` (same shape) into this tensor's storage.
  func addInPlace(_ other: Tensor) {
    precondition(other.count == count)
    other.scalars.withUnsafeBufferPointer { src in
      scalars.withUnsafeMutableBufferPointer { dst in
        for i in 0..<dst.count { dst[i] += src[i] }
      }
    }
  }

  private func addingInPlace(_ other: Tensor) -> Tensor {
    addInPlace(other)
    return self
  }

  /// Attaches a graph node when any input takes part in differentiation. Call sites test
  /// `requiresGrad` first so that no closure is built when nothing needs a gradient.
  func recorded(from inputs: [Tensor], _ pullback: @escaping (Tensor) throws -> [Tensor?])
    -> Tensor
  {
    node = Node(inputs, pullback)
    return self
  }
}
