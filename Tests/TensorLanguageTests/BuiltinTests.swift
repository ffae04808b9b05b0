import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  @Suite struct BuiltinTableTests {
    static let vocabulary = [
      "zeros", "ones", "full", "eye", "rand", "randn", "linspace", "arange", "reshape", "flatten",
      "concat", "stack", "sum", "mean", "max", "min", "argmax", "abs", "exp", "log", "sqrt",
      "clip", "transpose", "shape", "print", "step", "sign", "relu", "leaky_relu", "sigmoid",
      "logistic", "tanh", "softmax", "identity", "dense", "perceptron", "copy",
      "freeze", "unfreeze", "mse", "bce",
      "cross_entropy", "hinge", "param", "grad", "backward", "zero_grad", "detach", "append", "sgd",
      "adam",
      "plateau", "xor", "and", "or", "nand", "blobs", "circles", "moons", "spiral", "line",
      "sine", "split", "dataset", "load", "seed", "fit", "predict", "accuracy", "evaluate",
      "summary", "save", "load_weights", "load_model", "plot",
      // issue 12: numerics
      "pi", "sin", "cos", "tan", "floor", "ceil", "round", "var", "std", "sort", "argsort", "topk",
      "one_hot", "where", "str", "solve", "inv", "det", "eig", "svd",
      // issue 15: image data and what a classifier makes of it
      "digits", "load_idx", "confusion",
      // issue 15: CNN layers
      "lrn", "dropout", "global_avgpool", "branches",
      // issue 15: convolutional networks
      "conv", "maxpool", "avgpool",
      // issue 15: augmentation and early stopping
      "flip", "shift", "crop", "pca_color", "early",
      // issue 15: the lecture's model table
      "input", "alexnet", "vgg16", "googlenet", "nin",
      // issue 16: residual networks and autoencoders
      "residual", "deconv", "upsample",
      // issue 16: GANs written as a loop
      "bce_with_logits", "hist", "scatter",
      // issue 16: recurrent networks and character data
      "rnn", "gru", "lstm", "text", "generate",
    ]

    @Test func everyNameOfTheVocabularyIsABuiltinAndNoOtherIs() {
      #expect(Set(Builtins.all.keys) == Set(Self.vocabulary))
      #expect(Builtins.list.count == Builtins.all.count, "a name is listed twice")
    }

    @Test func everyBuiltinHasHelp() {
      for b in Builtins.list {
        #expect(!b.summary.isEmpty, "\(b.name)")
        #expect(!b.example.isEmpty, "\(b.name)")
        #expect(Builtins.groups.contains(b.group), "\(b.name) has group \(b.group)")
        #expect(!b.summary.contains("\n"), "\(b.name)'s summary is one line")
      }
      for group in Builtins.groups {
        #expect(!Builtins.inGroup(group).isEmpty, "\(group)")
      }
    }

    @Test func positionalParametersComeFirstAndOnlyAVariadicOneIsUnnamedByKeyword() {
      for b in Builtins.list {
        let firstKeyword = b.parameters.firstIndex(where: \.keywordOnly) ?? b.parameters.count
        let ordered = b.parameters[firstKeyword...].allSatisfy { $0.keywordOnly }
        #expect(ordered, "\(b.name): \(b.signature)")
        #expect(b.parameters.filter(\.variadic).count <= 1, "\(b.name)")
      }
    }

    @Test func signaturesReadAsTheDesignWritesThem() {
      #expect(
        Builtins.all["dense"]?.signature
          == "dense(in, out, activation = identity, w: random, b: zeros)")
      #expect(Builtins.all["zeros"]?.signature == "zeros(shape…)")
      #expect(Builtins.all["sum"]?.signature == "sum(t, axis: none, keepdims: false)")
      #expect(
        Builtins.all["sgd"]?.signature == "sgd(lr = 0.01, momentum: 0, weight_decay: 0)")
      #expect(Builtins.all["load"]?.signature == "load(file, target:)")
    }
  }

  @Suite struct TensorFunctionTests {
    @Test func shapesAreGivenAsSizesOrAsAList() throws {
      #expect(matches(try call("zeros", [num(2), num(3)]), [2, 3], Array(repeating: 0, count: 6)))
      #expect(matches(try call("zeros", [vec([2, 3])]), [2, 3], Array(repeating: 0, count: 6)))
      #expect(matches(try call("ones", [vec([3])]), [3], [1, 1, 1]))
      #expect(matches(try call("zeros"), [], [0]))
      #expect(matches(try call("full", [vec([2, 2]), num(0.5)]), [2, 2], [0.5, 0.5, 0.5, 0.5]))
      #expect(matches(try call("full", [num(3), num(7)]), [3], [7, 7, 7]))
      #expect(matches(try call("eye", [num(2)]), [2, 2], [1, 0, 0, 1]))
    }

    @Test func randomTensorsAreSeededAndHaveTheirDistribution() throws {
      // A stream of this test's own: other tests draw from the process-wide generator in
      // parallel, and would otherwise take numbers between the seed and the draws.
      try RandomGenerator.using(RandomStream()) { try seededDraws() }
    }

    func seededDraws() throws {
      try call("seed", [num(5)])
      let a = try call("rand", [num(1000)])
      try call("seed", [num(5)])
      let b = try call("rand", [vec([1000])])
      #expect(tensor(a)?.scalars == tensor(b)?.scalars)
      let values = tensor(a)?.scalars ?? []
      #expect(values.count == 1000 && values.allSatisfy { $0 >= 0 && $0 < 1 })
      #expect(abs(values.reduce(0, +) / 1000 - 0.5) < 0.05)
      let normal = tensor(try call("randn", [num(20), num(100)]))
      #expect(normal?.shape == [20, 100])
      let n = normal?.scalars ?? []
      let mean = n.reduce(0, +) / Double(max(n.count, 1))
      let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(n.count, 1))
      #expect(abs(mean) < 0.1)
      #expect(abs(variance - 1) < 0.15)
    }

    @Test func rangesOfValues() throws {
      #expect(
        matches(try call("linspace", [num(0), num(1), num(5)]), [5], [0, 0.25, 0.5, 0.75, 1]))
      #expect(tensor(try call("linspace", [num(-1), num(1)]))?.count == 50)
      #expect(matches(try call("arange", [num(4)]), [4], [0, 1, 2, 3]))
      #expect(matches(try call("arange", [num(1), num(2), num(0.25)]), [4], [1, 1.25, 1.5, 1.75]))
      #expect(matches(try call("arange", [num(5), num(1), num(-2)]), [2], [5, 3]))
    }

    @Test func reshapingAndJoining() throws {
      let six = try call("arange", [num(6)])
      #expect(matches(try call("reshape", [six, num(2), num(-1)]), [2, 3], [0, 1, 2, 3, 4, 5]))
      #expect(matches(try call("reshape", [six, vec([3, 2])]), [3, 2], [0, 1, 2, 3, 4, 5]))
      #expect(matches(try call("flatten", [mat([[1, 2], [3, 4]])]), [4], [1, 2, 3, 4]))
      let a = mat([[1, 2]])
      let b = mat([[3, 4]])
      #expect(matches(try call("concat", [a, b]), [2, 2], [1, 2, 3, 4]))
      #expect(matches(try call("concat", [a, b], ["axis": num(1)]), [1, 4], [1, 2, 3, 4]))
      #expect(matches(try call("concat", [.tuple([a, b])]), [2, 2], [1, 2, 3, 4]))
      #expect(matches(try call("stack", [vec([1, 2]), vec([3, 4])]), [2, 2], [1, 2, 3, 4]))
      #expect(
        matches(
          try call("stack", [vec([1, 2]), vec([3, 4])], ["axis": num(1)]), [2, 2], [1, 3, 2, 4]))
      #expect(throws: TensorError.self) { try call("concat", [a, vec([1, 2, 3])]) }
    }

    @Test func reductions() throws {
      let m = mat([[1, 2], [3, 4]])
      #expect(number(try call("sum", [m])) == 10)
      #expect(matches(try call("sum", [m], ["axis": num(0)]), [2], [4, 6]))
      #expect(
        matches(try call("sum", [m], ["axis": num(1), "keepdims": .bool(true)]), [2, 1], [3, 7]))
      #expect(number(try call("mean", [m])) == 2.5)
      #expect(matches(try call("mean", [m], ["axis": num(-1)]), [2], [1.5, 3.5]))
      #expect(number(try call("max", [m])) == 4)
      #expect(matches(try call("max", [m], ["axis": num(1)]), [2], [2, 4]))
      #expect(number(try call("min", [m])) == 1)
      #expect(matches(try call("min", [m], ["axis": num(0)]), [2], [1, 2]))
      #expect(number(try call("argmax", [mat([[1, 5], [7, 2]])])) == 2)
      #expect(
        matches(try call("argmax", [mat([[1, 5], [7, 2]])], ["axis": num(1)]), [2], [1, 0]))
    }

    @Test func maxAndMinOfTwoTensorsAreElementwise() throws {
      #expect(matches(try call("max", [vec([1, 5]), vec([3, 2])]), [2], [3, 5]))
      #expect(matches(try call("min", [vec([1, 5]), vec([3, 2])]), [2], [1, 2]))
      #expect(matches(try call("max", [vec([-1, 2]), num(0)]), [2], [0, 2]))
      let error = runtimeError("max", [vec([1]), vec([2])], ["axis": num(0)])
      #expect(error?.message.hasPrefix("max: ") == true)
    }

    @Test func elementwiseFunctions() throws {
      #expect(matches(try call("abs", [vec([-1, 2])]), [2], [1, 2]))
      #expect(abs((number(try call("exp", [num(1)])) ?? 0) - M_E) < 1e-15)
      #expect(matches(try call("log", [vec([1, M_E * M_E])]), [2], [0, 2], tolerance: 1e-15))
      #expect(matches(try call("sqrt", [vec([4, 9])]), [2], [2, 3]))
      #expect(matches(try call("clip", [vec([-2, 0.5, 3]), num(0), num(1)]), [3], [0, 0.5, 1]))
      #expect(
        matches(try call("transpose", [mat([[1, 2, 3]])]), [3, 1], [1, 2, 3]))
      let cube = try call("reshape", [try call("arange", [num(8)]), num(2), num(2), num(2)])
      // Axes (1, 0, 2): element [i, j, k] moves to [j, i, k].
      #expect(
        matches(
          try call("transpose", [cube, num(1), num(0), num(2)]), [2, 2, 2],
          [0, 1, 4, 5, 2, 3, 6, 7]))
      #expect(matches(try call("shape", [try call("zeros", [num(2), num(3)])]), [2], [2, 3]))
    }

    @Test func badArgumentsNameTheFunctionAndItsSignature() throws {
      let text = runtimeError("zeros", [.string("x")])
      #expect(
        text?.message == "zeros: a shape is sizes like 2, 3 or a list like [2, 3], not a string")
      #expect(text?.notes == ["signature: zeros(shape…)"])
      let fraction = runtimeError("zeros", [num(2.5)])
      #expect(fraction?.message == "zeros: sizes must be whole numbers ≥ 0, not 2.5")
      #expect(runtimeError("ones", [num(-1)])?.message.hasPrefix("ones: sizes must be") == true)
      let sum = runtimeError("sum", [.string("a")])
      #expect(sum?.message == "sum: t must be a tensor, not a string")
      #expect(sum?.notes == ["signature: sum(t, axis: none, keepdims: false)"])
      let axis = runtimeError("sum", [vec([1])], ["axis": num(0.5)])
      #expect(axis?.message == "sum: axis must be a whole number, not 0.5")
      #expect(runtimeError("eye", [num(-2)])?.message == "eye: n must be at least 0, not -2")
      #expect(runtimeError("linspace", [num(0), num(1), num(1e300)]) != nil)
      #expect(throws: TensorError.self) { try call("zeros", [num(1e7), num(1e7)]) }
    }
  }

  @Suite struct ActivationFunctionTests {
    @Test func eachActivationAppliesToATensor() throws {
      #expect(matches(try call("step", [vec([-1, 0, 2])]), [3], [0, 1, 1]))
      #expect(matches(try call("sign", [vec([-3, 0, 2])]), [3], [-1, 0, 1]))
      #expect(matches(try call("relu", [vec([-1, 2])]), [2], [0, 2]))
      #expect(matches(try call("leaky_relu", [vec([-10, 10])]), [2], [-0.1, 10]))
      #expect(
        matches(try call("leaky_relu", [vec([-10, 10])], ["slope": num(0.2)]), [2], [-2, 10]))
      #expect(number(try call("sigmoid", [num(0)])) == 0.5)
      let s = 1 / (1 + exp(-1.0))
      #expect(matches(try call("logistic", [vec([-1, 1])]), [2], [1 - s, s]))
      #expect(matches(try call("tanh", [vec([1])]), [1], [(M_E - 1 / M_E) / (M_E + 1 / M_E)]))
      let e = [exp(1.0), exp(2.0), exp(3.0)]
      let total = e.reduce(0, +)
      #expect(matches(try call("softmax", [vec([1, 2, 3])]), [3], e.map { $0 / total }))
      #expect(
        matches(
          try call("softmax", [mat([[0, 0], [0, 0]])], ["axis": num(0)]), [2, 2],
          [0.5, 0.5, 0.5, 0.5]))
      #expect(matches(try call("identity", [vec([-4, 4])]), [2], [-4, 4]))
    }

    @Test func anActivationOfSomethingElseIsAnError() {
      let error = runtimeError("relu", [.string("a")])
      #expect(error?.message == "relu: x must be a tensor, not a string")
      #expect(error?.notes == ["signature: relu(x)"])
    }

    @Test func activationFunctionsAreLayersToo() {
      guard case .function(let f) = fn("logistic") else {
        Issue.record("no logistic")
        return
      }
      #expect(f.activation == .sigmoid)
      #expect(f.description == "fn logistic(x)")
    }
  }

  @Suite struct LayerFunctionTests {
    @Test func denseDrawsWeightsOfTheRightShape() throws {
      guard let d = layer(try call("dense", [num(2), num(3), fn("relu")])) as? Dense else {
        Issue.record("not a dense layer")
        return
      }
      #expect(d.weight.shape == [3, 2] && d.weight.isParameter)
      #expect(d.bias.scalars == [0, 0, 0])
      #expect(d.activation == .relu)
      let named = layer(try call("dense", [num(2), num(2), .string("tanh")])) as? Dense
      #expect(named?.activation == .tanh)
    }

    @Test func givenWeightsAreCopiedAndComputeTheWorkedExample() throws {
      let w = mat([[-1, -0.5], [1, 2]])
      let value = try call(
        "dense", [num(2), num(2), fn("relu")], ["w": w, "b": vec([2.1, -4])])
      guard let hidden = layer(value) as? Dense else {
        Issue.record("not a dense layer")
        return
      }
      #expect(hidden.weight !== tensor(w))
      #expect(hidden.weight.scalars == [-1, -0.5, 1, 2])
      // relu(-1·1 − 0.5·2 + 2.1, 1·1 + 2·2 − 4) = (0.1, 1)
      let out = try hidden(Tensor([1, 2]))
      #expect(matches(.tensor(out), [2], [0.1, 1], tolerance: 1e-15))
    }

    @Test func badLayerArguments() throws {
      #expect(
        runtimeError("dense", [num(0), num(1)])?.message == "dense: in must be at least 1, not 0")
      let activation = runtimeError("dense", [num(2), num(2), num(5)])
      #expect(activation?.message.hasPrefix("dense: activation must be an activation") == true)
      #expect(throws: TensorError.self) {
        try call("dense", [num(2), num(3)], ["w": mat([[1, 2]])])
      }
      #expect(runtimeError("perceptron", [num(0)])?.message.hasPrefix("perceptron: ") == true)
    }

    @Test func aPerceptronStartsFromZero() throws {
      guard let p = layer(try call("perceptron", [num(3)])) as? Perceptron else {
        Issue.record("not a perceptron")
        return
      }
      #expect(p.weight.shape == [1, 3] && p.weight.scalars == [0, 0, 0])
      #expect(p.bias.scalars == [0])
    }
  }

  @Suite struct LossFunctionTests {
    @Test func lossesComputeTheirFormulas() throws {
      // ((0.5 − 0)² + (1 − 1)²) / 2
      #expect(number(try call("mse", [vec([0.5, 1]), vec([0, 1])])) == 0.125)
      let bce = -(log(0.9) + log(0.8)) / 2
      #expect(abs((number(try call("bce", [vec([0.9, 0.2]), vec([1, 0])])) ?? 0) - bce) < 1e-12)
      // −log softmax(2, 0, 0)₀ = log(1 + 2e⁻²)
      let ce = log(1 + 2 * exp(-2.0))
      let got = number(try call("cross_entropy", [mat([[2, 0, 0]]), vec([0])])) ?? 0
      #expect(abs(got - ce) < 1e-12)
      // (max(0, 1 − 0.5) + max(0, 1 − 2)) / 2
      #expect(number(try call("hinge", [vec([0.5, -2]), vec([1, -1])])) == 0.25)
    }

    @Test func lossesAreFitValues() throws {
      guard case .function(let f) = fn("cross_entropy"), case .builtin(let b) = f.body else {
        Issue.record("cross_entropy is not a built-in function")
        return
      }
      #expect(b.loss == .crossEntropy)
    }
  }

  @Suite struct GradientFunctionTests {
    @Test func gradAndBackward() throws {
      let w = try call("param", [mat([[1, 2]])])
      guard let p = tensor(w) else { return }
      #expect(p.isParameter)
      let e = try (p * p).sum()
      // ∂(w₁² + w₂²)/∂w = 2w
      #expect(matches(try call("grad", [.tensor(e), w]), [1, 2], [2, 4]))
      #expect(p.grad == nil, "grad does not touch .grad")
      #expect(try call("backward", [.tensor(e)]).isNone)
      #expect(matches(try member(of: w, "grad"), [1, 2], [2, 4]))
      try call("zero_grad", [w])
      #expect(p.grad == nil)
      #expect(matches(try member(of: w, "grad"), [1, 2], [0, 0]))
    }

    @Test func gradOfAModelOrTupleIsATuple() throws {
      let net = try call("dense", [num(1), num(1)], ["w": mat([[3]]), "b": vec([1])])
      guard let d = layer(net) as? Dense else { return }
      // E = (3x + 1)² at x = 2: ∂E/∂w = 2·7·2 = 28, ∂E/∂b = 2·7 = 14
      let out = try d(Tensor([2]))
      let e = try (out * out).sum()
      let grads = elements(try call("grad", [.tensor(e), net]))
      #expect(grads?.count == 2)
      #expect(grads.map { matches($0[0], [1, 1], [28]) && matches($0[1], [1], [14]) } == true)
      let pair = elements(try call("grad", [.tensor(e), .tuple([.tensor(d.bias)])]))
      #expect(pair.map { $0.count == 1 && matches($0[0], [1], [14]) } == true)
      try e.backward()
      #expect(d.weight.grad != nil)
      try call("zero_grad", [net])
      #expect(d.weight.grad == nil && d.bias.grad == nil)
    }

    @Test func badGradientArguments() {
      let error = runtimeError("grad", [num(1), .string("w")])
      #expect(error?.message == "grad: w must be a parameter, a model or a tuple, not a string")
      #expect(error?.notes == ["signature: grad(E, w)"])
    }
  }

  @Suite struct OptimizerFunctionTests {
    @Test func optimizersTakeTheirSettings() throws {
      guard case .optimizer(let plain) = try call("sgd"), let sgd = plain as? SGD else {
        Issue.record("not sgd")
        return
      }
      #expect(sgd.learningRate == 0.01 && sgd.momentum == 0)
      guard case .optimizer(let o) = try call("sgd", [num(0.5)], ["momentum": num(0.9)]),
        let fast = o as? SGD
      else {
        Issue.record("not sgd")
        return
      }
      #expect(fast.learningRate == 0.5 && fast.momentum == 0.9)
      guard case .optimizer(let a) = try call("adam", [], ["lr": num(0.01)]), let adam = a as? Adam
      else {
        Issue.record("not adam")
        return
      }
      #expect(adam.learningRate == 0.01 && adam.beta1 == 0.9)
      guard
        case .schedule(let s) = try call("plateau", [], ["factor": num(0.5), "patience": num(3)])
      else {
        Issue.record("not a schedule")
        return
      }
      #expect(s.factor == 0.5 && s.patience == 3)
    }

    @Test func badOptimizerArguments() {
      #expect(throws: TensorError.self) { try call("sgd", [], ["lr": num(-1)]) }
      #expect(
        runtimeError("plateau", [], ["patience": num(1.5)])?.message
          == "plateau: patience must be a whole number, not 1.5")
      #expect(runtimeError("adam", [.string("fast")]) != nil)
    }
  }

  @Suite struct DataFunctionTests {
    @Test func logicGates() throws {
      let inputs: [Double] = [0, 0, 0, 1, 1, 0, 1, 1]
      for (name, targets) in [
        ("xor", [0.0, 1, 1, 0]), ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]),
        ("nand", [1, 1, 1, 0]),
      ] {
        let d = dataset(try call(name))
        #expect(d?.x.shape == [4, 2] && d?.x.scalars == inputs, "\(name)")
        #expect(d?.y.shape == [4, 1] && d?.y.scalars == targets, "\(name)")
        #expect(d?.classes == 2)
      }
    }

    @Test func generatedDataSets() throws {
      let blobs = dataset(try call("blobs", [num(30)], ["centers": num(2), "noise": num(0.5)]))
      #expect(blobs?.count == 30 && blobs?.classes == 2 && blobs?.features == 2)
      #expect(dataset(try call("circles", [num(20)]))?.classes == 2)
      #expect(dataset(try call("moons", [num(20)], ["noise": num(0)]))?.count == 20)
      let spiral = dataset(try call("spiral", [num(30)], ["classes": num(3)]))
      #expect(spiral?.classes == 3 && spiral?.count == 30)
      let line = dataset(
        try call("line", [num(50)], ["slope": num(3), "intercept": num(-1), "noise": num(0)]))
      #expect(line?.classes == nil && line?.count == 50)
      if let line {
        for (x, y) in zip(line.x.scalars, line.y.scalars) {
          #expect(abs(y - (3 * x - 1)) < 1e-12)
          #expect(x >= -1 && x < 1)
        }
      }
      let sine = dataset(try call("sine", [num(10)], ["noise": num(0)]))
      if let sine {
        for (x, y) in zip(sine.x.scalars, sine.y.scalars) { #expect(abs(y - sin(x)) < 1e-12) }
      }
      #expect(throws: TensorError.self) { try call("blobs", [num(2)], ["centers": num(3)]) }
    }

    @Test func splitGivesATupleOfTrainAndTest() throws {
      let parts = elements(try call("split", [try call("line", [num(10)]), num(0.8)]))
      #expect(parts?.count == 2)
      #expect(parts.flatMap { dataset($0[0])?.count } == 8)
      #expect(parts.flatMap { dataset($0[1])?.count } == 2)
      let halves = elements(try call("split", [try call("line", [num(10)])]))
      #expect(halves.flatMap { dataset($0[0])?.count } == 8)
    }

    @Test func seedMakesRunsRepeat() throws {
      #expect(try call("seed", [num(42)]).isNone)
      let first = dataset(try call("moons", [num(5)]))?.x.scalars
      try call("seed", [num(42)])
      #expect(dataset(try call("moons", [num(5)]))?.x.scalars == first)
      #expect(runtimeError("seed", [num(-1)])?.message == "seed: n must be at least 0, not -1")
    }

    @Test func loadReadsACSVFile() throws {
      let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "gradbook-\(UUID().uuidString).csv")
      try "a,b,label\n1,2,0\n3,4,1\n5,6,1\n".write(to: url, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(at: url) }
      let d = dataset(try call("load", [.string(url.path)], ["target": .string("label")]))
      #expect(d?.x.scalars == [1, 2, 3, 4, 5, 6])
      #expect(d?.y.scalars == [0, 1, 1])
      #expect(d?.classes == 2)
    }

    @Test func aFileErrorBecomesARuntimeErrorWithItsText() {
      let missing = runtimeError(
        "load", [.string("/nonexistent/data.csv")], ["target": .string("y")])
      #expect(missing?.message == "/nonexistent/data.csv: no such file")
      do {
        _ = try call("load", [.string("x.csv")])
        Issue.record("target: is required")
      } catch let error as RuntimeError {
        #expect(error.message == "load is missing its argument target")
      } catch {
        Issue.record("\(error)")
      }
    }
  }

  @Suite struct TrainingFunctionTests {
    func xorNetwork() throws -> Value {
      let hidden = try call("dense", [num(2), num(4), fn("tanh")])
      let output = try call("dense", [num(4), num(1), fn("sigmoid")])
      guard let a = layer(hidden), let b = layer(output) else { return .none }
      return .layer(a >> b)
    }

    @Test func fitLearnsXorAndWritesOneSummaryLine() throws {
      try call("seed", [num(42)])
      let net = try xorNetwork()
      let data = try call("xor")
      let context = TestContext()
      let result = try call(
        "fit", [net, data],
        ["loss": fn("mse"), "opt": try call("sgd", [], ["lr": num(0.5)]), "epochs": num(3000)],
        context: context)
      guard case .history(let h) = result else {
        Issue.record("fit gives a history")
        return
      }
      #expect(h.epochs == 3000)
      #expect(number(try call("accuracy", [net, data])) == 1)
      #expect(context.writes.count == 1)
      #expect(context.kept.count == 1)
      let line = context.kept.first ?? ""
      #expect(line.hasPrefix("epoch 3000/3000 · loss "))
      #expect(line.contains(" · accuracy 1 · "))
      #expect(line.range(of: #" · [0-9]+(\.[0-9]+)? s\n$"#, options: .regularExpression) != nil)
      #expect(line.filter { $0 == "\n" }.count == 1)
      // The timing is an event of its own (a notebook leaves it out), the run's wall time.
      #expect(context.timings == [h.seconds])
    }

    @Test func onATerminalTheLiveLineIsTransient() throws {
      try call("seed", [num(1)])
      let context = TestContext()
      context.isTerminal = true
      try call(
        "fit", [try xorNetwork(), try call("xor")],
        ["epochs": num(3000), "val": try call("xor")], context: context)
      #expect(context.kept.count == 1)
      #expect(context.kept.first?.contains(" · val_loss ") == true)
      for line in context.writes where line.transient {
        #expect(line.text.hasPrefix("epoch ") && !line.text.contains("\n"))
        #expect(line.text.contains(" · val_loss "))
      }
    }

    @Test func anInterruptedFitSaysSoOnce() throws {
      let context = TestContext()
      context.cancelAfterChecks = 5
      let result = try call(
        "fit", [try xorNetwork(), try call("xor")], ["epochs": num(100)], context: context)
      guard case .history(let h) = result else { return }
      #expect(h.stop == .cancelled(epoch: 6, step: 1))
      #expect(context.kept.count == 1)
      let line = context.kept.first ?? ""
      #expect(line.hasPrefix("interrupted in epoch 6 before step 1 · loss "))
      #expect(line.contains(" · model keeps its last finished step · "))
      #expect(line.hasSuffix(" s\n"))
    }

    @Test func theLiveLineEstimatesTheTimeLeft() {
      // 120 of 3000 epochs in 0.4 s: the other 2880 take 0.4 / 120 · 2880 = 9.6 s.
      #expect(
        Builtins.progressLine(epoch: 120, of: 3000, loss: 0.0213, accuracy: 0.75, elapsed: 0.4)
          == "epoch 120/3000 · loss 0.0213 · accuracy 0.75 · 0.4 s · 9.6 s left")
      #expect(
        Builtins.progressLine(
          epoch: 10, of: 10, loss: 0.5, validationLoss: 0.25, validationAccuracy: 1, elapsed: 12)
          == "epoch 10/10 · loss 0.5 · val_loss 0.25 · val_accuracy 1 · 12 s")
    }

    @Test func summaryLinesOfFinishedRuns() {
      var h = History(plannedEpochs: 10)
      h.loss = [1, 0.5, 0.25]
      h.validationLoss = [1, 0.75, 0.5]
      h.accuracy = [0.5, 0.5, 0.75]
      h.seconds = 2.34
      #expect(
        Builtins.summaryLine(h) == "epoch 3/10 · loss 0.25 · val_loss 0.5 · accuracy 0.75 · 2.3 s")
      #expect(Builtins.formatSeconds(0.04) == "0.04 s")
      #expect(Builtins.formatSeconds(0.00001) == "0.000 s")
      #expect(Builtins.formatSeconds(0.004) == "0.004 s")
      #expect(Builtins.formatSeconds(0.4) == "0.4 s")
      #expect(Builtins.formatSeconds(123.4) == "123 s")
      #expect(Builtins.formatSeconds(9.96) == "10 s")
      #expect(Builtins.formatSeconds(.nan) == "0.000 s")
      #expect(Builtins.formatSeconds(41.3) == "41 s")
      #expect(Builtins.summaryLine(History(plannedEpochs: 0)) == "epoch 0/0 · 0.000 s")
    }

    @Test func thePerceptronRuleConvergesOnAndButNotOnXor() throws {
      let p = try call("perceptron", [num(2)])
      let context = TestContext()
      guard
        case .perceptronResult(let and) = try call("fit", [p, try call("and")], context: context)
      else {
        Issue.record("fit of a perceptron gives its result")
        return
      }
      // By hand: from w = (0, 0), b = 0, the rule makes its last change in epoch 5 and epoch 6
      // is clean, ending with w = (2, 1), b = −3.
      #expect(and.converged && and.convergedAt == 6)
      #expect(matches(try member(of: p, "w"), [1, 2], [2, 1]))
      #expect(matches(try member(of: p, "b"), [1], [-3]))
      #expect(context.writes.isEmpty, "the result is the value; nothing else is written")
      let q = try call("perceptron", [num(2)])
      guard
        case .perceptronResult(let xor) = try call(
          "fit", [q, try call("xor")], ["epochs": num(20), "lr": num(0.5)])
      else { return }
      #expect(!xor.converged && xor.epochs == 20)
    }

    @Test func thePerceptronRuleTakesNoOptimizerAndANetworkNoLr() throws {
      let p = try call("perceptron", [num(2)])
      let opt = runtimeError("fit", [p, try call("and")], ["opt": try call("sgd")])
      #expect(opt?.message.hasPrefix("fit: a perceptron is fitted by its rule") == true)
      #expect(opt?.notes.first?.hasPrefix("signature: fit(model, data, loss: mse") == true)
      let lr = runtimeError("fit", [try xorNetwork(), try call("xor")], ["lr": num(0.5)])
      #expect(lr?.message.hasPrefix("fit: lr: is the rate of the perceptron rule") == true)
      let data = runtimeError("fit", [try xorNetwork(), num(3)])
      #expect(data?.message == "fit: data must be a data set, not a number")
      let schedule = runtimeError(
        "fit", [try xorNetwork(), try call("xor")], ["schedule": try call("sgd")])
      #expect(schedule?.message.hasPrefix("fit: schedule must be a schedule") == true)
    }

    @Test func predictAccuracyAndEvaluate() throws {
      let net = try call("dense", [num(1), num(1)], ["w": mat([[3]]), "b": vec([-1])])
      #expect(matches(try call("predict", [net, mat([[1], [2]])]), [2, 1], [2, 5]))
      let line = try call(
        "line", [num(20)], ["slope": num(3), "intercept": num(-1), "noise": num(0)])
      #expect(
        matches(
          try call("predict", [net, line]), [20, 1],
          tensor(try member(of: line, "y"))?.scalars ?? [], tolerance: 1e-12))
      // The model is exactly the line: its loss is 0 and regression gives no accuracy.
      #expect((number(try call("evaluate", [net, line])) ?? 1) < 1e-20)
      #expect(throws: TensorError.self) { try call("accuracy", [net, line]) }

      // step(x₁ + x₂ − 1.5) is AND.
      let and = try call(
        "dense", [num(2), num(1), fn("step")], ["w": mat([[1, 1]]), "b": vec([-1.5])])
      #expect(number(try call("accuracy", [and, try call("and")])) == 1)
      #expect(number(try call("accuracy", [and, try call("or")])) == 0.5)
      let result = elements(try call("evaluate", [and, try call("or")]))
      // Outputs (0, 0, 0, 1) against OR's (0, 1, 1, 1): mse 2/4, accuracy 2/4.
      #expect(result.map { $0.count == 2 && number($0[0]) == 0.5 && number($0[1]) == 0.5 } == true)
    }

    @Test func summaryTabulatesTheLayers() throws {
      let net = try xorNetwork()
      guard case .text(let table) = try call("summary", [net]) else {
        Issue.record("summary gives text")
        return
      }
      // dense 2→4: 2·4 + 4 = 12 weights, 8 multiply-adds; dense 4→1: 5 weights, 4.
      let expected = [
        "layer              output shape  weights  multiply-adds",
        "input              [2]",
        "dense 2→4 tanh     [4]                12              8",
        "dense 4→1 sigmoid  [1]                 5              4",
        "total                                 17             12",
      ].joined(separator: "\n")
      #expect(table == expected)
      guard case .text(let relu) = try call("summary", [fn("relu")], ["input": num(3)]) else {
        return
      }
      #expect(relu.contains("relu   [3]"))
      #expect(
        runtimeError("summary", [fn("relu")])?.message.hasPrefix(
          "summary: the model's input shape cannot be known from its layers (it starts with relu)")
          == true)
      #expect(Builtins.grouped(60_965_224) == "60,965,224")
      #expect(Builtins.grouped(999) == "999")
    }
  }

  @Suite struct OutputFunctionTests {
    @Test func printWritesOneLine() throws {
      let context = TestContext()
      let value = try call(
        "print", [.string("E ="), num(1.0 / 3), vec([1, 2])], ["digits": num(8)], context: context)
      #expect(value.isNone)
      #expect(context.writes.count == 1)
      #expect(context.kept == ["E = 0.33333333 [1, 2]\n"])
      let plain = TestContext()
      try call("print", [num(2.0 / 3)], context: plain)
      #expect(plain.kept == ["0.6667\n"])
      let one = TestContext()
      try call("print", [mat([[1, 2]])], ["digits": num(17)], context: one)
      try call("print", [.string("a \"b\"")], context: one)
      #expect(one.kept == ["tensor [1, 2]\n[[1, 2]]\n", "a \"b\"\n"])
      #expect(
        runtimeError("print", [num(1)], ["digits": num(18)])?.message.hasPrefix(
          "print: digits must be 1 … 17") == true)
    }
  }
}

extension Value {
  var isNone: Bool {
    if case .none = self { return true }
    return false
  }
}
