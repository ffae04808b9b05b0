import Foundation
import NeuralNet
import TensorEngine

/// Saving a model's parameters to a safetensors file and loading them back by name.
extension Builtins {
  static let weightFiles: [Builtin] = [
    Builtin(
      "save", [P("model", "model"), P("file", "string")], group: "training",
      summary: "writes a model's parameters to a .safetensors file (float64, named 0.w, 0.b, "
        + "2.w, … as PyTorch's state_dict), which Python's safetensors package reads",
      example: "save(net, \"xor.safetensors\")"
    ) { args, context in
      let model = try args.layer("model")
      let file = try args.string("file")
      guard context.writesFiles else {
        throw args.error(
          "file",
          "save writes no file while a notebook is replayed: a notebook writes nowhere but its "
            + "own file and figures; run the cell in the REPL to save the model")
      }
      let parameters = model.namedParameters
      guard !parameters.isEmpty else {
        throw args.error("model", "this model has no parameters to save")
      }
      do {
        try SafeTensors.write(.init(tensors: parameters), to: file)
      } catch let error as SafeTensors.FormatError {
        throw RuntimeError(error.message, at: args.item("file")?.range)
      }
      return .none
    },
    Builtin(
      "load_weights",
      [
        P("model", "model"), P("file", "string"),
        P("strict", "bool", default: "true", keywordOnly: true),
      ],
      group: "training",
      summary: "loads a .safetensors file's tensors into a model's parameters by name, in place; "
        + "shapes must match; strict: false skips names missing from either side",
      example: "load_weights(net, \"xor.safetensors\", strict: false)"
    ) { args, context in
      let model = try args.layer("model")
      let file = try args.string("file")
      let strict = try args.bool("strict", default: true)
      let range = args.item("file")?.range
      let contents: SafeTensors.Contents
      do {
        contents = try SafeTensors.read(file)
      } catch let error as SafeTensors.FormatError {
        throw RuntimeError(error.message, at: range)
      }
      let stored = Dictionary(contents.tensors, uniquingKeysWith: { first, _ in first })
      let parameters = model.namedParameters
      let names = Set(parameters.map(\.name))
      let missing = parameters.map(\.name).filter { stored[$0] == nil }
      let extra = contents.tensors.map(\.name).filter { !names.contains($0) }
      if strict && !(missing.isEmpty && extra.isEmpty) {
        var problems: [String] = []
        if !missing.isEmpty { problems.append("it lacks \(listed(missing))") }
        if !extra.isEmpty { problems.append("the model has no \(listed(extra))") }
        throw RuntimeError(
          "\(file) does not fit this model: \(problems.joined(separator: "; ")) "
            + "(the model's parameters are \(listed(parameters.map(\.name)))); "
            + "give strict: false to load only the names both have",
          at: range)
      }
      // Every shape is checked before any value is changed, so a file that does not fit
      // leaves the model as it was.
      var pairs: [(Tensor, Tensor)] = []
      for (name, parameter) in parameters {
        guard let value = stored[name] else { continue }
        guard value.shape == parameter.shape else {
          throw RuntimeError(
            "\(file): \(name) has shape \(Shape.describe(value.shape)) but the model's "
              + "\(name) has shape \(Shape.describe(parameter.shape))",
            at: range)
        }
        pairs.append((parameter, value))
      }
      // The same in-place store as `layer.w = …`, so the version counter refuses a gradient
      // through values this replaced.
      for (parameter, value) in pairs { try parameter.assign(mask: nil, [], value) }
      if !missing.isEmpty || !extra.isEmpty {
        var notes: [String] = []
        if !missing.isEmpty { notes.append("kept the model's own \(listed(missing))") }
        if !extra.isEmpty { notes.append("skipped \(listed(extra)) from the file") }
        context.write(
          "loaded \(pairs.count) of \(parameters.count); "
            + notes.joined(separator: ", ") + "\n", transient: false)
      }
      return .none
    },
  ]

  private static func listed(_ names: [String]) -> String {
    names.count > 8
      ? names.prefix(8).joined(separator: ", ") + " and \(names.count - 8) more"
      : names.joined(separator: ", ")
  }
}
