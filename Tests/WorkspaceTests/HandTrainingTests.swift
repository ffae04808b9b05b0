import TensorEngine
import TensorLanguage
import Testing
import Workspace

/// Training loops written by hand: `grad` refuses a plain tensor, `step(opt, params, E)`
/// updates parameters as `fit` would, `detach` cuts the graph and `append` collects losses.
@Suite(.serialized) struct HandTrainingTests {
  /// The tensor bound to `name`.
  func value(_ r: Recorder, _ name: String) -> Tensor? {
    if case .tensor(let t)? = r.session.bindings[name] { return t }
    return nil
  }

  /// The message of the error `source` stops with.
  func error(_ r: Recorder, _ source: String) -> String? {
    if case .failed(let diagnostics) = r.run(source) { return diagnostics.first?.message }
    return nil
  }

  func close(_ a: [Double]?, _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
    guard let a, a.count == b.count else { return false }
    return zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
  }

  @Test func gradOfAPlainTensorIsAnErrorThatSaysToMakeItAParameter() {
    let r = Recorder()
    let message = error(r, "z = [1, 2, 3]\nE = sum(z * z)\ngrad(E, z)")
    #expect(
      message?.hasPrefix("grad: w, the tensor to differentiate by, is a plain tensor") == true)
    #expect(message?.contains("z = param(z)") == true)
    // In a tuple, the element is named.
    let inTuple = error(r, "w = param([1, 2])\ny = [3, 4]\ngrad(sum(w * y), (w, y))")
    #expect(inTuple?.hasPrefix("grad: element 1 of w, the tensor to differentiate by,") == true)
    // .grad of a plain tensor after backward is an error too, never zeros.
    let member = error(r, "w = param([1, 2])\nx = [3, 4]\nbackward(sum(w * x))\nx.grad")
    #expect(
      member?.hasPrefix("only a parameter has a gradient: make one with w = param(t)") == true)
    let vector = error(r, "w = param([1, 2])\ngrad(w * w, w)")
    #expect(vector?.hasPrefix("grad: E must be a single number, not a tensor of shape [2]") == true)
    // backward of something no parameter took part in has nothing to do, and says so.
    let backward = error(r, "backward(sum(z * z))")
    #expect(backward?.hasPrefix("backward: E depends on no parameter") == true)
  }

  @Test func aParameterEDoesNotDependOnHasGradientZeroAndAnIntermediateItsOwn() {
    let r = Recorder()
    r.run(
      "w = param([1, 2])\nv = param([5])\nh = w * 3\nE = sum(h * h)\ngw = grad(E, v)\ngh = grad(E, h)"
    )
    #expect(value(r, "gw")?.scalars == [0])
    // ∂(Σ h²)/∂h = 2h = (6, 12).
    #expect(value(r, "gh")?.scalars == [6, 12])
  }

  @Test func detachCutsTheGraph() {
    let r = Recorder()
    // d/dw Σ w·c = c: with c = detach(w) the product rule's second term is gone, so the
    // gradient is w = (1, 2, 3), not 2w.
    r.run("w = param([1, 2, 3])\ng = grad(sum(w * detach(w)), w)\nd = detach(w * 2)")
    #expect(value(r, "g")?.scalars == [1, 2, 3])
    #expect(value(r, "d")?.scalars == [2, 4, 6])
    #expect(value(r, "d")?.requiresGrad == false)
    #expect(value(r, "d")?.isParameter == false)
  }

  @Test func stepWithMomentumAndWeightDecayFollowsTheFormula() {
    let r = Recorder()
    r.run(
      """
      w = param([1, -2])
      opt = sgd(lr: 0.1, momentum: 0.9, weight_decay: 0.01)
      step(opt, w, sum(w * w))
      step(opt, w, sum(w * w))
      """)
    // By hand (and numpy): g = 2w + 0.01w, v ← 0.9v + g, w ← w − 0.1v, twice from (1, −2):
    // (0.799, −1.598), then (0.457501, −0.915002).
    #expect(close(value(r, "w")?.scalars, [0.457501, -0.915002]))
    // w.grad holds the last ∂E/∂w = 2w at (0.799, −1.598), replaced, not accumulated.
    #expect(close(value(r, "w")?.grad?.scalars, [1.598, -3.196]))
  }

  @Test func adamKeepsItsMomentsFromCallToCall() {
    let r = Recorder()
    r.run(
      "w = param([1, -2])\nopt = adam(lr: 0.1)\nstep(opt, w, sum(w * w))\nstep(opt, w, sum(w * w))")
    // numpy: m ← 0.9m + 0.1g, v ← 0.999v + 0.001g², w ← w − 0.1 m̂ / (√v̂ + 1e−8), g = 2w,
    // twice: (0.80041223, −1.80016649). A fresh optimizer each step would give −0.1 twice
    // as well, so the state shows in the last digits only; compare to 1e-8.
    #expect(close(value(r, "w")?.scalars, [0.80041223, -1.80016649], 1e-8))
    r.run("u = param([1, -2])\nfor i in 1..2 {\n  step(adam(lr: 0.1), u, sum(u * u))\n}")
    // Fresh Adam each time: the first step of Adam moves every weight by lr exactly.
    #expect(close(value(r, "u")?.scalars, [0.8, -1.8], 1e-8))
    #expect(!close(value(r, "u")?.scalars, value(r, "w")?.scalars ?? [], 1e-6))
  }

  /// Twenty hand steps are twenty epochs of full-batch `fit` with the same optimizer.
  @Test(arguments: ["sgd(lr: 0.5, momentum: 0.9)", "adam(lr: 0.05)"])
  func aHandLoopTrainsAsFitDoes(optimizer: String) {
    let r = Recorder()
    let result = r.run(
      """
      data = xor()
      a = dense(2, 3, tanh, w: [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], b: [0.1, 0, -0.1]) >> dense(3, 1, sigmoid, w: [[0.7, -0.8, 0.9]], b: [0.2])
      b = dense(2, 3, tanh, w: [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], b: [0.1, 0, -0.1]) >> dense(3, 1, sigmoid, w: [[0.7, -0.8, 0.9]], b: [0.2])
      opt = \(optimizer)
      errors = []
      for i in 1..20 {
        E = mse(a(data.x), data.y)
        errors = append(errors, E)
        step(opt, a, E)
      }
      h = fit(b, data, loss: mse, opt: \(optimizer), epochs: 20);
      wa = a.layers[0].w
      wb = b.layers[0].w
      oa = a.layers[1].w
      ob = b.layers[1].w
      la = h.loss
      """)
    guard case .complete = result else {
      Issue.record("\(result)")
      return
    }
    #expect(close(value(r, "wa")?.scalars, value(r, "wb")?.scalars ?? [], 1e-12))
    #expect(close(value(r, "oa")?.scalars, value(r, "ob")?.scalars ?? [], 1e-12))
    // The errors collected are the losses fit reports, epoch by epoch, and keep no graph.
    #expect(value(r, "errors")?.shape == [20])
    #expect(close(value(r, "errors")?.scalars, value(r, "la")?.scalars ?? [], 1e-12))
    #expect(value(r, "errors")?.requiresGrad == false)
    #expect(value(r, "wa")?.scalars != [0.1, -0.2, 0.3, 0.4, -0.5, 0.6])
  }

  @Test func aListOfParametersIsStepped_AndOneEDoesNotDependOnIsLeftAlone() {
    let r = Recorder()
    r.run(
      """
      w = param([1, 2])
      b = param([[3]])
      step(sgd(lr: 0.1, weight_decay: 0.5), [w, b], sum(w * w))
      """)
    // w ← w − 0.1 (2w + 0.5w) = 0.75 w; b takes no part in E, so not even weight decay
    // moves it (PyTorch skips a parameter whose grad is None).
    #expect(close(value(r, "w")?.scalars, [0.75, 1.5]))
    #expect(value(r, "b")?.scalars == [3])
    #expect(value(r, "b")?.grad == nil)
    // A list of parameters keeps them (a tuple); with a plain tensor in it, it stacks.
    r.run("p = [w, b]\nq = [w, [5, 6]]")
    if case .tuple(let items)? = r.session.bindings["p"] {
      #expect(items.count == 2)
    } else {
      Issue.record("[w, b] is not a tuple of parameters")
    }
    #expect(value(r, "q")?.shape == [2, 2])
    // Strings and functions are kept too, each list of one kind; numbers cannot join them.
    r.run("names = [\"a\", \"b\"]")
    if case .tuple(let items)? = r.session.bindings["names"] {
      #expect(items.count == 2)
    } else {
      Issue.record("a list of strings is not a tuple")
    }
    #expect(error(r, "[relu, 1]") == "a list of functions holds only functions, not a number")
    #expect(error(r, "[1, relu]") == "a list holds numbers or tensors, not a function")
    #expect(error(r, "[w, relu]") == "a list holds numbers or tensors, not a function")
  }

  @Test func stepRefusesWhatItCannotUse() {
    let r = Recorder()
    r.run("net = dense(2, 1)\nx = [[1, 2], [3, 4]]\nw = param([1, 2])")
    let vector = error(r, "step(sgd(lr: 0.1), net, net(x))")
    #expect(vector?.hasPrefix("step: E must be a single number (the loss), not a tensor") == true)
    let unrelated = error(r, "step(sgd(lr: 0.1), net, sum(w * w))")
    #expect(unrelated?.hasPrefix("step: E does not depend on any of params") == true)
    let plain = error(r, "step(sgd(lr: 0.1), (w, x), sum(w * w))")
    #expect(plain?.hasPrefix("step: params must be parameters") == true)
    let order = error(r, "step(net, sgd(lr: 0.1), sum(net(x)))")
    #expect(order?.hasPrefix("step: opt must be an optimizer") == true)
    // The activation is still there.
    r.run("s = step([-1, 0, 2])")
    #expect(value(r, "s")?.scalars == [0, 1, 1])
  }

  /// Without E, step uses the gradients backward accumulated, as PyTorch's opt.step().
  @Test func stepWithoutEUsesTheAccumulatedGradients() {
    let r = Recorder()
    r.run(
      """
      w = param([1, -2])
      backward(sum(w * w))
      backward(sum(w * 3))
      step(sgd(lr: 0.1), w)
      """)
    // p.grad = 2w + 3 = (5, −1), so w ← w − 0.1 (5, −1) = (0.5, −1.9).
    #expect(close(value(r, "w")?.scalars, [0.5, -1.9]))
    let none = error(r, "v = param([1])\nstep(sgd(lr: 0.1), v)")
    #expect(none?.hasPrefix("step: no parameter in params has a gradient yet") == true)
  }

  @Test func appendFlattensAsNumpyDoes() {
    let r = Recorder()
    // np.append([[1, 2]], [[3], [4]]) == [1, 2, 3, 4]; np.append([], 5) == [5.]
    r.run("a = append([[1, 2]], [[3], [4]])\nb = append([], 5)")
    #expect(value(r, "a")?.shape == [4])
    #expect(value(r, "a")?.scalars == [1, 2, 3, 4])
    #expect(value(r, "b")?.scalars == [5])
  }
}
