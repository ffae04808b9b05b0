import NeuralNet
import TensorEngine

/// Making, reshaping and reducing tensors, as numpy names them.
extension Builtins {
  typealias P = Builtin.Parameter

  static let tensors: [Builtin] = [
    Builtin(
      "zeros", [P("shape", "int", variadic: true)], group: "tensors",
      summary: "a tensor of zeros; the shape as sizes or a list",
      example: "zeros(2, 3)"
    ) { args, _ in .tensor(try Tensor.zeros(args.restShape())) },
    Builtin(
      "ones", [P("shape", "int", variadic: true)], group: "tensors",
      summary: "a tensor of ones; the shape as sizes or a list",
      example: "ones([2, 3])"
    ) { args, _ in .tensor(try Tensor.ones(args.restShape())) },
    Builtin(
      "full", [P("shape", "shape"), P("value", "number")], group: "tensors",
      summary: "a tensor of one shape filled with one value",
      example: "full([2, 2], 0.5)"
    ) { args, _ in .tensor(try Tensor.full(args.shape("shape"), args.double("value"))) },
    Builtin(
      "eye", [P("n", "int")], group: "tensors",
      summary: "the n×n identity matrix",
      example: "eye(3)"
    ) { args, _ in .tensor(try Tensor.eye(args.int("n", atLeast: 0))) },
    Builtin(
      "rand",
      [
        P("shape", "int", variadic: true), P("low", "number", default: "0", keywordOnly: true),
        P("high", "number", default: "1", keywordOnly: true),
      ],
      group: "tensors",
      summary: "uniform random values in [0, 1), or in [low, high) as numpy's "
        + "random.uniform, from the session's seeded generator",
      example: "rand(2, 3, low: -1, high: 1)"
    ) { args, _ in
      let (low, high) = (try args.double("low", default: 0), try args.double("high", default: 1))
      guard low.isFinite, high.isFinite, low <= high, (high - low).isFinite else {
        throw args.error(
          "low", "rand needs finite low ≤ high, not low: \(low) and high: \(high)")
      }
      let u = try Tensor.rand(args.restShape())
      // low + (high − low)·u, the same draws as rand(shape) moved and stretched.
      return .tensor(low == 0 && high == 1 ? u : try u * (high - low) + low)
    },
    Builtin(
      "randn",
      [
        P("shape", "int", variadic: true), P("mean", "number", default: "0", keywordOnly: true),
        P("std", "number", default: "1", keywordOnly: true),
      ],
      group: "tensors",
      summary: "normal random values, N(0, 1) or N(mean, std²) as numpy's random.normal, "
        + "seeded",
      example: "randn(100, mean: 4, std: 1.25)"
    ) { args, _ in
      let (mean, std) = (try args.double("mean", default: 0), try args.double("std", default: 1))
      guard mean.isFinite, std.isFinite, std >= 0 else {
        throw args.error(
          "std", "randn needs a finite mean and std ≥ 0, not mean: \(mean) and std: \(std)")
      }
      let z = try Tensor.randn(args.restShape())
      // mean + std·z, the same draws as randn(shape) moved and stretched.
      return .tensor(mean == 0 && std == 1 ? z : try z * std + mean)
    },
    Builtin(
      "linspace", [P("start", "number"), P("end", "number"), P("n", "int", default: "50")],
      group: "tensors",
      summary: "n evenly spaced values from start to end, both included",
      example: "linspace(-5, 5, 11)"
    ) { args, _ in
      .tensor(
        try Tensor.linspace(
          args.double("start"), args.double("end"), count: args.int("n", atLeast: 0, default: 50))
      )
    },
    Builtin(
      "arange",
      [
        P("start", "number"), P("stop", "number", default: "none"),
        P("step", "number", default: "1"),
      ],
      group: "tensors",
      summary: "values from start up to but not including stop; arange(n) is 0 … n−1",
      example: "arange(0, 1, 0.25)"
    ) { args, _ in
      let first = try args.double("start")
      let step = try args.double("step", default: 1)
      if args.has("stop") {
        return .tensor(try Tensor.arange(first, args.double("stop"), step: step))
      }
      return .tensor(try Tensor.arange(0, first, step: step))
    },
    Builtin(
      "reshape", [P("t", "tensor"), P("shape", "int", variadic: true)], group: "tensors",
      summary: "the same values in a new shape; one size may be −1 and is inferred",
      example: "reshape(arange(6), 2, 3)"
    ) { args, _ in .tensor(try args.tensor("t").reshaped(args.restShape(allowInferred: true))) },
    Builtin(
      "concat",
      [P("tensors", "tensor", variadic: true), P("axis", "int", default: "0", keywordOnly: true)],
      group: "tensors",
      summary: "joins tensors along an existing axis",
      example: "concat([1, 2], [3], axis: 0)"
    ) { args, _ in
      .tensor(
        try Tensor.concat(
          args.restTensors("concat's arguments"), axis: args.int("axis", default: 0)))
    },
    Builtin(
      "stack",
      [P("tensors", "tensor", variadic: true), P("axis", "int", default: "0", keywordOnly: true)],
      group: "tensors",
      summary: "joins tensors of one shape along a new axis",
      example: "stack([1, 2], [3, 4])"
    ) { args, _ in
      .tensor(
        try Tensor.stack(args.restTensors("stack's arguments"), axis: args.int("axis", default: 0)))
    },
    Builtin(
      "append", [P("list", "tensor"), P("values", "tensor")], group: "tensors",
      summary: "a vector of list's values then values' (both flattened, as numpy's append); "
        + "values only, no gradient, like PyTorch's loss.item()",
      example: "errors = append(errors, E)"
    ) { args, _ in
      // Detached: a list of losses collected in a training loop would otherwise keep every
      // iteration's graph alive.
      let list = try args.tensor("list")
      let values = try args.tensor("values")
      let joined = try Tensor.concat(
        [list.detached.reshaped([list.count]), values.detached.reshaped([values.count])])
      return .tensor(joined)
    },
    reduction(
      "sum", summary: "the sum of all values, or along an axis",
      example: "sum([[1, 2], [3, 4]], axis: 0)"
    ) {
      try $0.sum(axis: $1, keepDims: $2)
    },
    reduction(
      "mean", summary: "the mean of all values, or along an axis", example: "mean([1, 2, 3, 4])"
    ) {
      try $0.mean(axis: $1, keepDims: $2)
    },
    extremum(
      "max", .maximum, summary: "the largest value (or along an axis); max(a, b) is elementwise"
    ) {
      try $0.max(axis: $1, keepDims: $2)
    },
    extremum(
      "min", .minimum, summary: "the smallest value (or along an axis); min(a, b) is elementwise"
    ) {
      try $0.min(axis: $1, keepDims: $2)
    },
    reduction(
      "argmax", summary: "the index of the largest value (of all, or along an axis)",
      example: "argmax([[1, 5], [7, 2]], axis: 1)"
    ) {
      try $0.argmax(axis: $1, keepDims: $2)
    },
    elementwise(
      "abs", group: "tensors", summary: "the absolute value of each element",
      example: "abs([-1, 2])"
    ) {
      $0.abs()
    },
    elementwise(
      "exp", group: "tensors", summary: "e to the power of each element", example: "exp(1)"
    ) { $0.exp() },
    elementwise(
      "log", group: "tensors", summary: "the natural logarithm of each element",
      example: "log(exp(2))"
    ) {
      $0.log()
    },
    elementwise(
      "sqrt", group: "tensors", summary: "the square root of each element", example: "sqrt([4, 9])"
    ) {
      $0.sqrt()
    },
    Builtin(
      "clip", [P("t", "tensor"), P("low", "number"), P("high", "number")], group: "tensors",
      summary: "each element limited to [low, high]",
      example: "clip([-2, 0.5, 3], 0, 1)"
    ) { args, _ in .tensor(try args.tensor("t").clip(args.double("low"), args.double("high"))) },
    Builtin(
      "transpose", [P("t", "tensor"), P("axes", "int", variadic: true)], group: "tensors",
      summary: "the axes reversed (a matrix's transpose, also t'), or put in the given order",
      example: "transpose([[1, 2, 3]])"
    ) { args, _ in
      let t = try args.tensor("t")
      if args.rest.isEmpty {
        try t.checkRoomForCopy()
        return .tensor(t.transposed())
      }
      var axes: [Int] = []
      for item in args.rest {
        guard let a = Arguments.asTensor(item.value), a.rank <= 1 else {
          throw args.error(at: item, "axes must be numbers, not \(item.value.kindName)")
        }
        for x in a.scalars {
          guard x == x.rounded(), abs(x) < 1e15 else {
            throw args.error(at: item, "an axis must be a whole number, not \(x)")
          }
          axes.append(Int(x))
        }
      }
      return .tensor(try t.permuted(axes))
    },
    Builtin(
      "shape", [P("t", "tensor")], group: "tensors",
      summary: "the size of each axis, as a vector (also t.shape)",
      example: "shape(zeros(2, 3))"
    ) { args, _ in .tensor(Tensor(try args.tensor("t").shape.map(Double.init))) },
  ]

  /// A reduction with an optional `axis:` and `keepdims:`.
  private static func reduction(
    _ name: String, summary: String, example: String,
    _ body: @escaping @Sendable (Tensor, Int?, Bool) throws -> Tensor
  ) -> Builtin {
    Builtin(
      name,
      [
        P("t", "tensor"), P("axis", "int", default: "none", keywordOnly: true),
        P("keepdims", "bool", default: "false", keywordOnly: true),
      ],
      group: "tensors", summary: summary, example: example
    ) { args, _ in
      .tensor(
        try body(args.tensor("t"), args.optionalInt("axis"), args.bool("keepdims", default: false)))
    }
  }

  /// `max` and `min`: a reduction of one tensor, or the elementwise extremum of two.
  private static func extremum(
    _ name: String, _ op: BinaryOp, summary: String,
    _ body: @escaping @Sendable (Tensor, Int?, Bool) throws -> Tensor
  ) -> Builtin {
    Builtin(
      name,
      [
        P("a", "tensor"), P("b", "tensor", default: "none"),
        P("axis", "int", default: "none", keywordOnly: true),
        P("keepdims", "bool", default: "false", keywordOnly: true),
      ],
      group: "tensors", summary: summary, example: "\(name)([3, 1, 2])"
    ) { args, _ in
      let a = try args.tensor("a")
      if args.has("b") {
        guard !args.has("axis"), !args.has("keepdims") else {
          throw args.error(
            "axis", "\(name)(a, b) compares elementwise and takes no axis: or keepdims:")
        }
        return .tensor(try Tensor.binary(op, a, args.tensor("b")))
      }
      return .tensor(try body(a, args.optionalInt("axis"), args.bool("keepdims", default: false)))
    }
  }
}
