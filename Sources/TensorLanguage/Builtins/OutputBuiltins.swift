import NeuralNet
import TensorEngine

/// Printing.
extension Builtins {
  static let output: [Builtin] = [
    Builtin(
      "print",
      [P("values", "value", variadic: true), P("digits", "int", default: "4", keywordOnly: true)],
      group: "output",
      summary: "prints values on one line, strings without quotes; digits: 17 shows every digit",
      example: "print(\"error\", E, digits: 8)"
    ) { args, context in
      let digits = try args.int("digits", atLeast: 1, default: 4)
      guard digits <= 17 else {
        throw args.error("digits", "digits must be 1 … 17 (17 shows every float64), not \(digits)")
      }
      let formatter = ValueFormatter(digits: digits)
      // One value prints as the REPL shows it; several share a line, tensors without
      // their shape header. Strings print without quotes either way.
      let text: String
      if args.rest.count == 1, let only = args.rest.first {
        if case .string(let s) = only.value {
          text = s
        } else {
          text = formatter.format(only.value)
        }
      } else {
        text = args.rest.map { item -> String in
          if case .string(let s) = item.value { return s }
          return formatter.inline(item.value)
        }.joined(separator: " ")
      }
      context.write(text + "\n", transient: false)
      return .none
    }
  ]
}
