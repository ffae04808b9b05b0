import Foundation
import NeuralNet
import TensorEngine

/// The lecture's data sets, splitting, loading and the random seed.
extension Builtins {
  static let data: [Builtin] = [
    gate("xor", .xor, "inputs 0/1 and their exclusive or: not linearly separable"),
    gate("and", .and, "inputs 0/1 and their logical and"),
    gate("or", .or, "inputs 0/1 and their logical or"),
    gate("nand", .nand, "inputs 0/1 and their negated and"),
    Builtin(
      "blobs",
      [
        P("n", "int"), P("centers", "int", default: "3", keywordOnly: true),
        P("noise", "number", default: "1", keywordOnly: true),
      ],
      group: "data",
      summary: "n samples in Gaussian clusters around random centres, one class each",
      example: "blobs(300, centers: 3)"
    ) { args, _ in
      .dataset(
        try Dataset.blobs(
          args.int("n"), centers: args.int("centers", default: 3),
          noise: args.double("noise", default: 1)))
    },
    Builtin(
      "circles",
      [
        P("n", "int"), P("noise", "number", default: "0.05", keywordOnly: true),
        P("factor", "number", default: "0.5", keywordOnly: true),
      ],
      group: "data",
      summary: "n samples on two concentric circles (inner radius factor), two classes",
      example: "circles(200, noise: 0.1)"
    ) { args, _ in
      .dataset(
        try Dataset.circles(
          args.int("n"), noise: args.double("noise", default: 0.05),
          factor: args.double("factor", default: 0.5)))
    },
    Builtin(
      "moons", [P("n", "int"), P("noise", "number", default: "0.1", keywordOnly: true)],
      group: "data",
      summary: "n samples on two interleaving half circles, two classes",
      example: "moons(200, noise: 0.2)"
    ) { args, _ in
      .dataset(try Dataset.moons(args.int("n"), noise: args.double("noise", default: 0.1)))
    },
    Builtin(
      "spiral",
      [
        P("n", "int"), P("classes", "int", default: "3", keywordOnly: true),
        P("noise", "number", default: "0.2", keywordOnly: true),
      ],
      group: "data",
      summary: "n samples on intertwined spiral arms, one class per arm",
      example: "spiral(300, classes: 3)"
    ) { args, _ in
      .dataset(
        try Dataset.spiral(
          args.int("n"), classes: args.int("classes", default: 3),
          noise: args.double("noise", default: 0.2)))
    },
    Builtin(
      "line",
      [
        P("n", "int"), P("slope", "number", default: "2", keywordOnly: true),
        P("intercept", "number", default: "1", keywordOnly: true),
        P("noise", "number", default: "0.1", keywordOnly: true),
      ],
      group: "data",
      summary: "n noisy samples of y = slope · x + intercept, x in [−1, 1): regression",
      example: "line(50, slope: 3, intercept: -1)"
    ) { args, _ in
      .dataset(
        try Dataset.line(
          args.int("n"), slope: args.double("slope", default: 2),
          intercept: args.double("intercept", default: 1),
          noise: args.double("noise", default: 0.1)))
    },
    Builtin(
      "sine", [P("n", "int"), P("noise", "number", default: "0.1", keywordOnly: true)],
      group: "data",
      summary: "n noisy samples of y = sin(x): regression",
      example: "sine(100, noise: 0.05)"
    ) { args, _ in
      .dataset(try Dataset.sine(args.int("n"), noise: args.double("noise", default: 0.1)))
    },
    Builtin(
      "split",
      [
        P("data", "dataset"), P("fraction", "number", default: "0.8"),
        P("per_class", "int", default: "none", keywordOnly: true),
      ],
      group: "data",
      summary: "shuffles and cuts a data set into (train, test), fraction for training; "
        + "per_class: n takes n samples of each class for the first part instead",
      example: "few, rest = split(digits(), per_class: 20)"
    ) { args, _ in
      let data = try args.dataset("data")
      if args.has("per_class") {
        guard !args.has("fraction") else {
          throw args.error(
            "per_class", "give a fraction or per_class:, not both: split(data, per_class: 20)")
        }
        let (few, rest) = try data.split(perClass: args.int("per_class", atLeast: 1))
        return .tuple([.dataset(few), .dataset(rest)])
      }
      let (train, test) = try data.split(args.double("fraction", default: 0.8))
      return .tuple([.dataset(train), .dataset(test)])
    },
    Builtin(
      "dataset",
      [
        P("x", "tensor"), P("y", "tensor"),
        P("classes", "int", default: "none", keywordOnly: true),
        P("name", "string", default: "\"data\"", keywordOnly: true),
      ],
      group: "data",
      summary: "a data set from tensors: x [n, …] one sample per row, y its targets [n, k] "
        + "(dataset(x, x) for an autoencoder), or with classes: one label 0…classes−1 each",
      example: "d = dataset([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], classes: 2)"
    ) { args, _ in
      let classes = args.has("classes") ? try args.int("classes", atLeast: 1) : nil
      let name = args.has("name") ? try args.string("name") : "data"
      return .dataset(
        try Dataset.fromTensors(
          x: args.tensor("x"), y: args.tensor("y"), classes: classes, name: name))
    },
    Builtin(
      "load",
      [P("file", "string"), P("target", "string or list of strings", keywordOnly: true)],
      group: "data",
      summary: "a data set from a CSV file with a header; target: names the label column, "
        + "or a list of columns for several regression targets",
      example: "load(\"iris.csv\", target: \"species\")"
    ) { args, context in
      let file = try args.string("file")
      let targets = try targetColumns(args)
      // Errors quote the file only when it lies in the notebook's or script's own folder.
      let excerpts = context.quotableFolder.map { isInside(file, folder: $0) } ?? false
      do {
        return .dataset(try Dataset.load(csv: file, targets: targets, excerpts: excerpts))
      } catch let error as DatasetError {
        // The file's own place (file:line:column) says where; no signature note is needed.
        throw RuntimeError(error.description, at: args.item("file")?.range)
      }
    }.overloaded(by: [loadIDXForm]),
    Builtin(
      "seed", [P("n", "int")], group: "data",
      summary: "restarts the random generator, so that what follows is reproducible",
      example: "seed(42)"
    ) { args, _ in
      RandomGenerator.seed(UInt64(try args.int("n", atLeast: 0)))
      return .none
    },
  ]

  /// `target:` as one column name or a list of them.
  private static func targetColumns(_ args: Arguments) throws -> [String] {
    switch args.value("target") {
    case .tuple(let items)?:
      return try items.map { item in
        guard case .string(let name) = item else {
          throw args.error(
            "target", "target: lists column names as strings, not \(item.kindName)")
        }
        return name
      }
    case .string(let name)?:
      return [name]
    case .tensor(let t)? where t.count == 0:
      throw args.error("target", "target: names no column; give at least one")
    case let other?:
      throw args.error(
        "target",
        "target: is a column name (\"y\") or a list of them ([\"a\", \"b\"]), not "
          + other.kindName)
    case nil:
      return [try args.string("target")]
    }
  }

  private static func gate(_ name: String, _ kind: LogicGate, _ summary: String) -> Builtin {
    Builtin(name, [], group: "data", summary: summary, example: "\(name)()") { _, _ in
      .dataset(Dataset.gate(kind))
    }
  }
}

/// Whether `file`, links resolved, lies inside `folder` (links resolved too).
func isInside(_ file: String, folder: String) -> Bool {
  func real(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
  guard let root = real(folder), let path = real(file) else { return false }
  return path.hasPrefix(root == "/" ? "/" : root + "/")
}
