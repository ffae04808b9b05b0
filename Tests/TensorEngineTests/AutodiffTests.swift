import Foundation
import TensorEngine
import Testing

@Suite struct AutodiffTests {
  @Test func gradientsAccumulateUntilZeroGrad() throws {
    let w = Tensor.parameter(Tensor([1, 2, 3]))
    let x = Tensor([4, 5, 6])
    // ∂(Σ w·x)/∂w = x.
    try (w * x).sum().backward()
    #expect(w.grad?.scalars == [4, 5, 6])
    try (w * x).sum().backward()
    #expect(w.grad?.scalars == [8, 10, 12])
    w.zeroGrad()
    #expect(w.grad == nil)
    try (w * x).sum().backward()
    #expect(w.grad?.scalars == [4, 5, 6])
  }

  @Test func gradientsOfLeavesGradAlone() throws {
    let w = Tensor.parameter(Tensor([1, 2]))
    let y = try (w * w).sum()
    let g = try Tensor.gradients(of: y, withRespectTo: [w])
    #expect(g[0].scalars == [2, 4])
    #expect(w.grad == nil)
    // Asking twice gives the same answer: nothing is consumed.
    #expect(try Tensor.gradients(of: y, withRespectTo: [w])[0].scalars == [2, 4])
  }

  @Test func backwardOnANonScalarThrows() throws {
    let w = Tensor.parameter(Tensor([1, 2, 3]))
    let error = expectTensorError(.gradient) { try (w * 2).backward() }
    #expect(error?.message.contains("[3]") == true)
    expectTensorError(.gradient) {
      try Tensor.gradients(of: try w * 2, withRespectTo: [w])
    }
    // A one-element tensor of any rank is a scalar for this purpose.
    try w.sum(keepDims: true).backward()
    #expect(w.grad?.scalars == [1, 1, 1])
  }

  @Test func plainTensorsRecordNothing() throws {
    let a = try Tensor([[1, 2], [3, 4]])
    let b = Tensor([1, -1])
    let results: [Tensor] = [
      try a + b, try a * 2, a.exp(), try a.sum(axis: 0), try Tensor.matmul(a, b),
      try a.softmax(), try a.reshaped([4]), a.transposed(), try a.index(1),
      try Tensor.concat([a, a]), try Tensor.stack([b, b]),
      try Tensor.linear(a, weight: a, bias: b),
    ]
    for (i, r) in results.enumerated() {
      #expect(!r.requiresGrad, "result \(i)")
      #expect(!r.isParameter, "result \(i)")
    }
    // Backward through a graph-less scalar reaches nothing and changes nothing.
    try a.sum().backward()
    #expect(a.grad == nil)
  }

  @Test func detachedStopsTheGradient() throws {
    let w = Tensor.parameter(Tensor([3]))
    // y = w · stop(w): only the first factor counts, so ∂y/∂w = w = 3, not 2w.
    let y = try (w * w.detached).sum()
    #expect(try Tensor.gradients(of: y, withRespectTo: [w])[0].scalars == [3])
  }

  @Test func aTensorUsedTwiceGetsBothContributions() throws {
    let x = Tensor.parameter(Tensor([3, -2]))
    // ∂(Σ x·x)/∂x = 2x.
    try (x * x).sum().backward()
    #expect(x.grad?.scalars == [6, -4])
    x.zeroGrad()
    // Through two paths of different lengths: y = x·x + exp(x)·x.
    let y = try (x * x + x.exp() * x).sum()
    let g = try Tensor.gradients(of: y, withRespectTo: [x])[0].scalars
    let expected = x.scalars.map { 2 * $0 + Foundation.exp($0) * (1 + $0) }
    expectClose(g, expected, tolerance: 1e-14)
    // x + x and x − x: the two contributions add, or cancel.
    #expect(try Tensor.gradients(of: (x + x).sum(), withRespectTo: [x])[0].scalars == [2, 2])
    #expect(try Tensor.gradients(of: (x - x).sum(), withRespectTo: [x])[0].scalars == [0, 0])
  }

  @Test func aSharedIntermediateSumsItsUses() throws {
    let x = Tensor.parameter(Tensor([0.5]))
    let h = x.tanh()
    // y = h + 2h + h·h: ∂y/∂h = 3 + 2h.
    let y = try (h + 2 * h + h * h).sum()
    let hv = Foundation.tanh(0.5)
    let g = try Tensor.gradients(of: y, withRespectTo: [x, h])
    expectClose(g[1].scalars, [3 + 2 * hv], tolerance: 1e-15)
    expectClose(g[0].scalars, [(3 + 2 * hv) * (1 - hv * hv)], tolerance: 1e-15)
  }

  @Test func unrelatedInputsGetZeros() throws {
    let x = Tensor.parameter(Tensor([1, 2]))
    let unused = Tensor.parameter(try Tensor.ones([2, 3]))
    let plain = Tensor([5])
    let g = try Tensor.gradients(of: x.sum(), withRespectTo: [x, unused, plain])
    #expect(g[0].scalars == [1, 1])
    expectTensor(g[1], shape: [2, 3], [0, 0, 0, 0, 0, 0])
    expectTensor(g[2], shape: [1], [0])
    try x.sum().backward()
    #expect(unused.grad == nil)
  }

  @Test func theOutputItselfHasGradientOne() throws {
    let x = Tensor.parameter(Tensor(4))
    #expect(try Tensor.gradients(of: x, withRespectTo: [x])[0].scalars == [1])
    try x.backward()
    #expect(x.grad?.scalars == [1])
  }

  /// A gradient of the wrong shape set by hand is replaced, not added to.
  @Test func aHandSetGradientOfAnotherShapeIsReplaced() throws {
    let x = Tensor.parameter(Tensor([1, 2]))
    x.grad = Tensor([9, 9, 9])
    try (x * 3).sum().backward()
    expectTensor(try #require(x.grad), shape: [2], [3, 3])
  }

  /// The gradient in `grad` belongs to the parameter: a later backward does not alter a
  /// gradient that `gradients(of:)` returned, nor the other way round.
  @Test func returnedGradientsAreIndependent() throws {
    let a = Tensor.parameter(Tensor([1, 2]))
    let b = Tensor.parameter(Tensor([3, 4]))
    let y = try (a + b).sum()
    let g = try Tensor.gradients(of: y, withRespectTo: [a, b])
    try y.backward()
    try y.backward()
    #expect(g[0].scalars == [1, 1] && g[1].scalars == [1, 1])
    #expect(a.grad?.scalars == [2, 2] && b.grad?.scalars == [2, 2])
  }

  /// Tensors are references whose values can change in place (gradient clipping does), so
  /// each returned gradient must be a tensor of its own, even where the pullbacks passed one
  /// array along unchanged (a + b gives both operands the same gradient).
  @Test func returnedGradientsDoNotAlias() throws {
    let a = Tensor.parameter(Tensor([1, 2]))
    let b = Tensor.parameter(Tensor([3, 4]))
    let h = try a + b
    let g = try Tensor.gradients(of: h.sum(), withRespectTo: [a, b, h, a])
    g[0].updateScalars { $0[0] = 100 }
    #expect(g[1].scalars == [1, 1])
    #expect(g[2].scalars == [1, 1])
    #expect(g[3].scalars == [1, 1])
    #expect(g[0] !== g[3])
  }

  @Test func optimizerStyleUpdateKeepsTheGraphWorking() throws {
    let w = Tensor.parameter(Tensor([2]))
    // Two steps of gradient descent on (w − 5)² with rate 0.25: w ← w − 0.25 · 2(w − 5).
    for _ in 0..<2 {
      w.zeroGrad()
      try (w - 5).pow(2).sum().backward()
      let g = try #require(w.grad).scalars[0]
      w.updateScalars { $0[0] -= 0.25 * g }
    }
    // 2 → 3.5 → 4.25.
    #expect(w.scalars == [4.25])
  }

  /// A graph as deep as a long training loop could build: the backward pass, and freeing
  /// the graph afterwards, must not recurse once per node.
  @Test func deepChainDoesNotOverflowTheStack() throws {
    let depth = 100_000
    let x = Tensor.parameter(Tensor([1, 2]))
    let expectedFactor: Double
    do {
      var y = x
      var factor = 1.0
      for i in 0..<depth {
        // Alternate two ops so that both kinds of node appear in the chain.
        if i % 2 == 0 {
          y = try y * 1.000001
          factor *= 1.000001
        } else {
          y = try y + 0.5
        }
      }
      expectedFactor = factor
      try y.sum().backward()
      let g = try Tensor.gradients(of: y.sum(), withRespectTo: [x])[0]
      expectClose(g.scalars, [factor, factor], tolerance: 1e-12)
    }
    // The chain is released here, as the scope ends.
    expectClose(try #require(x.grad).scalars, [expectedFactor, expectedFactor], tolerance: 1e-12)
  }

  /// Each step uses the previous tensor twice, so every node holds its input twice.
  @Test func deepChainOfSharedInputs() throws {
    let x = Tensor.parameter(Tensor([0.3, -2]))
    var y = x
    // (y + y) · 0.5 = y: the gradient stays 1 through 100,000 operations.
    for _ in 0..<50_000 { y = try (y + y) * 0.5 }
    #expect(try Tensor.gradients(of: y.sum(), withRespectTo: [x])[0].scalars == [1, 1])
  }

  /// Taking the graph apart must still free all of it, shared parts included.
  @Test func releasingTheOutputFreesTheGraph() throws {
    let x = Tensor.parameter(Tensor([1, 2]))
    weak var intermediate: Tensor?
    weak var output: Tensor?
    do {
      let h = try x * x
      intermediate = h
      let y = try (h + h.exp() * h).sum()
      output = y
      try y.backward()
      #expect(intermediate != nil)
    }
    #expect(output == nil)
    #expect(intermediate == nil)
    #expect(x.grad != nil)
  }

  @Test func deepChainOfUnaryOps() throws {
    let x = Tensor.parameter(Tensor([0.3]))
    var y = x
    for _ in 0..<100_000 { y = -y }
    // An even number of negations: ∂y/∂x = 1.
    #expect(try Tensor.gradients(of: y, withRespectTo: [x])[0].scalars == [1])
  }
}
