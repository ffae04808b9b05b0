import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

/// Runs source through the parser and one interpreter, keeping bindings between runs.
final class Program {
  let context = TestContext()
  lazy var interpreter = Interpreter(context: context)

  /// The value of the last statement.
  @discardableResult
  func run(_ source: String) throws -> Value {
    let parsed = Parser.parse(source)
    if let d = parsed.diagnostics.first { throw RuntimeError(d.message, at: d.range) }
    var last = Value.none
    for stmt in parsed.statements { last = try interpreter.execute(stmt) }
    return last
  }

  /// The message of the error `source` stops with.
  func error(_ source: String) -> String? {
    do {
      try run(source)
      return nil
    } catch let error as RuntimeError {
      return error.message
    } catch {
      return "\(error)"
    }
  }
}

extension LanguageTests {
  @Suite struct AssignmentTests {
    @Test func elementsRowsColumnsStepsAndMasks() throws {
      let p = Program()
      try p.run("w = [[1, 2], [3, 4]]")
      #expect(matches(try p.run("w[0, 1] = 0.5"), [2, 2], [1, 0.5, 3, 4]))
      #expect(matches(try p.run("w[1] = [7, 8]\nw"), [2, 2], [1, 0.5, 7, 8]))
      #expect(matches(try p.run("w[:, 0] = 0\nw"), [2, 2], [0, 0.5, 0, 8]))
      try p.run("m = zeros(3, 4)\nm[::2, 1::2] = 1")
      #expect(matches(try p.run("m"), [3, 4], [0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1]))
      try p.run("x = [1, -2, 3, -4]\nx[x < 0] = 0")
      #expect(matches(try p.run("x"), [4], [1, 0, 3, 0]))
      try p.run("x[[0, 2]] = [10, 30]")
      #expect(matches(try p.run("x"), [4], [10, 0, 30, 0]))
      // `==` after an index is still a comparison.
      #expect(matches(try p.run("x[0] == 10"), [], [1]))
    }

    @Test func aPlainTensorIsAValueSoOtherNamesKeepTheOldOne() throws {
      let p = Program()
      try p.run("a = [1, 2, 3]\nb = a\na[0] = 9")
      #expect(matches(try p.run("a"), [3], [9, 2, 3]))
      #expect(matches(try p.run("b"), [3], [1, 2, 3]))
      // A function changes its own copy, not the caller's.
      try p.run("fn zero_first(t) {\n  t[0] = 0\n  t\n}\nc = zero_first(b)")
      #expect(matches(try p.run("c"), [3], [0, 2, 3]))
      #expect(matches(try p.run("b"), [3], [1, 2, 3]))
    }

    @Test func aParameterIsChangedInPlaceSoTheLayerUsesIt() throws {
      let p = Program()
      try p.run(
        """
        net = dense(2, 1) >> dense(1, 1)
        net.layers[0].w = [[1, 1]]
        net.layers[0].b = [0]
        net.layers[1].w = [[2]]
        net.layers[1].b = 1
        w = net.layers[0].w
        """)
      #expect(matches(try p.run("net([1, 2])"), [1], [7]))
      try p.run("net.layers[0].w[0, 1] = 0")
      #expect(matches(try p.run("net([1, 2])"), [1], [3]))
      // Every name for the parameter sees the change, as the layer does.
      #expect(matches(try p.run("w"), [1, 2], [1, 0]))
      try p.run("w[0, 0] = 5")
      #expect(matches(try p.run("net([1, 2])"), [1], [11]))
    }

    @Test func aWrongShapeNamesBothShapes() throws {
      let p = Program()
      try p.run("net = dense(2, 3) >> dense(3, 1)")
      #expect(
        p.error("net.layers[1].w = [[1, 2]]")
          == ".w has shape [1, 3] but the new value has shape [1, 2]; give the same shape "
          + "(or one number for all)")
      #expect(
        p.error("net.layers[0].w[0] = [1, 2, 3]")
          == "cannot assign a value of shape [3] to a selection of shape [2]: the value must "
          + "have that shape or broadcast to it")
      #expect(p.error("net.w = 1")?.hasPrefix("a model has no single .w") == true)
      #expect(p.error("net.layers[1].b = \"x\"")?.hasPrefix("only numbers and tensors") == true)
      #expect(p.error("t = [1, 2]\nt.shape = [2]")?.hasPrefix("cannot assign to .shape") == true)
      #expect(p.error("u = (1, 2)\nu[0] = 3")?.hasPrefix("a tuple cannot be changed") == true)
      #expect(p.error("nothing[0] = 1") == "unknown name nothing")
      #expect(
        p.error("t = [1, 2]\nt[5] = 1")
          == "index 5 is out of range for axis 0 of size 2 (valid: -2…1)")
    }

    @Test func writingIntoAComputedTensorKeepsItsGradient() throws {
      let p = Program()
      try p.run("w = param([1, 2, 3])\ny = w * 2\ny[0] = 0")
      #expect(matches(try p.run("grad(sum(y), w)"), [3], [0, 2, 2]))
      // The parameter itself is untouched by writing into y.
      #expect(matches(try p.run("w"), [3], [1, 2, 3]))
    }
  }

  @Suite struct LanguageIndexingTests {
    @Test func masksListsAndDataSets() throws {
      let p = Program()
      try p.run("x = [[1, 2], [3, 4], [5, 6]]\ny = [[0], [1], [0]]")
      #expect(matches(try p.run("x[y == 0]"), [2, 2], [1, 2, 5, 6]))
      #expect(matches(try p.run("x[y == 0, 1]"), [2], [2, 6]))
      #expect(matches(try p.run("x[x > 3]"), [3], [4, 5, 6]))
      #expect(matches(try p.run("x[(x > 1) * (x < 6)]"), [4], [2, 3, 4, 5]))
      #expect(matches(try p.run("x[[0, 2]]"), [2, 2], [1, 2, 5, 6]))
      #expect(matches(try p.run("x[[2, 0], 1]"), [2], [6, 2]))
      #expect(matches(try p.run("x[:, [1, 0]]"), [3, 2], [2, 1, 4, 3, 6, 5]))
      // A list of 0s and 1s that no comparison made selects positions, as in numpy.
      #expect(matches(try p.run("x[[1, 0, 1]]"), [3, 2], [3, 4, 1, 2, 3, 4]))
      try p.run("d = xor()")
      #expect(number(try p.run("d[d.y == 1].n")) == 2)
      #expect(matches(try p.run("d[[0, 3]].x"), [2, 2], [0, 0, 1, 1]))
    }

    @Test func badIndicesAreClearErrors() throws {
      let p = Program()
      try p.run("x = [[1, 2], [3, 4], [5, 6]]")
      #expect(p.error("x[[0, 1], [0, 1]]")?.hasPrefix("only one list index at a time") == true)
      #expect(p.error("x[0, x[:, 0] > 2]")?.hasPrefix("a mask must be the first index") == true)
      #expect(p.error("x[[0.5]]") == "an index must be a whole number, not 0.5")
      #expect(p.error("x[[[0]]]")?.hasPrefix("a list index is a vector of positions") == true)
      #expect(p.error("x[[3]]") == "index 3 is out of range for axis 0 of size 3 (valid: -3…2)")
      #expect(p.error("x[[1, 0] > 0]")?.hasPrefix("a mask of shape [2] does not fit") == true)
      try p.run("d = xor()")
      #expect(p.error("d[[1, 0] == 1]")?.hasPrefix("a mask selecting samples needs") == true)
    }
  }

  @Suite struct TextAndConstantTests {
    @Test func strMakesLabelsAndFileNames() throws {
      let p = Program()
      func text(_ source: String) throws -> String? {
        if case .string(let s) = try p.run(source) { return s }
        return nil
      }
      #expect(try text("\"loss \" + str(0.5)") == "loss 0.5")
      #expect(try text("\"run-\" + str(3) + \".svg\"") == "run-3.svg")
      #expect(try text("str([1, 2.5]) + str(1 / 3, digits: 2)") == "[1, 2.5]0.33")
      #expect(try text("str(\"x\") + str(true)") == "xtrue")
      #expect(p.error("\"loss \" + 0.5")?.contains("str(0.5)") == true)
      #expect(p.error("3 + \".svg\"")?.contains("str(3)") == true)
    }

    @Test func piIsANumberThatANameCanShadow() throws {
      let p = Program()
      #expect(number(try p.run("pi")) == Double.pi)
      #expect(number(try p.run("cos(pi)")) == -1)
      try p.run("pi = 3")
      #expect(number(try p.run("pi")) == 3)
    }
  }
}

extension LanguageTests.AssignmentTests {
  @Test func aResultComputedBeforeAnAssignmentHasNoGradientAfterIt() throws {
    let p = Program()
    try p.run("w = param([1, 2])\nE = sum(w * w)\nw[0] = 5")
    #expect(p.error("grad(E, w)")?.contains("was changed in place") == true)
    #expect(matches(try p.run("grad(sum(w * w), w)"), [2], [10, 4]))
  }
}
