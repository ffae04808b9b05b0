import TensorEngine

/// Declares a model's per-sample input, as Keras's `Input(shape, name)`: the identity on
/// samples of `shape`, an error naming the expected shape on any other. A model that starts
/// with one knows its input (`summary(alexnet())` needs no shape) and its name (the column
/// `summary` of several models gives it).
///
/// ```
/// y = x,   x: [n] + shape
/// ```
public final class Input: Layer {
  public let shape: [Int]
  public let name: String?

  public init(_ shape: [Int], name: String? = nil) throws {
    guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
      throw TensorError(
        .argument,
        "input needs a sample shape of sizes of at least 1, e.g. [3, 224, 224], not "
          + Shape.describe(shape))
    }
    _ = try Shape.count(shape)
    self.shape = shape
    self.name = name
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    guard Array(x.shape.dropFirst()) == shape else {
      throw TensorError(
        .shape,
        "\(description) takes a batch [n] + \(Shape.describe(shape)), not "
          + Shape.describe(x.shape))
    }
    return x
  }

  public var parameters: [Tensor] { [] }
  public var declaredInput: DeclaredInput? { DeclaredInput(shape: shape, name: name) }
  public var changesShape: Bool { true }
  public var inputWidth: Int? { shape.count == 1 ? shape[0] : nil }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape == shape else {
      throw TensorError(
        .shape,
        "\(description) takes samples of \(Shape.describe(shape)), not "
          + Shape.describe(inputShape))
    }
    return shape
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    self
  }

  /// `AlexNet input [3, 227, 227]`, or `input [2]` without a name.
  public var description: String {
    (name.map { "\($0) " } ?? "") + "input \(Shape.describe(shape))"
  }

  public static let specKind = "input"

  /// `{"kind": "input", "config": {"shape": "3,227,227", "name": "AlexNet"}}`.
  public var spec: LayerSpec {
    var config: [String: LayerSpec.ConfigValue] = [
      "shape": .string(shape.map(String.init).joined(separator: ","))
    ]
    if let name { config["name"] = .string(name) }
    return LayerSpec(kind: Self.specKind, config: config)
  }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    guard case .string(let text)? = spec.config["shape"] else {
      throw LayerSpec.SpecError("input needs \"shape\", its sizes as text like \"3,224,224\"")
    }
    let sizes = text.split(separator: ",").map { Int($0) }
    guard !sizes.isEmpty, sizes.count <= 8,
      sizes.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1 << 24 })
    else {
      throw LayerSpec.SpecError(
        "input's \"shape\" \"\(text)\" is not a list of sizes like \"3,224,224\"")
    }
    var name: String?
    if let value = spec.config["name"] {
      guard case .string(let s) = value else {
        throw LayerSpec.SpecError("input's \"name\" must be text")
      }
      name = s
    }
    do {
      return try Input(sizes.compactMap { $0 }, name: name)
    } catch let error as TensorError {
      throw LayerSpec.SpecError(error.message)
    }
  }
}

extension Input {
  /// The compiled stage copies each sample through, and the gradient back.
  public func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    guard request.inputShape == shape else { return nil }
    return Flatten().compiledStage(request)
  }
}
