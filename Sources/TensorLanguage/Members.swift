import NeuralNet
import TensorEngine

/// `value.name`: the members each kind of value has.
public func member(of value: Value, _ name: String) throws -> Value {
  switch value {
  case .tensor(let t):
    switch name {
    case "shape": return .tensor(Tensor(t.shape.map(Double.init)))
    case "T":
      try t.checkRoomForCopy()
      return .tensor(t.transposed())
    case "grad":
      guard t.isParameter else {
        throw RuntimeError(
          "only a parameter has a gradient: make one with w = param(t), then backward(E) and w.grad"
        )
      }
      return .tensor(try t.grad ?? Tensor.zeros(t.shape))
    default: break
    }
  case .dataset(let d):
    switch name {
    case "x": return .tensor(d.x)
    case "y": return .tensor(d.y)
    case "n": return .number(Double(d.count))
    case "vocab":
      guard let vocabulary = d.vocabulary else {
        throw RuntimeError("\(d.name) is not a text data set; only text(…) has a vocab")
      }
      return .string(String(vocabulary))
    case "classes":
      guard let classes = d.classes else {
        throw RuntimeError("\(d.name) is a regression data set; it has no classes")
      }
      return .number(Double(classes))
    default: break
    }
  case .layer(let layer):
    switch name {
    case "layers": return .tuple(layer.layers.map { .layer($0) })
    case "params":
      try layer.materializeParameters()
      return .tuple(layer.parameters.map { .tensor($0) })
    case "w", "b": return try weights(of: layer, name)
    default:
      // A layer's own parameters by the names it gives them (an lstm's weight_ih_l0).
      if layer.children.isEmpty, !name.contains(".") {
        try layer.materializeParameters()
        if let p = layer.namedParameters.first(where: { $0.name == name }) {
          return .tensor(p.tensor)
        }
      }
      // A layer made of others, not a model, names its parts: a residual's .block and
      // .shortcut (a model's are its .layers).
      if let part = namedParts(of: layer).first(where: { $0.name == name }) {
        return .layer(part.layer)
      }
    }
  case .history(let h):
    switch name {
    case "loss": return .tensor(Tensor(h.loss))
    case "val_loss": return .tensor(Tensor(h.validationLoss))
    case "accuracy": return .tensor(Tensor(h.accuracy))
    case "val_accuracy": return .tensor(Tensor(h.validationAccuracy))
    case "lr": return .tensor(Tensor(h.learningRates))
    case "epochs": return .number(Double(h.epochs))
    case "seconds": return .number(h.seconds)
    default: break
    }
  case .perceptronResult(let r):
    switch name {
    case "converged": return .bool(r.converged)
    case "epochs": return .number(Double(r.epochs))
    case "errors": return .tensor(Tensor(r.errorsPerEpoch.map(Double.init)))
    case "misclassified": return .number(Double(r.misclassified))
    default: break
    }
  case .confusion(let c):
    switch name {
    case "counts": return .tensor(c.tensor)
    case "classes": return .number(Double(c.classes))
    case "n": return .number(Double(c.total))
    case "accuracy": return .number(c.accuracy)
    default: break
    }
  default:
    break
  }
  throw noMember(value, name)
}

/// The members `value` has, for completion and for error messages.
public func memberNames(of value: Value) -> [String] {
  switch value {
  case .tensor(let t): t.isParameter ? ["shape", "T", "grad"] : ["shape", "T"]
  case .dataset(let d):
    (d.classes == nil ? ["x", "y", "n"] : ["x", "y", "n", "classes"])
      + (d.vocabulary == nil ? [] : ["vocab"])
  case .layer(let layer):
    // Only what the layer has: a model's parameters belong to its layers (`.layers[0].w`),
    // so Tab offers no `net.w` that would then fail.
    // Only a layer made of no others has its own; asking a model would draw its weights.
    ["layers", "params"]
      + (layer.children.isEmpty && (try? layer.materializeParameters()) != nil
        ? layer.namedParameters.map(\.name).filter { !$0.contains(".") } : [])
      + namedParts(of: layer).map(\.name)
  case .history: ["loss", "val_loss", "accuracy", "val_accuracy", "lr", "epochs", "seconds"]
  case .perceptronResult: ["converged", "epochs", "errors", "misclassified"]
  case .confusion: ["counts", "classes", "n", "accuracy"]
  default: []
  }
}

/// The children of a layer that is not a model whose names are words (a residual's `block`
/// and `shortcut`; not the numbered branches of `branches`).
private func namedParts(of layer: any Layer) -> [(name: String, layer: any Layer)] {
  guard !layer.isModel else { return [] }
  return layer.children.filter { $0.name.first?.isLetter == true }
}

/// `.w` or `.b` of a dense layer or perceptron; a model points to its layers.
private func weights(of layer: any Layer, _ name: String) throws -> Value {
  // Only a layer's own: a model's .w is an error below, and must not draw its weights.
  if layer.children.isEmpty {
    try layer.materializeParameters()
    if let own = layer.namedParameters.first(where: { $0.name == name }) {
      return .tensor(own.tensor)
    }
  }
  if layer.isModel {
    let index = layer.layers.firstIndex { $0.parameterCount > 0 } ?? 0
    throw RuntimeError(
      "a model has no single .\(name); take a layer's, e.g. .layers[\(index)].\(name)")
  }
  throw RuntimeError("the layer \(layer) has no weights")
}

private func noMember(_ value: Value, _ name: String) -> RuntimeError {
  let names = memberNames(of: value)
  if case .tuple = value {
    return RuntimeError("a tuple has no members; take an element by its index, e.g. t[0]")
  }
  guard !names.isEmpty else {
    return RuntimeError("\(value.kindName) has no members, so not .\(name)")
  }
  var message =
    "\(value.kindName) has no member \(name) (members: \(names.joined(separator: ", ")))"
  if let guess = closestName(to: name, in: names) { message += "; did you mean \(guess)?" }
  return RuntimeError(message)
}
