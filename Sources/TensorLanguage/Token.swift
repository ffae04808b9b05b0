import TensorEngine

/// A lexical token.
public struct Token: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case number(Double)
    case string(String)
    case identifier(String)
    case keyword(String)
    /// An operator or punctuation: `+ - * / ^ @ ' = == != < <= > >= && || ! >> .. . , : ;`
    /// and brackets.
    case symbol(String)
    /// The end of a statement.
    case newline
    case end
  }

  public var kind: Kind
  public var range: SourceRange

  /// How an error message names this token.
  public var display: String {
    switch kind {
    case .number(let x): "number \(TensorFormatter().format(x))"
    case .string: "a string"
    case .identifier(let name): "'\(name)'"
    case .keyword(let k): "'\(k)'"
    case .symbol(let s): "'\(s)'"
    case .newline: "end of line"
    case .end: "end of input"
    }
  }

  public static let keywords: Set<String> = [
    "fn", "if", "else", "for", "in", "while", "return", "true", "false",
  ]
}

extension Character {
  /// Whether the character can continue a name: a letter, a digit or `_` (a name starts
  /// with a letter or `_`).
  public var isNamePart: Bool { isLetter || isNumber || self == "_" }
}
