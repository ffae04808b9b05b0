import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  @Suite struct MemberTests {
    func error(_ value: Value, _ name: String) -> String? {
      do {
        _ = try member(of: value, name)
        return nil
      } catch let error as RuntimeError {
        return error.message
      } catch {
        return "\(error)"
      }
    }

    @Test func tensorMembers() throws {
      let t = mat([[1, 2, 3], [4, 5, 6]])
      #expect(matches(try member(of: t, "shape"), [2], [2, 3]))
      #expect(matches(try member(of: num(5), "shape"), [0], []))
      #expect(matches(try member(of: t, "T"), [3, 2], [1, 4, 2, 5, 3, 6]))
      #expect(
        error(t, "grad")
          == "only a parameter has a gradient: make one with w = param(t), then backward(E) and w.grad"
      )
      #expect(memberNames(of: t) == ["shape", "T"])
    }

    @Test func aParameterHasAGradient() throws {
      let p = Tensor.parameter(Tensor([1, -2]))
      #expect(matches(try member(of: .tensor(p), "grad"), [2], [0, 0]))
      // E = 3·w₁ − w₂ has the gradient (3, −1).
      let e = try (p * Tensor([3, -1])).sum()
      try e.backward()
      #expect(matches(try member(of: .tensor(p), "grad"), [2], [3, -1]))
      #expect(memberNames(of: .tensor(p)) == ["shape", "T", "grad"])
    }

    @Test func dataSetMembers() throws {
      let data = try call("xor")
      #expect(matches(try member(of: data, "x"), [4, 2], [0, 0, 0, 1, 1, 0, 1, 1]))
      #expect(matches(try member(of: data, "y"), [4, 1], [0, 1, 1, 0]))
      #expect(number(try member(of: data, "n")) == 4)
      #expect(number(try member(of: data, "classes")) == 2)
      let line = try call("line", [num(5)])
      #expect(error(line, "classes") == "line is a regression data set; it has no classes")
      #expect(memberNames(of: line) == ["x", "y", "n"])
    }

    @Test func layerAndModelMembers() throws {
      let hidden = try call("dense", [num(2), num(3), fn("relu")])
      let output = try call("dense", [num(3), num(1)])
      guard let h = layer(hidden) as? Dense, let o = layer(output) as? Dense else {
        Issue.record("not dense layers")
        return
      }
      #expect(tensor(try member(of: hidden, "w")) === h.weight)
      #expect(tensor(try member(of: hidden, "b")) === h.bias)
      let net = Value.layer(Sequential([h, ActivationLayer(.tanh), o]))
      let layers = elements(try member(of: net, "layers")) ?? []
      #expect(layers.count == 3)
      #expect(layers.first.flatMap(layer) === h)
      let params = elements(try member(of: net, "params")) ?? []
      #expect(params.count == 4)
      #expect(params.last.flatMap(tensor) === o.bias)
      #expect(error(net, "w") == "a model has no single .w; take a layer's, e.g. .layers[0].w")
      #expect(error(layers[1], "b") == "the layer tanh has no weights")
      // Tab offers only members that exist: a model's weights are its layers'.
      #expect(memberNames(of: net) == ["layers", "params"])
      #expect(memberNames(of: hidden) == ["layers", "params", "w", "b"])
      #expect(memberNames(of: layers[1]) == ["layers", "params"])
      let single = elements(try member(of: hidden, "layers")) ?? []
      #expect(single.count == 1 && single.first.flatMap(layer) === h)
    }

    @Test func aModelPointsToItsFirstWeightedLayer() throws {
      let net = Value.layer(ActivationLayer(.relu) >> (try Dense(2, 2)))
      #expect(error(net, "b") == "a model has no single .b; take a layer's, e.g. .layers[1].b")
    }

    @Test func historyMembers() throws {
      var h = History(plannedEpochs: 2)
      h.loss = [0.5, 0.25]
      h.accuracy = [0.5, 1]
      h.learningRates = [0.1, 0.01]
      h.seconds = 1.25
      let history = Value.history(h)
      #expect(matches(try member(of: history, "loss"), [2], [0.5, 0.25]))
      #expect(matches(try member(of: history, "accuracy"), [2], [0.5, 1]))
      #expect(matches(try member(of: history, "val_loss"), [0], []))
      #expect(matches(try member(of: history, "val_accuracy"), [0], []))
      #expect(matches(try member(of: history, "lr"), [2], [0.1, 0.01]))
      #expect(number(try member(of: history, "epochs")) == 2)
      #expect(number(try member(of: history, "seconds")) == 1.25)
    }

    @Test func perceptronResultMembers() throws {
      let result = try call(
        "fit", [try call("perceptron", [num(2)]), try call("xor")], ["epochs": num(7)])
      guard case .bool(let converged) = try member(of: result, "converged") else {
        Issue.record("converged is a bool")
        return
      }
      #expect(!converged)
      #expect(number(try member(of: result, "epochs")) == 7)
      // No line separates XOR, so at least one of its 4 samples stays wrong, and every
      // epoch has a mistake.
      let wrong = number(try member(of: result, "misclassified")) ?? 0
      #expect(wrong >= 1 && wrong <= 4)
      guard case .tensor(let errors) = try member(of: result, "errors") else {
        Issue.record("errors is a tensor")
        return
      }
      #expect(errors.shape == [7])
      #expect(errors.scalars.allSatisfy { $0 >= 1 && $0 <= 4 })
    }

    @Test func unknownMembersListTheKnownOnesAndGuess() throws {
      let net = Value.layer(try Dense(2, 2) >> Dense(2, 1))
      // A model lists only what it has; its weights are its layers'.
      #expect(error(net, "ww") == "a model has no member ww (members: layers, params)")
      #expect(error(net, "weights") == "a model has no member weights (members: layers, params)")
      #expect(
        error(.layer(try Dense(2, 2)), "ww")
          == "a layer has no member ww (members: layers, params, w, b); did you mean w?")
      #expect(
        error(num(1), "shap")
          == "a number has no member shap (members: shape, T); did you mean shape?")
      #expect(
        error(.tuple([num(1)]), "x")
          == "a tuple has no members; take an element by its index, e.g. t[0]")
      #expect(error(.string("a"), "count") == "a string has no members, so not .count")
      #expect(memberNames(of: .tuple([])) == [])
      #expect(memberNames(of: .none) == [])
    }
  }
}
