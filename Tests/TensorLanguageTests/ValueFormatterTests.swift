import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  @Suite struct ValueFormatterTests {
    let f = ValueFormatter()

    @Test func tensorsShowTheirShapeThenTheirValues() {
      #expect(
        f.format(mat([[0.03125, 1], [2.5, -4]])) == "tensor [2, 2]\n[[0.03125, 1], [2.5, -4]]")
      #expect(f.format(vec([1, 2, 3])) == "tensor [3]\n[1, 2, 3]")
      #expect(f.format(vec([])) == "tensor [0]\n[]")
      #expect(f.format(mat([[1.0 / 3]])) == "tensor [1, 1]\n[[0.3333]]")
    }

    @Test func wideTensorsTakeSeveralLinesOfTheWidth() {
      let narrow = ValueFormatter(width: 20)
      let m = mat([[1, -2, 3, 4], [5, 6, -7, 8], [9, 10, 11, 12]])
      #expect(
        narrow.format(m) == """
          tensor [3, 4]
          [[ 1, -2,  3,  4],
           [ 5,  6, -7,  8],
           [ 9, 10, 11, 12]]
          """)
      // The default width, 80, keeps a small tensor on one line.
      #expect(f.format(m) == "tensor [3, 4]\n[[1, -2, 3, 4], [5, 6, -7, 8], [9, 10, 11, 12]]")
    }

    @Test func aTensorInATupleFitsTheWidthWithTheTuplesPunctuation() {
      // The tensor gets 18 characters, leaving room for the tuple's indent and its `,`.
      let narrow = ValueFormatter(width: 20)
      let text = narrow.format(.tuple([mat([[1, -2, 3, 4], [5, 6, -7, 8]]), num(1)]))
      #expect(
        text == """
          ([[ 1, -2,  3,  4],
            [ 5,  6, -7,  8]],
           1)
          """)
      #expect(text.split(separator: "\n").allSatisfy { $0.count <= 20 })
    }

    @Test func aNumberIsJustTheNumber() {
      #expect(f.format(num(3)) == "3")
      #expect(f.format(num(0.5)) == "0.5")
      #expect(f.format(num(-2.0 / 3)) == "-0.6667")
      #expect(ValueFormatter(digits: 8).format(num(1.0 / 3)) == "0.33333333")
      #expect(f.format(num(.infinity)) == "inf")
    }

    @Test func largeTensorsAreElided() throws {
      let text = f.format(try call("zeros", [num(2000)]))
      #expect(text == "tensor [2000]\n[0, 0, 0, …, 0, 0, 0]")
    }

    @Test func otherPlainValues() {
      #expect(f.format(.bool(true)) == "true")
      #expect(f.format(.bool(false)) == "false")
      #expect(f.format(.string("xor.svg")) == "\"xor.svg\"")
      #expect(f.format(.string("say \"hi\"\\\n")) == #""say \"hi\"\\\n""#)
      #expect(f.format(.range(1, 10)) == "1..10")
      #expect(f.format(.range(-5, 0.5)) == "-5..0.5")
      #expect(f.format(.text("a table\nof two lines")) == "a table\nof two lines")
      #expect(f.format(.none) == "")
    }

    @Test func tuplesShowTheirElementsInline() throws {
      #expect(f.format(.tuple([num(0.02), num(1)])) == "(0.02, 1)")
      #expect(
        f.format(.tuple([vec([1, 2]), .string("a"), .bool(true)])) == "([1, 2], \"a\", true)")
      #expect(f.format(.tuple([])) == "()")
      #expect(f.format(.tuple([num(1), .tuple([num(2), num(3)])])) == "(1, (2, 3))")
      let layers = Value.tuple([
        .layer(try Dense(2, 4, activation: .tanh)), .layer(ActivationLayer(.relu)),
      ])
      #expect(f.format(layers) == "(dense 2→4 tanh, relu)")
    }

    @Test func longTuplesTakeOneLinePerElement() {
      let narrow = ValueFormatter(width: 20)
      let text = narrow.format(.tuple([.string("a long string"), .string("another one")]))
      #expect(text == "(\"a long string\",\n \"another one\")")
    }

    @Test func dataSetsModelsAndLayers() throws {
      #expect(f.format(try call("xor")) == "dataset xor · 4 samples · x [4, 2] · y [4, 1]")
      let net = try Dense(2, 4, activation: .tanh) >> Dense(4, 1, activation: .sigmoid)
      #expect(
        f.format(.layer(net)) == "model · dense 2→4 tanh >> dense 4→1 sigmoid · 17 parameters")
      #expect(
        f.format(.layer(try Dense(2, 4, activation: .tanh)))
          == "layer · dense 2→4 tanh · 12 parameters")
      #expect(
        f.format(.layer(try Perceptron(inputs: 2))) == "layer · perceptron 2→1 step · 3 parameters")
      #expect(f.format(.layer(ActivationLayer(.relu))) == "layer · relu · 0 parameters")
    }

    @Test func optimizersSchedulesHistoriesAndResults() throws {
      #expect(f.format(try call("sgd", [], ["lr": num(0.5)])) == "sgd · lr 0.5")
      #expect(f.format(try call("adam")) == "adam · lr 0.001")
      #expect(f.format(try call("plateau")) == "plateau · factor 0.1 · patience 10")
      var h = History(plannedEpochs: 3)
      h.loss = [1, 0.5, 0.25]
      #expect(f.format(.history(h)) == "history · 3 epochs · loss 0.25")
      let result = try call("fit", [try call("perceptron", [num(2)]), try call("or")])
      #expect(f.format(result).hasPrefix("converged in epoch "))
    }

    @Test func functionsShowTheirSignature() {
      #expect(f.format(fn("sigmoid")) == "fn sigmoid(x)")
      #expect(
        f.format(fn("dense")) == "fn dense(in, out, activation = identity, w: random, b: zeros)")
      let user = Function(name: "square", body: .user(parameters: ["z"], body: []))
      #expect(f.format(.function(user)) == "fn square(z)")
    }
  }
}
