import TensorEngine
import TensorLanguage
import Testing
import Workspace

/// Two models trained against each other in one loop, as a GAN is written in the language:
/// `step(opt, net, E)` moves only `net`, whatever else E was computed through, and `detach`
/// keeps a loss from reaching the model that made its input.
@Suite(.serialized) struct AdversarialStepTests {
  /// Every parameter value of the model bound to `name`, in order.
  func weights(_ r: Recorder, _ name: String) -> [[Double]] {
    guard case .layer(let model)? = r.session.bindings[name] else { return [] }
    return model.parameters.map(\.scalars)
  }

  /// Whether any parameter of the model bound to `name` holds a gradient.
  func hasGradients(_ r: Recorder, _ name: String) -> Bool {
    guard case .layer(let model)? = r.session.bindings[name] else { return false }
    return model.parameters.contains { $0.grad != nil }
  }

  func complete(_ r: Recorder, _ source: String) -> Bool {
    let result = r.run(source)
    if case .complete = result { return true }
    Issue.record("\(result) \(r.printed)")
    return false
  }

  let twoNets = """
    seed(3)
    G = dense(1, 4, tanh) >> dense(4, 1)
    D = dense(1, 4, tanh) >> dense(4, 1)
    optG = adam(lr: 0.01)
    optD = adam(lr: 0.01)
    z = rand(8, 1)
    real = randn(8, 1, mean: 4, std: 1.25)
    fake = G(z)
    """

  @Test func aStepOfTheDiscriminatorLeavesTheGeneratorBitIdentical() {
    let r = Recorder()
    guard complete(r, twoNets) else { return }
    let g0 = weights(r, "G")
    let d0 = weights(r, "D")
    // E reaches G through fake (no detach): the step still moves D only, and gives G no
    // gradient either.
    guard
      complete(
        r,
        "E = bce_with_logits(D(real), ones(8, 1)) + bce_with_logits(D(fake), zeros(8, 1))\n"
          + "step(optD, D, E)")
    else { return }
    #expect(weights(r, "G") == g0)
    #expect(!hasGradients(r, "G"))
    #expect(weights(r, "D") != d0)
    #expect(hasGradients(r, "D"))
  }

  @Test func aStepOfTheGeneratorThroughTheDiscriminatorLeavesTheDiscriminatorBitIdentical() {
    let r = Recorder()
    guard complete(r, twoNets) else { return }
    let g0 = weights(r, "G")
    let d0 = weights(r, "D")
    guard complete(r, "step(optG, G, bce_with_logits(D(fake), ones(8, 1)))") else { return }
    #expect(weights(r, "D") == d0)
    #expect(!hasGradients(r, "D"))
    #expect(weights(r, "G") != g0)
  }

  @Test func detachStopsTheGradientAtTheGeneratedSamples() {
    let r = Recorder()
    guard complete(r, twoNets) else { return }
    // Through fake, E depends on G's first weights; through detach(fake) it does not.
    guard
      complete(
        r,
        """
        w = G.layers[0].w
        through = grad(bce_with_logits(D(fake), zeros(8, 1)), w)
        cut = grad(bce_with_logits(D(detach(fake)), zeros(8, 1)), w)
        backward(bce_with_logits(D(detach(fake)), zeros(8, 1)))
        """)
    else { return }
    guard case .tensor(let through)? = r.session.bindings["through"],
      case .tensor(let cut)? = r.session.bindings["cut"]
    else {
      Issue.record("no gradients bound")
      return
    }
    #expect(through.scalars.contains { $0 != 0 })
    #expect(cut.scalars.allSatisfy { $0 == 0 })
    // backward reaches D's parameters and none of G's.
    #expect(hasGradients(r, "D"))
    #expect(!hasGradients(r, "G"))
  }

  @Test func aFrozenLayerOfTheSteppedModelStaysBitIdentical() {
    let r = Recorder()
    guard complete(r, twoNets + "\nfreeze(D.layers[0])") else { return }
    let d0 = weights(r, "D")
    guard complete(r, "step(optD, D, bce_with_logits(D(real), ones(8, 1)))") else { return }
    let d1 = weights(r, "D")
    // Layer 0's w and b are the first two; layer 1's the last two.
    #expect(Array(d1[0..<2]) == Array(d0[0..<2]))
    #expect(Array(d1[2..<4]) != Array(d0[2..<4]))
  }

  /// The whole game, written as the notebook writes it: a generator of uniform noise learns
  /// to put its samples where N(4, 1.25) puts them.
  @Test func aGANLoopMovesTheGeneratedSamplesToTheRealOnes() {
    let r = Recorder()
    guard
      complete(
        r,
        """
        seed(1)
        G = dense(1, 16, relu) >> dense(16, 1)
        D = dense(1, 16, relu) >> dense(16, 1)
        optG = adam(lr: 0.002, beta1: 0.5)
        optD = adam(lr: 0.002, beta1: 0.5)
        before = mean(G(rand(1000, 1)))
        for i in 1..900 {
          real = randn(64, 1, mean: 4, std: 1.25)
          fake = G(rand(64, 1))
          step(optD, D, bce_with_logits(D(real), ones(64, 1)) + bce_with_logits(D(detach(fake)), zeros(64, 1)))
          step(optG, G, bce_with_logits(D(fake), ones(64, 1)))
        }
        x = G(rand(2000, 1))
        m = mean(x)
        s = std(x)
        """)
    else { return }
    func number(_ name: String) -> Double? {
      if case .tensor(let t)? = r.session.bindings[name], t.count == 1 { return t.scalars[0] }
      return nil
    }
    // An untrained generator's samples lie near 0; trained, their mean is near 4 and their
    // spread near 1.25 (a GAN's spread swings around it from step to step: 1.3 to 1.7 in
    // runs of this loop).
    #expect(abs(number("before") ?? 9) < 1)
    #expect(abs((number("m") ?? 0) - 4) < 0.4)
    #expect(abs((number("s") ?? 0) - 1.25) < 0.6)
  }
}
