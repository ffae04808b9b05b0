import NeuralNet
import TensorEngine

/// How the REPL and notebooks show a value: a tensor as its shape then its values, a number
/// as itself, other values by their one-line descriptions.
public struct ValueFormatter: Sendable {
  /// Significant digits of numbers (1 … 17; 17 shows every float64 exactly).
  public var digits: Int
  /// The line width: a tuple tries to fit on one line, a tensor wider than it takes several.
  public var width: Int

  public init(digits: Int = 4, width: Int = 80) {
    self.digits = digits
    self.width = width
  }

  private var numbers: TensorFormatter { TensorFormatter(digits: digits, width: width) }

  /// The text shown for `value`; empty for `.none`, which is never printed.
  public func format(_ value: Value) -> String {
    switch value {
    case .none: return ""
    case .tensor(let t):
      if t.rank == 0 { return numbers.format(t) }
      return "tensor \(Shape.describe(t.shape))\n" + numbers.format(t)
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return quoted(s)
    case .range(let low, let high): return numbers.format(low) + ".." + numbers.format(high)
    case .tuple(let elements): return tuple(elements)
    case .dataset(let d): return d.description
    case .layer(let layer):
      if layer.isModel { return layer.description }
      let count = layer.parameterCount
      return "layer · \(layer) · \(count) parameter" + (count == 1 ? "" : "s")
    case .optimizer(let o): return o.description
    case .schedule(let s): return s.description
    case .augmentation(let a): return "augmentation · \(a)"
    case .stopRule(let rule): return rule.description
    case .history(let h): return h.description
    case .function(let f): return f.description
    case .perceptronResult(let r): return r.description
    case .text(let text): return text
    case .confusion(let c): return c.description
    }
  }

  /// A string as it is written in source: quoted, with `\"`, `\\` and `\n` escaped.
  public func quoted(_ s: String) -> String {
    var out = "\""
    for c in s {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default: out.append(c)
      }
    }
    return out + "\""
  }

  /// `(a, b)` on one line when it fits the width, else one element per line. Elements are
  /// formatted two characters narrower, for the indent or `(` before them and the `,` or `)`
  /// after, so that a tensor laid out over several lines still fits.
  private func tuple(_ elements: [Value]) -> String {
    let narrower = ValueFormatter(digits: digits, width: max(width, 2) - 2)
    let budget = Budget()
    let parts = elements.map { narrower.inline($0, depth: 1, budget: budget) }
    let line = "(" + parts.joined(separator: ", ") + ")"
    if line.count <= width && !line.contains("\n") { return line }
    let indented = parts.map { $0.replacingOccurrences(of: "\n", with: "\n ") }
    return "(" + indented.joined(separator: ",\n ") + ")"
  }

  /// How deep tuples inside tuples are shown; deeper ones are `(…)`. A loop can nest them
  /// without end (`x = (x, 1)`), and showing each level recurses.
  public static let deepestTuple = 64

  /// The most values a tuple shows, counting those inside the tuples it holds; the rest are
  /// `…`. A loop can double a tuple in size without copying it (`x = (x, x)`, 40 times
  /// holds 2^40 values), and showing them all would never end.
  public static let mostShownValues = 10_000

  /// What is left of `mostShownValues` while one value is shown.
  private final class Budget {
    var left = ValueFormatter.mostShownValues
  }

  /// A value among others (in a tuple, or printed with others): tensors without their
  /// shape header, layers by their description.
  func inline(_ value: Value) -> String {
    inline(value, depth: 1, budget: Budget())
  }

  private func inline(_ value: Value, depth: Int, budget: Budget) -> String {
    budget.left -= 1
    switch value {
    case .none: return "none"
    case .tensor(let t): return numbers.format(t)
    case .layer(let layer): return layer.description
    case .tuple(let elements):
      if depth >= ValueFormatter.deepestTuple { return "(…)" }
      var parts: [String] = []
      for element in elements {
        guard budget.left > 0 else {
          parts.append("…")
          break
        }
        parts.append(inline(element, depth: depth + 1, budget: budget))
      }
      return "(" + parts.joined(separator: ", ") + ")"
    default: return format(value)
    }
  }
}
