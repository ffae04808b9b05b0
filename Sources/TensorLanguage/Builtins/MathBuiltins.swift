import Foundation
import NeuralNet
import TensorEngine

/// Mathematical functions and statistics as numpy names them: trigonometry, rounding,
/// variance, sorting, one-hot labels and elementwise choice.
extension Builtins {
  static let math: [Builtin] = [
    Builtin(
      constant: "pi", Double.pi, group: "math",
      summary: "the number π = 3.14159…, the ratio of a circle's circumference to its diameter",
      example: "sin(pi / 2)"),
    elementwise(
      "sin", group: "math", summary: "the sine of each element, in radians",
      example: "sin([0, pi / 2])"
    ) { $0.sin() },
    elementwise(
      "cos", group: "math", summary: "the cosine of each element, in radians", example: "cos(pi)"
    ) { $0.cos() },
    elementwise(
      "tan", group: "math", summary: "the tangent of each element, in radians",
      example: "tan(pi / 4)"
    ) { $0.tan() },
    elementwise(
      "floor", group: "math", summary: "each element rounded down to a whole number (gradient 0)",
      example: "floor([-1.5, 1.5])"
    ) { $0.floor() },
    elementwise(
      "ceil", group: "math", summary: "each element rounded up to a whole number (gradient 0)",
      example: "ceil([-1.5, 1.5])"
    ) { $0.ceil() },
    elementwise(
      "round", group: "math",
      summary: "each element rounded to the nearest whole number, halves to even as in numpy "
        + "(0.5 → 0, 1.5 → 2, 2.5 → 2; gradient 0)",
      example: "round([0.5, 1.5, 2.7])"
    ) { $0.round() },
    spread(
      "var",
      summary: "the variance Σ(x − mean)² / (n − ddof), of all values or along an axis; "
        + "ddof: 0 (numpy's default) is the population variance, ddof: 1 the sample "
        + "variance (PyTorch's default)",
      example: "var([1, 2, 3, 4], ddof: 1)"
    ) { try $0.variance(axis: $1, keepDims: $2, ddof: $3) },
    spread(
      "std",
      summary: "the standard deviation √var, of all values or along an axis; ddof as in var "
        + "(0, numpy's default, divides by n)",
      example: "std([[1, 2], [3, 5]], axis: 0)"
    ) { try $0.standardDeviation(axis: $1, keepDims: $2, ddof: $3) },
    sorting(
      "sort",
      summary: "the values sorted along the last axis (or axis:), ascending unless descending: "
        + "true; nan goes last",
      example: "sort([3, 1, 2])"
    ) { try $0.sorted(axis: $1, descending: $2) },
    sorting(
      "argsort",
      summary: "the positions that would sort the values along the last axis (or axis:); "
        + "equal values keep their order",
      example: "argsort([3, 1, 2])"
    ) { try $0.argsort(axis: $1, descending: $2) },
    Builtin(
      "topk",
      [
        P("t", "tensor"), P("k", "int"), P("axis", "int", default: "-1", keywordOnly: true),
        P("largest", "bool", default: "true", keywordOnly: true),
      ],
      group: "math",
      summary: "the k largest values along the last axis (or axis:; the smallest with largest: "
        + "false), best first, and their positions, as a tuple (values, indices) like PyTorch",
      example: "values, indices = topk([3, 1, 4, 1, 5], 2)"
    ) { args, _ in
      let (values, indices) = try args.tensor("t").topk(
        args.int("k"), axis: args.int("axis", default: -1),
        largest: args.bool("largest", default: true))
      return .tuple([.tensor(values), .tensor(indices)])
    },
    Builtin(
      "one_hot", [P("y", "tensor"), P("classes", "int", default: "max(y) + 1")], group: "math",
      summary: "each class label as a row with 1 at its class and 0 elsewhere; labels of shape "
        + "[n] or [n, 1] (a data set's y) give [n, classes]",
      example: "one_hot([0, 2, 1], 3)"
    ) { args, _ in
      .tensor(try Tensor.oneHot(args.tensor("y"), classes: args.optionalInt("classes")))
    },
    Builtin(
      "where", [P("cond", "tensor"), P("a", "tensor"), P("b", "tensor")], group: "math",
      summary: "a where cond is nonzero (true), b elsewhere, elementwise with broadcasting",
      example: "where([1, -2, 3] > 0, [1, -2, 3], 0)"
    ) { args, _ in
      .tensor(try Tensor.select(args.tensor("cond"), args.tensor("a"), args.tensor("b")))
    },
    Builtin(
      "str", [P("x", "value"), P("digits", "int", default: "4", keywordOnly: true)],
      group: "output",
      summary: "a value as the text print shows (a number to 4 significant digits unless "
        + "digits:), for labels and file names joined with +",
      example: "\"run-\" + str(3) + \".svg\""
    ) { args, _ in
      let digits = try args.int("digits", atLeast: 1, default: 4)
      guard digits <= 17 else {
        throw args.error("digits", "digits must be 1 … 17 (17 shows every float64), not \(digits)")
      }
      guard let value = args.value("x") else { throw args.error("x", "x is required") }
      if case .string(let s) = value { return .string(s) }
      // One line, however wide: the text goes into labels and file names.
      return .string(ValueFormatter(digits: digits, width: 100_000).inline(value))
    },
  ]

  /// `sort` and `argsort`: a tensor along `axis:` (the last by default), with `descending:`.
  private static func sorting(
    _ name: String, summary: String, example: String,
    _ body: @escaping @Sendable (Tensor, Int, Bool) throws -> Tensor
  ) -> Builtin {
    Builtin(
      name,
      [
        P("t", "tensor"), P("axis", "int", default: "-1", keywordOnly: true),
        P("descending", "bool", default: "false", keywordOnly: true),
      ],
      group: "math", summary: summary, example: example
    ) { args, _ in
      .tensor(
        try body(
          args.tensor("t"), args.int("axis", default: -1),
          args.bool("descending", default: false)))
    }
  }

  /// `var` and `std`: a reduction with `axis:`, `keepdims:` and `ddof:`.
  private static func spread(
    _ name: String, summary: String, example: String,
    _ body: @escaping @Sendable (Tensor, Int?, Bool, Int) throws -> Tensor
  ) -> Builtin {
    Builtin(
      name,
      [
        P("t", "tensor"), P("axis", "int", default: "none", keywordOnly: true),
        P("keepdims", "bool", default: "false", keywordOnly: true),
        P("ddof", "int", default: "0", keywordOnly: true),
      ],
      group: "math", summary: summary, example: example
    ) { args, _ in
      .tensor(
        try body(
          args.tensor("t"), args.optionalInt("axis"), args.bool("keepdims", default: false),
          args.int("ddof", default: 0)))
    }
  }
}
