/// Turns source text into tokens. Newlines end statements except inside `()` and `[]`, where
/// they are skipped; inside `{}` they separate the statements of a block.
public struct Lexer {
  /// A lexical mistake; `atEnd` when more input could complete it (an open string).
  public struct Failure: Error {
    public var message: String
    public var range: SourceRange
    public var atEnd: Bool
  }

  private let chars: [Character]
  private var index = 0
  private var line = 1
  private var column = 1
  private var brackets: [Character] = []

  public init(_ source: String) {
    chars = Array(source)
  }

  /// All tokens, ending with `.end`, or the first lexical failure.
  public static func tokenize(_ source: String) -> Result<[Token], Failure> {
    var lexer = Lexer(source)
    var tokens: [Token] = []
    do {
      while true {
        let token = try lexer.next()
        tokens.append(token)
        if token.kind == .end { return .success(tokens) }
      }
    } catch let failure as Failure {
      return .failure(failure)
    } catch {
      return .failure(Failure(message: "\(error)", range: lexer.here(), atEnd: false))
    }
  }

  private var location: SourceLocation {
    SourceLocation(line: line, column: column, offset: index)
  }

  private func here() -> SourceRange { SourceRange(location, location) }

  private func peek(_ ahead: Int = 0) -> Character? {
    index + ahead < chars.count ? chars[index + ahead] : nil
  }

  private mutating func advance() {
    if chars[index] == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    index += 1
  }

  private mutating func next() throws -> Token {
    skipSpaceAndComments()
    let start = location
    guard let c = peek() else {
      return Token(kind: .end, range: SourceRange(start, start))
    }
    if c == "\n" || c == "\r" {
      advance()
      if c == "\r", peek() == "\n" { advance() }
      return Token(kind: .newline, range: SourceRange(start, location))
    }
    if c.isNumber && c.isASCII
      || (c == "." && (peek(1)?.isASCII ?? false) && (peek(1)?.isNumber ?? false))
    {
      return try number(start)
    }
    if c.isLetter || c == "_" {
      var name = ""
      while let d = peek(), d.isNamePart {
        name.append(d)
        advance()
      }
      let kind: Token.Kind = Token.keywords.contains(name) ? .keyword(name) : .identifier(name)
      return Token(kind: kind, range: SourceRange(start, location))
    }
    if c == "\"" { return try string(start) }
    for symbol in ["==", "!=", "<=", ">=", "&&", "||", ">>", ".."] where matches(symbol) {
      advance()
      advance()
      return Token(kind: .symbol(symbol), range: SourceRange(start, location))
    }
    if "+-*/^@'=<>!.,:;()[]{}".contains(c) {
      advance()
      switch c {
      case "(", "[", "{": brackets.append(c)
      case ")", "]", "}": if !brackets.isEmpty { brackets.removeLast() }
      default: break
      }
      return Token(kind: .symbol(String(c)), range: SourceRange(start, location))
    }
    advance()
    throw Failure(
      message: "unexpected character '\(c)'", range: SourceRange(start, location), atEnd: false)
  }

  private func matches(_ symbol: String) -> Bool {
    for (k, s) in symbol.enumerated() where peek(k) != s { return false }
    return true
  }

  /// Spaces, comments, and newlines inside `()` or `[]`.
  private mutating func skipSpaceAndComments() {
    while let c = peek() {
      if c == " " || c == "\t" {
        advance()
      } else if c == "#" {
        while let d = peek(), d != "\n", d != "\r" { advance() }
      } else if c == "\n" || c == "\r", let open = brackets.last, open != "{" {
        advance()
      } else {
        return
      }
    }
  }

  private mutating func number(_ start: SourceLocation) throws -> Token {
    var text = ""
    func digits() {
      while let d = peek(), d.isASCII, d.isNumber {
        text.append(d)
        advance()
      }
    }
    digits()
    // A '.' belongs to the number only before a digit, so that `1..5` is a range.
    if peek() == ".", let d = peek(1), d.isASCII, d.isNumber {
      text.append(".")
      advance()
      digits()
    }
    if let e = peek(), e == "e" || e == "E" {
      let sign = peek(1)
      let hasSign = sign == "+" || sign == "-"
      if let d = peek(hasSign ? 2 : 1), d.isASCII, d.isNumber {
        text.append("e")
        advance()
        if hasSign, let s = sign {
          text.append(s)
          advance()
        }
        digits()
      }
    }
    let range = SourceRange(start, location)
    guard let value = Double(text) else {
      throw Failure(message: "'\(text)' is not a number", range: range, atEnd: false)
    }
    return Token(kind: .number(value), range: range)
  }

  private mutating func string(_ start: SourceLocation) throws -> Token {
    advance()  // the opening quote
    var text = ""
    while let c = peek() {
      if c == "\"" {
        advance()
        return Token(kind: .string(text), range: SourceRange(start, location))
      }
      if c == "\n" || c == "\r" { break }
      if c == "\\" {
        let escapeStart = location
        advance()
        switch peek() {
        case "n": text.append("\n")
        case "t": text.append("\t")
        case "\"": text.append("\"")
        case "\\": text.append("\\")
        case nil: break
        case let other?:
          advance()
          throw Failure(
            message: "unknown escape '\\\(other)' in a string (use \\n, \\t, \\\" or \\\\)",
            range: SourceRange(escapeStart, location), atEnd: false)
        }
        if peek() != nil { advance() }
        continue
      }
      text.append(c)
      advance()
    }
    // Strings stay on one line, so more input cannot complete one: this is an error.
    throw Failure(
      message: "unterminated string: add a closing \" on the same line",
      range: SourceRange(start, location), atEnd: false)
  }
}
