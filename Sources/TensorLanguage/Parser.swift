/// What parsing a piece of source gave.
public struct ParseResult {
  public var statements: [Stmt]
  public var diagnostics: [Diagnostic]
  /// True when the source stopped in the middle of a statement (an open bracket or block, a
  /// trailing operator): more input could complete it. The REPL then asks for another line.
  public var incomplete: Bool
}

/// A recursive-descent parser with one function per grammar rule, lowest precedence first.
/// After an error it skips to the next line and goes on, so one run reports several errors.
public struct Parser {
  /// Deeper nesting than this is refused with an error rather than risking the stack.
  public static let maxDepth = 128
  /// The most operators, calls, indexes and members one expression may chain
  /// (`1 + 1 + …`, `f(x)(y)…`), counting those of the chains it sits in or starts with: each
  /// adds a level to the tree that evaluation recurses through, so a long enough chain would
  /// overflow the stack like deep nesting.
  public static let maxChain = 1000

  private struct Failure: Error {
    var diagnostic: Diagnostic
    var atEnd: Bool
  }

  private var tokens: [Token]
  private var position = 0
  private var depth = 0
  /// The links of the chains the expression being parsed sits in (see `maxChain`).
  private var chain = 0
  /// The most links reached under the operand being parsed (see `operand`).
  private var deepest = 0

  private init(tokens: [Token]) {
    self.tokens = tokens
  }

  public static func parse(_ source: String) -> ParseResult {
    switch Lexer.tokenize(source) {
    case .failure(let failure):
      return ParseResult(
        statements: [], diagnostics: [Diagnostic(failure.message, at: failure.range)],
        incomplete: failure.atEnd)
    case .success(let tokens):
      var parser = Parser(tokens: tokens)
      return parser.program()
    }
  }

  // MARK: Statements

  private mutating func program() -> ParseResult {
    var statements: [Stmt] = []
    var diagnostics: [Diagnostic] = []
    var incomplete = false
    skipSeparators()
    while !isAtEnd {
      do {
        statements.append(try statement())
        try endOfStatement()
      } catch let failure as Failure {
        diagnostics.append(failure.diagnostic)
        if failure.atEnd { incomplete = true }
        synchronize()
      } catch {
        break
      }
      skipSeparators()
    }
    return ParseResult(
      statements: diagnostics.isEmpty ? statements : [], diagnostics: diagnostics,
      incomplete: incomplete && diagnostics.count == 1)
  }

  private mutating func statement() throws -> Stmt {
    let start = current.range
    switch current.kind {
    case .keyword("fn"): return try functionDefinition()
    case .keyword("for"):
      advance()
      let name = try identifier("a loop variable after 'for'")
      try expect(.keyword("in"), "'in' after the loop variable")
      let sequence = try expression()
      let body = try block("the loop")
      return Stmt(.forLoop(name, sequence, body), start.union(previous.range))
    case .keyword("while"):
      advance()
      let condition = try expression()
      let body = try block("the loop")
      return Stmt(.whileLoop(condition, body), start.union(previous.range))
    case .keyword("return"):
      advance()
      if isStatementEnd { return Stmt(.returnValue(nil), start) }
      let value = try expression()
      return Stmt(.returnValue(value), start.union(value.range))
    case .identifier(let name):
      if peek(1).kind == .symbol("=") {
        advance()
        advance()
        skipNewlines()
        let value = try expression()
        return Stmt(.assign(name, value, silent: takeSemicolon()), start.union(value.range))
      }
      if peek(1).kind == .symbol(","), let names = destructuringNames() {
        skipNewlines()
        let value = try expression()
        return Stmt(.destructure(names, value, silent: takeSemicolon()), start.union(value.range))
      }
    default: break
    }
    let value = try expression()
    // `==` is one token, so `a[i] == b` stays a comparison and only a lone `=` gets here.
    if check(.symbol("=")) {
      guard Parser.isAssignable(value) else {
        throw failure(
          "cannot assign to this expression; assign to a name (x = …), an element or slice "
            + "(x[0, 1] = …, x[x < 0] = …) or a layer's weights (layer.w = …)", at: value.range)
      }
      advance()
      skipNewlines()
      let newValue = try expression()
      return Stmt(
        .store(value, newValue, silent: takeSemicolon()), value.range.union(newValue.range))
    }
    return Stmt(.expression(value, silent: takeSemicolon()), value.range)
  }

  /// Whether `target` names a place: an index or member chain that starts at a name.
  private static func isAssignable(_ target: Expr) -> Bool {
    var current = target
    var steps = 0
    while true {
      switch current.kind {
      case .identifier: return steps > 0
      case .index(let base, _), .member(let base, _):
        current = base
        steps += 1
      default: return false
      }
    }
  }

  /// `a, b, c =` at the current position; nil (and nothing consumed) when it is not one.
  private mutating func destructuringNames() -> [String]? {
    var k = position
    var names: [String] = []
    while case .identifier(let name) = tokens[k].kind {
      names.append(name)
      k += 1
      if tokens[k].kind == .symbol("=") {
        position = k + 1
        return names.count > 1 ? names : nil
      }
      guard tokens[k].kind == .symbol(",") else { return nil }
      k += 1
    }
    return nil
  }

  private mutating func functionDefinition() throws -> Stmt {
    let start = current.range
    advance()
    let name = try identifier("a function name after 'fn'")
    try expect(.symbol("("), "'(' after the function name")
    var parameters: [String] = []
    if !check(.symbol(")")) {
      repeat {
        let p = try identifier("a parameter name")
        if parameters.contains(p) {
          throw failure("parameter \(p) appears twice", at: previous.range)
        }
        parameters.append(p)
      } while match(.symbol(","))
    }
    try expect(.symbol(")"), "')' after the parameters")
    let body: [Stmt]
    if match(.symbol("=")) {
      skipNewlines()
      let value = try expression()
      body = [Stmt(.expression(value, silent: false), value.range)]
    } else if check(.symbol("{")) {
      body = try block("the function")
    } else {
      throw failure(
        "expected '=' or '{' after fn \(name)(…), as in fn f(x) = x^2", at: current.range)
    }
    return Stmt(.function(name, parameters, body), start.union(previous.range))
  }

  /// `{ statement … }`.
  private mutating func block(_ owner: String) throws -> [Stmt] {
    skipNewlines()
    try expect(.symbol("{"), "'{' to start the body of \(owner)")
    try enter()
    defer { depth -= 1 }
    var statements: [Stmt] = []
    skipSeparators()
    while !check(.symbol("}")) {
      if isAtEnd {
        throw Failure(
          diagnostic: Diagnostic("expected '}' to close the body of \(owner)", at: current.range),
          atEnd: true)
      }
      statements.append(try statement())
      if !check(.symbol("}")) { try endOfStatement() }
      skipSeparators()
    }
    advance()
    return statements
  }

  // MARK: Expressions, lowest precedence first

  private mutating func expression() throws -> Expr {
    try enter()
    defer { depth -= 1 }
    return try compose()
  }

  private mutating func compose() throws -> Expr {
    try leftAssociative([">>"], next: { try $0.logicOr() })
  }

  private mutating func logicOr() throws -> Expr {
    try leftAssociative(["||"], next: { try $0.logicAnd() })
  }

  private mutating func logicAnd() throws -> Expr {
    try leftAssociative(["&&"], next: { try $0.comparison() })
  }

  private mutating func comparison() throws -> Expr {
    try leftAssociative(["==", "!=", "<", "<=", ">", ">="], next: { try $0.range() })
  }

  private mutating func range() throws -> Expr {
    let low = try additive()
    guard match(.symbol("..")) else { return low }
    skipNewlines()
    let high = try additive()
    return Expr(.range(low, high), low.range.union(high.range))
  }

  private mutating func additive() throws -> Expr {
    try leftAssociative(["+", "-"], next: { try $0.multiplicative() })
  }

  private mutating func multiplicative() throws -> Expr {
    try leftAssociative(["*", "/", "@"], next: { try $0.unary() })
  }

  private mutating func unary() throws -> Expr {
    if case .symbol(let op) = current.kind, op == "-" || op == "!" {
      let start = current.range
      advance()
      try enter()
      defer { depth -= 1 }
      let operand = try unary()
      return Expr(.unary(op, operand), start.union(operand.range))
    }
    return try power()
  }

  /// `a ^ b`, right-associative and tighter than prefix minus: `-2^2` is −4.
  private mutating func power() throws -> Expr {
    let base = try postfix()
    guard check(.symbol("^")) else { return base }
    let opRange = current.range
    advance()
    skipNewlines()
    try enter()
    defer { depth -= 1 }
    let exponent = try unary()
    return Expr(.binary("^", base, exponent), opRange)
  }

  private mutating func leftAssociative(
    _ operators: Set<String>, next: (inout Parser) throws -> Expr
  ) throws -> Expr {
    let outer = chain
    var left = try operand { try next(&$0) }
    defer { chain = outer }
    while case .symbol(let op) = current.kind, operators.contains(op) {
      // An operator error points at the operator, so the node's range is the operator's.
      let opRange = current.range
      try link()
      advance()
      skipNewlines()
      let right = try next(&self)
      left = Expr(.binary(op, left, right), opRange)
    }
    return left
  }

  private mutating func postfix() throws -> Expr {
    let outer = chain
    var value = try operand { try $0.primary() }
    defer { chain = outer }
    while true {
      if check(.symbol("(")) || check(.symbol("[")) || check(.symbol(".")) || check(.symbol("'")) {
        try link()
      }
      if check(.symbol("(")) {
        let open = current.range
        advance()
        let arguments = try callArguments()
        value = Expr(.call(value, arguments), value.range.union(open).union(previous.range))
      } else if check(.symbol("[")) {
        let open = current.range
        advance()
        let items = try indexItems()
        value = Expr(.index(value, items), value.range.union(open).union(previous.range))
      } else if check(.symbol(".")) {
        advance()
        let name = try identifier("a member name after '.'")
        value = Expr(.member(value, name), value.range.union(previous.range))
      } else if check(.symbol("'")) {
        advance()
        value = Expr(.transpose(value), value.range.union(previous.range))
      } else {
        return value
      }
    }
  }

  private mutating func callArguments() throws -> [Argument] {
    var arguments: [Argument] = []
    var sawKeyword = false
    while !check(.symbol(")")) {
      let start = current.range
      var label: String?
      if case .identifier(let name) = current.kind, peek(1).kind == .symbol(":") {
        label = name
        advance()
        advance()
        sawKeyword = true
      } else if sawKeyword {
        throw failure(
          "a positional argument cannot follow a keyword argument", at: current.range)
      }
      let value = try expression()
      arguments.append(Argument(label: label, value: value, range: start.union(value.range)))
      guard match(.symbol(",")) else { break }
    }
    try expect(.symbol(")"), "')' to close the call")
    return arguments
  }

  private mutating func indexItems() throws -> [IndexItem] {
    var items: [IndexItem] = []
    repeat {
      if check(.symbol("]")) { break }
      var start: Expr?
      if !check(.symbol(":")) { start = try expression() }
      if match(.symbol(":")) {
        var end: Expr?
        var step: Expr?
        if !check(.symbol(",")) && !check(.symbol("]")) && !check(.symbol(":")) {
          end = try expression()
        }
        if match(.symbol(":")), !check(.symbol(",")) && !check(.symbol("]")) {
          step = try expression()
        }
        items.append(.slice(start, end, step))
      } else if let start {
        items.append(.single(start))
      }
    } while match(.symbol(","))
    try expect(.symbol("]"), "']' to close the index")
    if items.isEmpty { throw failure("an index needs at least one position", at: previous.range) }
    return items
  }

  private mutating func primary() throws -> Expr {
    let token = current
    switch token.kind {
    case .number(let x):
      advance()
      return Expr(.number(x), token.range)
    case .string(let s):
      advance()
      return Expr(.string(s), token.range)
    case .keyword("true"), .keyword("false"):
      advance()
      return Expr(.bool(token.kind == .keyword("true")), token.range)
    case .identifier(let name):
      advance()
      return Expr(.identifier(name), token.range)
    case .keyword("if"):
      return try conditional()
    case .symbol("("):
      advance()
      if check(.symbol(")")) {
        throw failure("expected an expression inside ()", at: current.range)
      }
      var elements = [try expression()]
      while match(.symbol(",")) {
        if check(.symbol(")")) { break }
        elements.append(try expression())
      }
      try expect(.symbol(")"), "')' to close '('")
      // A parenthesised expression keeps its own range, so errors still point inside it.
      if elements.count == 1 { return elements[0] }
      return Expr(.tuple(elements), token.range.union(previous.range))
    case .symbol("["):
      advance()
      var elements: [Expr] = []
      while !check(.symbol("]")) {
        elements.append(try expression())
        guard match(.symbol(",")) else { break }
      }
      try expect(.symbol("]"), "']' to close the list")
      return Expr(.list(elements), token.range.union(previous.range))
    case .end:
      throw Failure(diagnostic: Diagnostic("expected an expression", at: token.range), atEnd: true)
    default:
      throw failure("expected an expression but found \(token.display)", at: token.range)
    }
  }

  private mutating func conditional() throws -> Expr {
    let start = current.range
    advance()
    let condition = try expression()
    let then = try block("if")
    var otherwise: [Stmt]?
    // `else` may stand on the line after the closing brace.
    let saved = position
    skipNewlines()
    if match(.keyword("else")) {
      if check(.keyword("if")) {
        let nested = try conditional()
        otherwise = [Stmt(.expression(nested, silent: false), nested.range)]
      } else {
        otherwise = try block("else")
      }
    } else {
      position = saved
    }
    return Expr(.conditional(condition, then, otherwise), start.union(previous.range))
  }

  // MARK: Tokens

  private var current: Token { tokens[position] }
  private var previous: Token { tokens[Swift.max(0, position - 1)] }
  private var isAtEnd: Bool { current.kind == .end }

  private func peek(_ ahead: Int) -> Token {
    tokens[Swift.min(position + ahead, tokens.count - 1)]
  }

  private mutating func advance() {
    if !isAtEnd { position += 1 }
  }

  private func check(_ kind: Token.Kind) -> Bool { current.kind == kind }

  private mutating func match(_ kind: Token.Kind) -> Bool {
    guard check(kind) else { return false }
    advance()
    return true
  }

  private mutating func expect(_ kind: Token.Kind, _ what: String) throws {
    guard match(kind) else {
      throw failure("expected \(what) but found \(current.display)", at: current.range)
    }
  }

  private mutating func identifier(_ what: String) throws -> String {
    guard case .identifier(let name) = current.kind else {
      throw failure("expected \(what) but found \(current.display)", at: current.range)
    }
    advance()
    return name
  }

  private mutating func takeSemicolon() -> Bool { match(.symbol(";")) }

  private var isStatementEnd: Bool {
    switch current.kind {
    case .newline, .end, .symbol(";"), .symbol("}"): true
    default: false
    }
  }

  private mutating func endOfStatement() throws {
    guard isStatementEnd else {
      throw failure(
        "expected the end of the statement but found \(current.display); "
          + "put each statement on its own line", at: current.range)
    }
  }

  private mutating func skipNewlines() {
    while check(.newline) { advance() }
  }

  private mutating func skipSeparators() {
    while check(.newline) || check(.symbol(";")) { advance() }
  }

  /// After an error: skip to the start of the next line.
  private mutating func synchronize() {
    while !isAtEnd && !check(.newline) { advance() }
  }

  private mutating func enter() throws {
    depth += 1
    if depth > Parser.maxDepth {
      throw failure(
        "expression nested too deeply (more than \(Parser.maxDepth) levels)", at: current.range)
    }
  }

  /// Parses the first operand of a chain, and lets the links inside it count for the chain
  /// it starts: `((1 + 1 + …) + 1 + …) + 1 + …` is as deep a tree as one long chain, and
  /// evaluating it, or even freeing it, recurses as deep.
  private mutating func operand(_ parse: (inout Parser) throws -> Expr) throws -> Expr {
    let saved = deepest
    deepest = chain
    defer { deepest = Swift.max(saved, deepest) }
    let first = try parse(&self)
    chain = deepest
    return first
  }

  /// One more link in a chain of operators or postfixes; refuses one too many.
  private mutating func link() throws {
    chain += 1
    deepest = Swift.max(deepest, chain)
    if chain > Parser.maxChain {
      throw failure(
        "expression too long (more than \(Parser.maxChain) operators or calls in a row); "
          + "name its parts in separate statements", at: current.range)
    }
  }

  /// A failure at `range`; at the end of input it means the statement is unfinished.
  private func failure(_ message: String, at range: SourceRange) -> Failure {
    Failure(
      diagnostic: Diagnostic(message, at: range),
      atEnd: current.kind == .end && range == current.range)
  }
}
