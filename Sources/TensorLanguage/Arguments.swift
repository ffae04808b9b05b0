import NeuralNet
import TensorEngine

/// The arguments of one call to a built-in, bound to its parameters, with typed accessors
/// whose errors name the function, the parameter and what was given instead.
public struct Arguments {
  /// One argument as written: its value, its keyword if any, and where it stands.
  public struct Item {
    public var value: Value
    public var label: String?
    public var range: SourceRange?

    public init(_ value: Value, label: String? = nil, range: SourceRange? = nil) {
      self.value = value
      self.label = label
      self.range = range
    }
  }

  public let builtin: Builtin
  private var bound: [String: Item] = [:]
  /// What a variadic parameter collected.
  public private(set) var rest: [Item] = []
  public let callRange: SourceRange?

  /// Binds positional arguments in order, then keywords by name.
  public init(binding items: [Item], to builtin: Builtin, callRange: SourceRange? = nil) throws {
    self.builtin = builtin
    self.callRange = callRange
    let positional = builtin.parameters.filter { !$0.keywordOnly }
    var next = 0
    for item in items {
      if let label = item.label {
        guard let p = builtin.parameters.first(where: { $0.name == label && !$0.variadic }) else {
          let names = builtin.parameters.filter { !$0.variadic }.map(\.name)
          let guess = closestArgument(to: label, in: names).map { " (did you mean \($0):?)" } ?? ""
          throw RuntimeError(
            "\(builtin.name) has no argument named \(label)\(guess)", at: item.range,
            notes: [signatureNote])
        }
        guard bound[p.name] == nil else {
          throw RuntimeError(
            "\(builtin.name): \(label) is given twice", at: item.range, notes: [signatureNote])
        }
        bound[p.name] = item
      } else {
        guard next < positional.count else {
          throw RuntimeError(
            "\(builtin.name) takes at most \(positional.count) positional argument"
              + (positional.count == 1 ? "" : "s") + " but got more",
            at: item.range, notes: [signatureNote])
        }
        let p = positional[next]
        if p.variadic {
          rest.append(item)
        } else {
          guard bound[p.name] == nil else {
            throw RuntimeError(
              "\(builtin.name): \(p.name) is given twice", at: item.range, notes: [signatureNote])
          }
          bound[p.name] = item
          next += 1
        }
      }
    }
    for p in builtin.parameters where p.isRequired && bound[p.name] == nil {
      throw RuntimeError(
        "\(builtin.name) is missing its argument \(p.name)", at: callRange, notes: [signatureNote])
    }
  }

  /// The note every error about this call carries.
  var signatureNote: String { "signature: \(builtin.signature)" }

  /// The argument given for `name`, if any.
  public func item(_ name: String) -> Item? { bound[name] }
  public func value(_ name: String) -> Value? { bound[name]?.value }
  public func has(_ name: String) -> Bool { bound[name] != nil }

  /// An error about the argument `name`, placed at it (or at the call when it was not given).
  public func error(_ name: String, _ message: String) -> RuntimeError {
    RuntimeError(
      "\(builtin.name): \(message)", at: bound[name]?.range ?? callRange,
      notes: [signatureNote])
  }

  private func wrong(_ name: String, _ expected: String, _ value: Value) -> RuntimeError {
    error(name, "\(name) must be \(expected), not \(value.kindName)")
  }

  private func required(_ name: String) throws -> Value {
    guard let v = bound[name]?.value else {
      throw error(name, "\(name) is required")
    }
    return v
  }

  // MARK: Typed accessors

  /// A tensor; numbers and bools count (a bool as 0 or 1).
  public func tensor(_ name: String) throws -> Tensor {
    let v = try required(name)
    guard let t = Arguments.asTensor(v) else { throw wrong(name, "a tensor", v) }
    return t
  }

  public func tensor(_ name: String, default fallback: Tensor?) throws -> Tensor? {
    has(name) ? try tensor(name) : fallback
  }

  public static func asTensor(_ v: Value) -> Tensor? {
    switch v {
    case .tensor(let t): t
    case .bool(let b): Tensor(b ? 1 : 0)
    default: nil
    }
  }

  /// A single number.
  public func double(_ name: String) throws -> Double {
    let v = try required(name)
    guard let t = Arguments.asTensor(v), t.count == 1 else {
      throw wrong(name, "a number", v)
    }
    return t.scalars[0]
  }

  public func double(_ name: String, default fallback: Double) throws -> Double {
    has(name) ? try double(name) : fallback
  }

  /// A whole number that fits the machine's integers.
  public func int(_ name: String) throws -> Int {
    let x = try double(name)
    guard x == x.rounded(), abs(x) < 1e15 else {
      throw error(name, "\(name) must be a whole number, not \(TensorFormatter().format(x))")
    }
    return Int(x)
  }

  public func int(_ name: String, default fallback: Int) throws -> Int {
    has(name) ? try int(name) : fallback
  }

  public func bool(_ name: String, default fallback: Bool) throws -> Bool {
    guard let v = value(name) else { return fallback }
    switch v {
    case .bool(let b): return b
    case .tensor(let t) where t.count == 1: return t.scalars[0] != 0
    default: throw wrong(name, "true or false", v)
    }
  }

  public func string(_ name: String) throws -> String {
    let v = try required(name)
    guard case .string(let s) = v else { throw wrong(name, "a string", v) }
    return s
  }

  public func dataset(_ name: String) throws -> Dataset {
    let v = try required(name)
    guard case .dataset(let d) = v else { throw wrong(name, "a data set", v) }
    return d
  }

  /// A layer or model; an activation function counts as its layer.
  public func layer(_ name: String) throws -> any Layer {
    let v = try required(name)
    guard let layer = Arguments.asLayer(v) else { throw wrong(name, "a model or layer", v) }
    return layer
  }

  public static func asLayer(_ v: Value) -> (any Layer)? {
    switch v {
    case .layer(let l): l
    case .function(let f): f.layer
    default: nil
    }
  }

  public func optimizer(_ name: String) throws -> any Optimizer {
    let v = try required(name)
    guard case .optimizer(let o) = v else { throw wrong(name, "an optimizer like sgd(lr: 0.1)", v) }
    return o
  }

  public func function(_ name: String) throws -> Function {
    let v = try required(name)
    guard case .function(let f) = v else { throw wrong(name, "a function", v) }
    return f
  }

  /// An activation: a function like `relu`, or its name as a string.
  public func activation(_ name: String, default fallback: Activation) throws -> Activation {
    guard let v = value(name) else { return fallback }
    switch v {
    case .function(let f):
      if let a = f.activation { return a }
    case .string(let s):
      if let a = Activation.named(s) { return a }
    default: break
    }
    throw error(
      name,
      "\(name) must be an activation (step sign relu leaky_relu sigmoid tanh softmax "
        + "identity), not \(v.kindName)")
  }

  /// A loss: a built-in (`mse`, `bce`, `cross_entropy`, `hinge`, known by the value's
  /// identity, or its name as a string), or any `fn` of (output, target), which `context`
  /// calls on the tensors of each minibatch, inside the graph.
  public func loss(_ name: String, default fallback: Loss, context: any Context) throws -> Loss {
    guard let v = value(name) else { return fallback }
    if case .function(let f) = v {
      switch f.body {
      case .builtin(let builtin):
        if let loss = builtin.loss { return loss }
      case .user(let parameters, _):
        guard parameters.count == 2 else {
          throw error(
            name,
            "a loss takes two arguments, (output, target), but \(f) takes \(parameters.count)")
        }
        return .custom(name: f.name, UserLoss(function: f, context: context).callAsFunction)
      }
    }
    if case .string(let s) = v, let loss = Loss.builtins.first(where: { $0.description == s }) {
      return loss
    }
    throw error(
      name,
      "\(name) must be a loss (mse bce bce_with_logits cross_entropy hinge) or an fn of (output, target), "
        + "not \(v.kindName)")
  }
}

/// The candidate closest to `name` by edit distance, when it is close enough to be a likely
/// typo (at most a third of the name's length, and at least 1, edits away).
public func closestName(to name: String, in candidates: [String]) -> String? {
  let limit = Swift.max(1, name.count / 3)
  var best: (String, Int)?
  for c in candidates {
    let d = editDistance(name, c)
    if d <= limit, d < (best?.1 ?? .max) { best = (c, d) }
  }
  return best?.0
}

/// The parameter a mistyped argument label most likely meant: the closest by spelling, else
/// the longest one the label starts with, as PyTorch's longer names do (`padding` → `pad`,
/// `kernel_size` → `kernel`, `ceil_mode` → `ceil`, `in_channels` → `in`).
func closestArgument(to label: String, in names: [String]) -> String? {
  if let close = closestName(to: label, in: names) { return close }
  return names.filter { label.hasPrefix($0 + "_") || ($0.count >= 3 && label.hasPrefix($0)) }
    .max { $0.count < $1.count }
}

/// Levenshtein distance between two strings, by characters.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      current[j] = Swift.min(
        previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
