import Foundation
import NeuralNet
import TensorEngine

/// Saving a model's parameters to a safetensors file and loading them back by name.
extension Builtins {
  /// The `__metadata__` key under which `save` writes the model's spec as JSON.
  static let specKey = "gradbook.spec"

  static let weightFiles: [Builtin] = [
    Builtin(
      "save", [P("model", "model"), P("file", "string")], group: "training",
      summary: "writes a model's parameters to a .safetensors file (float64, named 0.w, 0.b, "
        + "2.w, … as PyTorch's state_dict) with the model's spec, so load_model rebuilds it; "
        + "Python's safetensors package reads it. In a notebook the file goes into the "
        + "notebook's folder",
      example: "save(net, \"xor.safetensors\")"
    ) { args, context in
      let model = try args.layer("model")
      let file = try args.string("file")
      // A model not yet run has its weights drawn now, within the memory limit: the file
      // holds the values the model would start from.
      try model.materializeParameters()
      let parameters = model.namedParameters
      guard !parameters.isEmpty else {
        throw args.error("model", "this model has no parameters to save")
      }
      // "format": "pt" is what PyTorch's own files say; the spec is there only when every
      // layer's kind can be rebuilt, else load_model says to build the model by hand.
      var metadata = ["format": "pt"]
      let spec = model.spec
      if spec.isBuildable { metadata[specKey] = spec.json }
      let range = args.item("file")?.range
      do {
        let data = try SafeTensors.encode(.init(tensors: parameters, metadata: metadata))
        try context.writeFile(data, named: file)
      } catch let error as SafeTensors.FormatError {
        throw RuntimeError(error.message, at: range)
      } catch var error as RuntimeError {
        if error.range == nil { error.range = range }
        throw error
      }
      return .none
    },
    Builtin(
      "load_model", [P("file", "string")], group: "training",
      summary: "rebuilds the model a .safetensors file from save holds: its layers from the "
        + "spec save wrote, its parameters from the file (all of them, shapes checked)",
      example: "net = load_model(\"xor.safetensors\")"
    ) { args, context in
      let file = try args.string("file")
      let range = args.item("file")?.range
      let contents = try read(context.pathForReading(file), shownAs: file, at: range)
      guard let json = contents.metadata[specKey] else {
        throw RuntimeError(
          "\(file) holds weights but no model spec (another program wrote it, or the saved "
            + "model had a layer that cannot be rebuilt); "
            + "build the model by hand and load its weights with load_weights(net, \"\(file)\")",
          at: range)
      }
      let model: any Layer
      do {
        model = try LayerSpec.decode(json).build()
      } catch let error as LayerSpec.SpecError {
        throw RuntimeError("\(file): \(error.message)", at: range)
      } catch let error as TensorError {
        throw RuntimeError("\(file): the model's spec cannot be built: \(error.message)", at: range)
      }
      try load(
        contents, into: model, strict: true, file: file, at: range, context: context,
        mismatch: "the model its spec describes does not fit its weights")
      return .layer(model)
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
      let contents = try read(context.pathForReading(file), shownAs: file, at: range)
      try load(
        contents, into: model, strict: strict, file: file, at: range, context: context,
        mismatch: "\(file) does not fit this model")
      return .none
    },
  ]

  private static func read(_ path: String, shownAs file: String, at range: SourceRange?) throws
    -> SafeTensors.Contents
  {
    do {
      return try SafeTensors.read(path)
    } catch var error as SafeTensors.FormatError {
      // Messages name the file as the program did, not the folder it was found in.
      if path != file { error.message = error.message.replacingOccurrences(of: path, with: file) }
      throw RuntimeError(error.message, at: range)
    }
  }

  /// Loads `contents` into `model`'s parameters by name, every shape checked before any value
  /// changes; strict, every name on both sides must match (`mismatch` begins the error).
  private static func load(
    _ contents: SafeTensors.Contents, into model: any Layer, strict: Bool, file: String,
    at range: SourceRange?, context: any Context, mismatch: String
  ) throws {
    let stored = Dictionary(contents.tensors, uniquingKeysWith: { first, _ in first })
    try model.materializeParameters()
    let parameters = model.namedParameters
    let names = Set(parameters.map(\.name))
    let missing = parameters.map(\.name).filter { stored[$0] == nil }
    let extra = contents.tensors.map(\.name).filter { !names.contains($0) }
    if strict && !(missing.isEmpty && extra.isEmpty) {
      var problems: [String] = []
      if !missing.isEmpty { problems.append("it lacks \(listed(missing))") }
      if !extra.isEmpty { problems.append("the model has no \(listed(extra))") }
      throw RuntimeError(
        "\(mismatch): \(problems.joined(separator: "; ")) "
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
  }

  private static func listed(_ names: [String]) -> String {
    names.count > 8
      ? names.prefix(8).joined(separator: ", ") + " and \(names.count - 8) more"
      : names.joined(separator: ", ")
  }
}
