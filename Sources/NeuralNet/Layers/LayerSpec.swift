import Foundation
import Synchronization
import TensorEngine

/// What a layer is, without its weights: its kind (`dense`, `activation`, `sequential`, …),
/// its configuration (`inputs`, `outputs`, `activation`) and the specs of the layers it is
/// made of. `build()` makes a fresh layer of the same shape from it, whose parameters a
/// weight file then fills: `save` writes a model's spec into the file and `load_model`
/// rebuilds the model from it.
///
/// As JSON: `{"kind": "dense", "config": {"inputs": 2, "outputs": 4, "activation": "tanh"},
/// "children": []}`.
///
/// Each layer's file says how to build its kind (`Dense.build(_:)`); `LayerSpec.builtIns`
/// lists the built-in kinds in one place, because Swift runs no code when a file is loaded
/// that could register them, and `register(_:_:)` adds a kind at run time.
public struct LayerSpec: Codable, Equatable, Sendable {
  public var kind: String
  public var config: [String: ConfigValue]
  public var children: [LayerSpec]

  public init(kind: String, config: [String: ConfigValue] = [:], children: [LayerSpec] = []) {
    self.kind = kind
    self.config = config
    self.children = children
  }

  /// A configuration value, written in JSON as a plain number, string or truth value.
  public enum ConfigValue: Codable, Equatable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let b = try? container.decode(Bool.self) {
        self = .bool(b)
      } else if let x = try? container.decode(Double.self) {
        self = .number(x)
      } else {
        self = .string(try container.decode(String.self))
      }
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .number(let x): try container.encode(x)
      case .string(let s): try container.encode(s)
      case .bool(let b): try container.encode(b)
      }
    }
  }

  private enum CodingKeys: String, CodingKey { case kind, config, children }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    kind = try container.decode(String.self, forKey: .kind)
    config = try container.decodeIfPresent([String: ConfigValue].self, forKey: .config) ?? [:]
    children = try container.decodeIfPresent([LayerSpec].self, forKey: .children) ?? []
  }

  /// Why a spec cannot be read or built.
  public struct SpecError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }
  }

  // MARK: JSON

  /// The spec as compact JSON with sorted keys, the same text for the same spec.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain strings, numbers and arrays cannot fail; nan never reaches a spec.
    return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  /// Layers nest no deeper than this in a spec read from a file: a model is a few levels
  /// deep, and a hostile file must not recurse without end.
  public static let maxDepth = 64

  /// Reads a spec from JSON, refusing text that is not one with the reason.
  public static func decode(_ json: String) throws -> LayerSpec {
    // Each layer nests two levels (its object and its children's array); looked at before
    // decoding, whose recursion a deeply nested text could otherwise exhaust.
    guard nesting(of: json) <= 2 * maxDepth + 2 else {
      throw SpecError("the model's spec nests layers more than \(maxDepth) deep")
    }
    let spec: LayerSpec
    do {
      spec = try JSONDecoder().decode(LayerSpec.self, from: Data(json.utf8))
    } catch let error as DecodingError {
      throw SpecError("the model's spec is not valid: \(Self.reason(error))")
    } catch {
      throw SpecError("the model's spec is not valid JSON")
    }
    guard spec.depth <= maxDepth else {
      throw SpecError("the model's spec nests layers more than \(maxDepth) deep")
    }
    return spec
  }

  /// The deepest nesting of brackets and braces outside strings.
  private static func nesting(of json: String) -> Int {
    var depth = 0
    var deepest = 0
    var inString = false
    var escaped = false
    for byte in json.utf8 {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        depth += 1
        deepest = Swift.max(deepest, depth)
      case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
      default: break
      }
    }
    return deepest
  }

  private var depth: Int { 1 + (children.map(\.depth).max() ?? 0) }

  private static func reason(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
      // The innermost keys say where; a long path is shortened at its start.
      let shown = keys.count > 8 ? ["…"] + keys.suffix(6) : keys
      return keys.isEmpty ? "" : " at \(shown.joined())"
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "it lacks \"\(key.stringValue)\"\(path(context))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "a value has the wrong type\(path(context))"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty ? "it is not JSON" : "bad data\(path(context))"
    @unknown default:
      return "\(error)"
    }
  }

  // MARK: Building

  /// Makes a layer from a spec of its kind; throws a `SpecError` for a bad configuration.
  public typealias Builder = @Sendable (LayerSpec) throws -> any Layer

  /// The built-in kinds, each built by its layer's own file.
  public static let builtIns: [String: Builder] = [
    Dense.specKind: Dense.build,
    ActivationLayer.specKind: ActivationLayer.build,
    Perceptron.specKind: Perceptron.build,
    Sequential.specKind: Sequential.build,
    Flatten.specKind: Flatten.build,
    LocalResponseNorm.specKind: LocalResponseNorm.build,
    Dropout.specKind: Dropout.build,
    GlobalAveragePool.specKind: GlobalAveragePool.build,
    Branches.specKind: Branches.build,
    Conv.specKind: Conv.build,
    MaxPool.specKind: MaxPool.build,
    AvgPool.specKind: AvgPool.build,
    Input.specKind: Input.build,
    Recurrent.Cell.rnn.rawValue: Recurrent.build,
    Recurrent.Cell.gru.rawValue: Recurrent.build,
    Recurrent.Cell.lstm.rawValue: Recurrent.build,
    Residual.specKind: Residual.build,
    Deconv.specKind: Deconv.build,
    Upsample.specKind: Upsample.build,
  ]

  private static let registry = Mutex(builtIns)

  /// Teaches `build()` a new kind of layer.
  public static func register(_ kind: String, _ builder: @escaping Builder) {
    registry.withLock { $0[kind] = builder }
  }

  /// Whether `build()` knows `kind`.
  public static func knows(_ kind: String) -> Bool { registry.withLock { $0[kind] != nil } }

  /// Whether this spec and all of its children's can be built.
  public var isBuildable: Bool { Self.knows(kind) && children.allSatisfy(\.isBuildable) }

  /// A new layer as this spec describes, with fresh parameters drawn from the session's
  /// stream.
  public func build() throws -> any Layer {
    guard let builder = Self.registry.withLock({ $0[kind] }) else {
      let known = Self.registry.withLock { $0.keys.sorted() }
      throw SpecError(
        "unknown layer kind \"\(kind)\" (known: \(known.joined(separator: ", ")))")
    }
    return try builder(self)
  }

  // MARK: Reading the configuration

  /// `config[key]` as a whole number in `range`.
  public func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int {
    guard case .number(let x)? = config[key] else {
      throw SpecError("\(kind) needs a number \"\(key)\" in its config")
    }
    guard x == x.rounded(), x >= Double(range.lowerBound), x <= Double(range.upperBound)
    else {
      throw SpecError(
        "\(kind)'s \"\(key)\" must be a whole number from \(range.lowerBound) to "
          + "\(range.upperBound), not \(x)")
    }
    return Int(x)
  }

  /// `config[key]` as a number, or nil when it is missing.
  public func number(_ key: String) throws -> Double? {
    switch config[key] {
    case nil: return nil
    case .number(let x)? where x.isFinite: return x
    default: throw SpecError("\(kind)'s \"\(key)\" must be a finite number")
    }
  }

  /// `config[key]` as a string.
  public func string(_ key: String) throws -> String {
    guard case .string(let s)? = config[key] else {
      throw SpecError("\(kind) needs a string \"\(key)\" in its config")
    }
    return s
  }

  /// Throws unless the spec has `count` children.
  public func expectChildren(_ count: Int) throws {
    guard children.count == count else {
      throw SpecError("\(kind) has \(count) children, not \(children.count)")
    }
  }
}

extension Activation {
  /// The activation's entries in a spec: its name, and a leaky ReLU's slope.
  var specConfig: [String: LayerSpec.ConfigValue] {
    switch self {
    case .leakyRelu(let slope): ["activation": .string("leaky_relu"), "slope": .number(slope)]
    default: ["activation": .string(description)]
    }
  }

  /// The activation a spec names (`activation`, and `slope` for a leaky ReLU).
  init(spec: LayerSpec) throws {
    let name = try spec.string("activation")
    guard let named = Activation.named(name) else {
      throw LayerSpec.SpecError("\(spec.kind) has an unknown activation \"\(name)\"")
    }
    if case .leakyRelu = named, let slope = try spec.number("slope") {
      self = .leakyRelu(slope: slope)
    } else {
      self = named
    }
  }
}
