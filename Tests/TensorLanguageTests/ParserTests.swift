import Testing

@testable import TensorLanguage

/// A compact rendering of an expression tree, so tests can state a parse in one line.
func sexpr(_ e: Expr) -> String {
  switch e.kind {
  case .number(let x): return x.isFinite && x == x.rounded() ? String(Int(x)) : String(x)
  case .string(let s): return "\"\(s)\""
  case .bool(let b): return String(b)
  case .identifier(let n): return n
  case .list(let items): return "[" + items.map(sexpr).joined(separator: " ") + "]"
  case .tuple(let items): return "(tuple " + items.map(sexpr).joined(separator: " ") + ")"
  case .unary(let op, let x): return "(\(op) \(sexpr(x)))"
  case .binary(let op, let a, let b): return "(\(op) \(sexpr(a)) \(sexpr(b)))"
  case .range(let a, let b): return "(.. \(sexpr(a)) \(sexpr(b)))"
  case .call(let f, let args):
    return "(call \(sexpr(f))"
      + args.map { " " + ($0.label.map { "\($0): " } ?? "") + sexpr($0.value) }.joined() + ")"
  case .index(let base, let items):
    let parts = items.map { item -> String in
      switch item {
      case .single(let x): return sexpr(x)
      case .slice(let a, let b, let c):
        return [a, b, c].map { $0.map(sexpr) ?? "_" }.joined(separator: ":")
      }
    }
    return "(index \(sexpr(base)) \(parts.joined(separator: " ")))"
  case .member(let base, let name): return "(. \(sexpr(base)) \(name))"
  case .transpose(let x): return "(' \(sexpr(x)))"
  case .conditional(let c, let then, let otherwise):
    return "(if \(sexpr(c)) \(then.count)" + (otherwise.map { " else \($0.count)" } ?? "") + ")"
  }
}

func parseOne(_ source: String) throws -> Expr {
  let result = Parser.parse(source)
  #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
  let stmt = try #require(result.statements.first)
  guard case .expression(let e, _) = stmt.kind else {
    Issue.record("not an expression statement: \(stmt.kind)")
    throw ParseTestError()
  }
  return e
}

struct ParseTestError: Error {}

@Suite struct ParserTests {
  @Test(arguments: [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
    ("-2^2", "(- (^ 2 2))"),
    ("2^3^2", "(^ 2 (^ 3 2))"),
    ("2^-1", "(^ 2 (- 1))"),
    ("a - b - c", "(- (- a b) c)"),
    ("w @ x + b", "(+ (@ w x) b)"),
    ("a >> b >> c", "(>> (>> a b) c)"),
    ("x >> dense(2, 4) >> relu", "(>> (>> x (call dense 2 4)) relu)"),
    ("a < b && c || !d", "(|| (&& (< a b) c) (! d))"),
    ("1..n + 1", "(.. 1 (+ n 1))"),
    ("-5..5", "(.. (- 5) 5)"),
    ("x'", "(' x)"),
    ("w' @ x", "(@ (' w) x)"),
    ("net.layers[0].w", "(. (index (. net layers) 0) w)"),
    ("t[1, :]", "(index t 1 _:_:_)"),
    ("t[:, -1]", "(index t _:_:_ (- 1))"),
    ("t[1:3]", "(index t 1:3:_)"),
    ("t[::2]", "(index t _:_:2)"),
    ("[[0, 0], [0, 1]]", "[[0 0] [0 1]]"),
    ("(a, b)", "(tuple a b)"),
    ("fit(net, data, loss: mse, epochs: 10)", "(call fit net data loss: mse epochs: 10)"),
    (".5 + 1e-3", "(+ 0.5 0.001)"),
    ("\"a\\\"b\\n\"", "\"a\"b\n\""),
    ("if x > 0 { 1 } else { 2 }", "(if (> x 0) 1 else 1)"),
  ])
  func expressions(source: String, expected: String) throws {
    #expect(sexpr(try parseOne(source)) == expected)
  }

  @Test func statementForms() throws {
    let source = """
      x = 1
      a, b = split(data, 0.8)
      fn logistic(z) = 1 / (1 + exp(-z))
      fn step_twice(net, data) {
        fit(net, data, epochs: 1);
        fit(net, data, epochs: 1)
      }
      for epoch in 1..10 { y = epoch }
      while err > 0.01 { err = err / 2 }
      fn f(x) {
        return x * 2
      }
      t = x;
      w[0, 1] = 0.5
      net.layers[1].w = [[1, 2]];
      x[x < 0] = 0
      a[i] == b
      """
    let result = Parser.parse(source)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    let kinds = result.statements.map { stmt -> String in
      switch stmt.kind {
      case .expression: "expression"
      case .assign(let name, _, let silent): "assign \(name)\(silent ? ";" : "")"
      case .destructure(let names, _, _): "destructure \(names.joined(separator: ","))"
      case .function(let name, let params, let body): "fn \(name)/\(params.count)/\(body.count)"
      case .forLoop(let name, _, let body): "for \(name)/\(body.count)"
      case .whileLoop(_, let body): "while/\(body.count)"
      case .returnValue: "return"
      case .store(let target, _, let silent): "store \(sexpr(target))\(silent ? ";" : "")"
      }
    }
    #expect(
      kinds == [
        "assign x", "destructure a,b", "fn logistic/1/1", "fn step_twice/2/2", "for epoch/1",
        "while/1", "fn f/1/1", "assign t;", "store (index w 0 1)",
        "store (. (index (. net layers) 1) w);", "store (index x (< x 0))", "expression",
      ])
  }

  @Test func newlinesContinueInsideBracketsAndAfterOperators() throws {
    let result = Parser.parse("x = [1,\n 2,\n 3]\ny = 1 +\n  2\nz = f(a,\n b)")
    #expect(result.diagnostics.isEmpty)
    #expect(result.statements.count == 3)
  }

  @Test(arguments: ["x = (1 +", "fn f(x) {", "1 +", "[1, 2", "for i in 1..3 {\n  x = i", "f(a,"])
  func unfinishedInputIsIncomplete(source: String) {
    let result = Parser.parse(source)
    #expect(result.incomplete)
  }

  @Test(arguments: ["x = )", "1 2", "fn (x) = 1", "x = \"open", "t[]", "a = 1 = 2"])
  func mistakesAreErrorsNotIncomplete(source: String) {
    let result = Parser.parse(source)
    #expect(!result.incomplete)
    #expect(!result.diagnostics.isEmpty)
  }

  @Test func severalSyntaxErrorsAreReportedTogether() {
    let result = Parser.parse("x = )\ny = 2\nz = * 3\nw = 4")
    #expect(result.diagnostics.map(\.range.start.line) == [1, 3])
    #expect(result.diagnostics[0].message == "expected an expression but found ')'")
    #expect(result.diagnostics[0].range.start.column == 5)
    #expect(result.statements.isEmpty)
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    let source = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
    let result = Parser.parse(source)
    #expect(result.diagnostics.count == 1)
    #expect(result.diagnostics.first?.message.hasPrefix("expression nested too deeply") == true)
    let minus = String(repeating: "-", count: 10_000) + "1"
    #expect(Parser.parse(minus).diagnostics.first?.message.hasPrefix("expression nested") == true)
  }

  @Test func unterminatedStringPointsAtItsQuote() {
    let result = Parser.parse("print(\"hello)")
    let d = result.diagnostics.first
    #expect(d?.message == "unterminated string: add a closing \" on the same line")
    #expect(d?.range.start.column == 7)
  }

  @Test func absurdNumbersLexAsInfinityOrZero() throws {
    #expect(sexpr(try parseOne("1e999999")) == "inf")
    if case .number(let x) = try parseOne("1e-999999").kind { #expect(x == 0) }
  }

  @Test func diagnosticIsRenderedWithACaretUnderTheOperator() throws {
    let source = "w = 1\nw @ x"
    let result = Parser.parse("w @ x")
    guard case .expression(let e, _) = try #require(result.statements.first).kind else { return }
    let d = Diagnostic(
      "cannot multiply [2, 3] @ [2, 1]: inner sizes 3 and 2 differ", at: e.range)
    #expect(
      DiagnosticFormatter().format(d, in: "w @ x")
        == "error: cannot multiply [2, 3] @ [2, 1]: inner sizes 3 and 2 differ\n  w @ x\n    ^\n")
    var shifted = d
    shifted.range.start.line = 2
    shifted.range.end.line = 2
    #expect(
      DiagnosticFormatter(file: "net.gb").format(shifted, in: source)
        == "net.gb:2:3: error: cannot multiply [2, 3] @ [2, 1]: inner sizes 3 and 2 differ\n"
        + "  w @ x\n    ^\n")
  }

  @Test func anAssignmentToSomethingThatIsNoPlaceIsAnError() {
    for source in ["f(x) = 1", "x + 1 = 2", "f(x)[0] = 1", "(x) = 1", "[1, 2][0] = 3"] {
      let result = Parser.parse(source)
      #expect(!result.incomplete, "\(source)")
      #expect(
        result.diagnostics.first?.message.hasPrefix("cannot assign to this expression") == true,
        "\(source): \(result.diagnostics)")
    }
  }

  @Test func anAssignmentWithoutItsValueIsIncomplete() {
    #expect(Parser.parse("w[0, 1] =").incomplete)
    #expect(Parser.parse("net.layers[0].w =").incomplete)
  }
}
