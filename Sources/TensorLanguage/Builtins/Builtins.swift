import NeuralNet
import TensorEngine

/// Every built-in function of the language, by name.
public enum Builtins {
  /// The groups `:help` lists, in the order it lists them.
  public static let groups = [
    "tensors", "math", "linalg", "activations", "layers", "losses", "gradients", "optimizers",
    "data", "training",
    "plots", "output",
  ]

  /// Every built-in, in the order of its group's table.
  public static let list: [Builtin] =
    tensors + math + linearAlgebra + activations + layers + convolutionLayers + cnnLayers
    + recurrent + blockLayers + zoo
    + transfer + losses + gradients + optimizers + data + images
    + training + augmentation + weightFiles + plots + samplePlots
    + output

  /// Every built-in by name. A name listed twice keeps its first entry (a test guards
  /// against that).
  public static let all: [String: Builtin] = Dictionary(
    list.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

  /// The built-ins of one group, in table order, with the forms of other built-ins that
  /// belong to it (`step(opt, net, E)` among the optimizers).
  public static func inGroup(_ group: String) -> [Builtin] {
    (list + list.flatMap(\.overloads)).filter { $0.group == group }
  }

  /// A function of one tensor `x`, applied elementwise.
  static func elementwise(
    _ name: String, group: String, summary: String, example: String,
    _ body: @escaping @Sendable (Tensor) throws -> Tensor
  ) -> Builtin {
    Builtin(name, [P("x", "tensor")], group: group, summary: summary, example: example) {
      args, _ in
      let x = try args.tensor("x")
      // The result is a tensor of x's size: refused before it is made when the session
      // has no room for it.
      try x.checkRoomForCopy()
      return .tensor(try body(x))
    }
  }
}

// MARK: - Argument helpers shared by the tables

extension Arguments {
  /// An error about one argument collected by a variadic parameter, placed at it.
  func error(at item: Item, _ message: String) -> RuntimeError {
    RuntimeError(
      "\(builtin.name): \(message)", at: item.range ?? callRange, notes: [signatureNote])
  }

  /// A whole number given for `name`, or nil when it was left out.
  func optionalInt(_ name: String) throws -> Int? {
    has(name) ? try int(name) : nil
  }

  /// A whole number that is at least `minimum`.
  func int(_ name: String, atLeast minimum: Int, default fallback: Int? = nil) throws -> Int {
    let n: Int
    if let fallback, !has(name) {
      n = fallback
    } else {
      n = try int(name)
    }
    guard n >= minimum else { throw error(name, "\(name) must be at least \(minimum), not \(n)") }
    return n
  }

  /// The tensor given for `name`, which must hold a single number (`role` says what it is,
  /// e.g. " (the loss)"): a gradient is taken of a scalar.
  func scalarTensor(_ name: String, role: String = "") throws -> Tensor {
    let t = try tensor(name)
    guard t.count == 1 else {
      throw error(
        name,
        "\(name) must be a single number\(role), not a tensor of shape "
          + "\(Shape.describe(t.shape)); reduce it first, e.g. with sum or mean")
    }
    return t
  }

  /// The tensor collected by a variadic parameter at `item`.
  func tensor(at item: Item, _ what: String) throws -> Tensor {
    guard let t = Arguments.asTensor(item.value) else {
      throw error(at: item, "\(what) must be a tensor, not \(item.value.kindName)")
    }
    return t
  }

  /// Every tensor the variadic parameter collected; a single tuple counts as its elements,
  /// so that `concat(a, b)` and `concat((a, b))` both work.
  func restTensors(_ what: String) throws -> [Tensor] {
    if rest.count == 1, case .tuple(let elements) = rest[0].value {
      return try elements.map { element in
        guard let t = Arguments.asTensor(element) else {
          throw error(at: rest[0], "\(what) must be tensors, not \(element.kindName)")
        }
        return t
      }
    }
    return try rest.map { try tensor(at: $0, what) }
  }

  /// A shape from the variadic parameter: numbers (`zeros(2, 3)`), a list (`zeros([2, 3])`),
  /// or nothing for a scalar. `allowInferred` lets one size be −1, as reshape allows.
  func restShape(allowInferred: Bool = false) throws -> [Int] {
    var shape: [Int] = []
    for item in rest {
      guard let t = Arguments.asTensor(item.value), t.rank <= 1 else {
        let what = Arguments.asTensor(item.value).map { "a tensor of rank \($0.rank)" }
        throw error(
          at: item,
          "a shape is sizes like 2, 3 or a list like [2, 3], not \(what ?? item.value.kindName)")
      }
      for x in t.scalars {
        shape.append(try Arguments.size(x, allowInferred: allowInferred, self, item))
      }
    }
    return shape
  }

  /// A shape given as one argument: a number or a list of sizes.
  func shape(_ name: String) throws -> [Int] {
    let t = try tensor(name)
    guard t.rank <= 1 else {
      throw error(name, "\(name) must be sizes like [2, 3], not a tensor of rank \(t.rank)")
    }
    let item = self.item(name) ?? Item(.tensor(t))
    return try t.scalars.map { try Arguments.size($0, allowInferred: false, self, item) }
  }

  /// One size of a shape: a whole number ≥ 0 (or −1 when inferred sizes are allowed).
  private static func size(
    _ x: Double, allowInferred: Bool, _ arguments: Arguments, _ item: Item
  ) throws -> Int {
    let lowest: Double = allowInferred ? -1 : 0
    guard x == x.rounded(), x >= lowest, x < 1e15 else {
      let allowed = allowInferred ? "whole numbers ≥ 0 (or −1 once)" : "whole numbers ≥ 0"
      throw arguments.error(
        at: item, "sizes must be \(allowed), not \(TensorFormatter().format(x))")
    }
    return Int(x)
  }

  /// A plateau schedule, when one was given.
  func schedule(_ name: String) throws -> PlateauSchedule? {
    guard let v = value(name) else { return nil }
    guard case .schedule(let s) = v else {
      throw error(name, "\(name) must be a schedule like plateau(patience: 10), not \(v.kindName)")
    }
    return s
  }

  /// A data set, when one was given.
  func optionalDataset(_ name: String) throws -> Dataset? {
    has(name) ? try dataset(name) : nil
  }
}
