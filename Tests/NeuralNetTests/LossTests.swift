import Foundation
import NeuralNet
import TensorEngine
import Testing

@Suite struct LossTests {
  var output: Tensor { get throws { try Tensor([[0.2, 0.7], [0.9, 0.4]]) } }

  @Test func mseIsTheMeanOfSquaredErrors() throws {
    let target = try Tensor([[0.0, 1.0], [1.0, 0.0]])
    // (0.04 + 0.09 + 0.01 + 0.16) / 4
    #expect(abs(try Loss.mse(output, target).item() - 0.075) < 1e-15)
  }

  @Test func bceOfProbabilities() throws {
    let p = try Tensor([[0.8], [0.3]])
    let t = try Tensor([[1.0], [0.0]])
    let byHand = -(log(0.8) + log(0.7)) / 2
    #expect(abs(try Loss.bce(p, t).item() - byHand) < 1e-14)
    // Saturated probabilities stay finite.
    #expect(try Loss.bce(try Tensor([[0.0], [1.0]]), t).item().isFinite)
  }

  @Test func crossEntropyTakesLogitsWithIndexOrRowTargets() throws {
    let logits = try Tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    func logSoftmax(_ row: [Double], _ k: Int) -> Double {
      log(exp(row[k]) / row.map(exp).reduce(0, +))
    }
    let byHand = -(logSoftmax([1, 2, 0.5], 1) + logSoftmax([0, -1, 3], 2)) / 2
    #expect(abs(try Loss.crossEntropy(logits, Tensor([1, 2])).item() - byHand) < 1e-14)
    #expect(abs(try Loss.crossEntropy(logits, try Tensor([[1], [2]])).item() - byHand) < 1e-14)
    let rows = try Tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    #expect(abs(try Loss.crossEntropy(logits, rows).item() - byHand) < 1e-14)
    #expect(throws: TensorError.self) { try Loss.crossEntropy(logits, Tensor([1, 3])) }
  }

  @Test func crossEntropyRefusesASingleOutput() throws {
    // Over one column the softmax is 1 and the loss 0 whatever the weights: an error, not a
    // silent no-op.
    let error = #expect(throws: TensorError.self) {
      try Loss.crossEntropy(try Tensor([[0.3], [-1.0]]), Tensor([1, 0]))
    }
    #expect(
      error?.message
        == "cross_entropy needs one output per class (at least 2), not 1; "
        + "for one sigmoid output use bce")
  }

  @Test func hingeMapsZeroTargetsToMinusOne() throws {
    let y = try Tensor([[0.5], [-2.0], [0.3]])
    let t = try Tensor([[1.0], [0.0], [0.0]])
    // max(0, 1 − 0.5) + max(0, 1 − 2) + max(0, 1 + 0.3) = 0.5 + 0 + 1.3
    #expect(abs(try Loss.hinge(y, t).item() - 1.8 / 3) < 1e-15)
  }

  @Test func mismatchedShapesAreAnError() throws {
    let error = #expect(throws: TensorError.self) {
      try Loss.mse(try Tensor([[1.0, 2.0]]), try Tensor([[1.0, 2.0, 3.0]]))
    }
    #expect(error?.message == "mse needs output and target of one shape, not [1, 2] and [1, 3]")
  }

  @Test(arguments: Loss.builtins)
  func gradientMatchesFiniteDifferences(loss: Loss) throws {
    let z = Tensor.parameter(try Tensor([[0.3, -0.8, 1.2], [0.1, 0.7, -0.4]]))
    let target: Tensor =
      switch loss {
      case .crossEntropy: Tensor([2, 0])
      case .hinge: try Tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
      default: try Tensor([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
      }
    // bce takes probabilities, so feed it sigmoid(z).
    func value() throws -> Tensor {
      loss == .bce ? try loss(z.sigmoid(), target) : try loss(z, target)
    }
    let analytic = try Tensor.gradients(of: value(), withRespectTo: [z])[0].scalars
    let numeric = try numericGradient(of: { try value().item() }, at: z)
    #expect(maxRelativeError(analytic, numeric) < 1e-6)
  }

  @Test func bceFromLogitsEqualsBceOfSigmoid() throws {
    let z = Tensor.parameter(try Tensor([[3.0], [-2.0], [0.4]]))
    let t = try Tensor([[1.0], [0.0], [0.0]])
    let direct = try Loss.bce(z.sigmoid(), t)
    let stable = try Loss.bce.fromLogits(z, t, activation: .sigmoid)
    #expect(abs(try direct.item() - stable.item()) < 1e-12)
    let g1 = try Tensor.gradients(of: direct, withRespectTo: [z])[0].scalars
    let g2 = try Tensor.gradients(of: stable, withRespectTo: [z])[0].scalars
    #expect(maxRelativeError(g1, g2) < 1e-12)
    // Far out, the stable form still gives a finite loss and gradient.
    let far = Tensor.parameter(try Tensor([[-800.0]]))
    let value = try Loss.bce.fromLogits(far, try Tensor([[1.0]]), activation: .sigmoid)
    #expect(abs(try value.item() - 800) < 1e-9)
  }
}

@Suite struct BinaryCrossEntropyWithLogitsTests {
  // numpy: z = [[0.3, -0.8], [25, -30]], t = [[1, 0], [0, 1]];
  // mean(maximum(z, 0) − z·t + log1p(exp(−|z|))) = 13.981363977607572, and
  // ∂E/∂z = (1/(1 + exp(−z)) − t) / 4 = [[−0.10638937, 0.07750638], [0.25, −0.25]].
  let z = [0.3, -0.8, 25, -30]
  let t = [1.0, 0, 0, 1]
  let value = 13.981363977607572
  let gradient = [-0.10638937, 0.07750638, 0.25, -0.25]

  @Test func graphFormGivesNumpysValueAndGradient() throws {
    let logits = Tensor.parameter(try Tensor(shape: [2, 2], scalars: z))
    let e = try Loss.bceWithLogits(logits, try Tensor(shape: [2, 2], scalars: t))
    #expect(abs(try e.item() - value) < 1e-12)
    let g = try Tensor.gradients(of: e, withRespectTo: [logits])[0].scalars
    #expect(zip(g, gradient).allSatisfy { abs($0 - $1) < 1e-8 })
    // It is bce of the sigmoid where that does not saturate.
    let small = Tensor.parameter(try Tensor([[0.3], [-0.8]]))
    let target = try Tensor([[1.0], [0.0]])
    let viaSigmoid = try Loss.bce(small.sigmoid(), target).item()
    #expect(abs(try Loss.bceWithLogits(small, target).item() - viaSigmoid) < 1e-14)
  }

  @Test func compiledFormAgreesWithTheGraph() throws {
    let target = try Tensor(shape: [2, 2], scalars: t)
    for fromLogits in [false, true] {
      guard
        case .success(let form) = Loss.bceWithLogits.function.compiled(
          width: 2, target: target, samples: 2, fromLogits: fromLogits)
      else {
        Issue.record("bce_with_logits has no compiled form")
        return
      }
      var g = [Double](repeating: 0, count: 4)
      let e = z.withUnsafeBufferPointer { o in
        t.withUnsafeBufferPointer { tt in
          g.withUnsafeMutableBufferPointer {
            form.lossAndGradient(
              o.baseAddress!, tt.baseAddress!, rows: 2, width: 2, into: $0.baseAddress!)
          }
        }
      }
      #expect(abs(e - value) < 1e-12)
      #expect(zip(g, gradient).allSatisfy { abs($0 - $1) < 1e-8 })
    }
  }

  @Test func mismatchedShapesNameThisLoss() throws {
    let error = #expect(throws: TensorError.self) {
      try Loss.bceWithLogits(Tensor([0.5, 1, 2]), Tensor([1.0, 0, 1, 0]))
    }
    #expect(
      error?.message == "bce_with_logits needs output and target of one shape, not [3] and [4]")
  }

  @Test func aModelWithoutLastActivationIsReadAsLogits() {
    // Its accuracy then counts a score ≥ 0 as class 1, not ≥ 0.5.
    #expect(Loss.bceWithLogits.wantsLogits(after: nil))
    #expect(!Loss.bceWithLogits.wantsLogits(after: .sigmoid))
  }
}
