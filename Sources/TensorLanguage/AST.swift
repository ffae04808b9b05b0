/// An expression with the source it came from.
public struct Expr: Sendable {
  public indirect enum Kind: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case identifier(String)
    /// `[a, b, c]`: a tensor whose rows are the elements.
    case list([Expr])
    /// `(a, b)`.
    case tuple([Expr])
    /// Prefix `-` or `!`.
    case unary(String, Expr)
    /// `a op b` for every binary operator, `>>` and `@` included.
    case binary(String, Expr, Expr)
    /// `low..high`.
    case range(Expr, Expr)
    case call(Expr, [Argument])
    case index(Expr, [IndexItem])
    case member(Expr, String)
    /// Postfix `'`.
    case transpose(Expr)
    /// `if c { … } else { … }`: the value of the branch taken (nothing without else).
    case conditional(Expr, [Stmt], [Stmt]?)
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// An argument of a call: positional, or `label: value`.
public struct Argument: Sendable {
  public var label: String?
  public var value: Expr
  public var range: SourceRange
}

/// One entry of `t[…]`: a position, or a slice `start:end:step` with any part left out.
public enum IndexItem: Sendable {
  case single(Expr)
  case slice(Expr?, Expr?, Expr?)
}

/// A statement with the source it came from.
public struct Stmt: Sendable {
  public indirect enum Kind: Sendable {
    /// An expression; `silent` when it ended in `;`, so its value is not printed.
    case expression(Expr, silent: Bool)
    /// `x = e`.
    case assign(String, Expr, silent: Bool)
    /// `a, b = e`.
    case destructure([String], Expr, silent: Bool)
    /// `w[0, 1] = e`, `x[x < 0] = e`, `layer.w = e`: writes into part of a value. The target
    /// is an index or member chain from a name (`net.layers[1].w`).
    case store(Expr, Expr, silent: Bool)
    /// `fn f(a, b) = e` or `fn f(a, b) { … }`.
    case function(String, [String], [Stmt])
    case forLoop(String, Expr, [Stmt])
    case whileLoop(Expr, [Stmt])
    case returnValue(Expr?)
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}
