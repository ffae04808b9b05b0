import NeuralNet
import TensorEngine

/// Every kind of value a Gradbook program can hold.
public enum Value {
  /// What a statement without a value gives (a loop, an assignment); never printed.
  case none
  /// A float64 tensor of any rank; a number is a rank-0 tensor.
  case tensor(Tensor)
  case bool(Bool)
  case string(String)
  /// An inclusive range `low..high`.
  case range(Double, Double)
  case tuple([Value])
  case dataset(Dataset)
  /// A layer or a model (a `Sequential` of layers).
  case layer(any Layer)
  case optimizer(any Optimizer)
  case schedule(PlateauSchedule)
  /// A transform for `fit(…, augment: […])`: `flip()`, `shift(2)`.
  case augmentation(any Augmentation)
  /// A rule for `fit(…, stop: …)`: `early(patience: 10)`.
  case stopRule(EarlyStopping)
  case history(History)
  case function(Function)
  /// The result of training a perceptron by its rule.
  case perceptronResult(Perceptron.Result)
  /// Preformatted text printed as it is: `summary(model)`'s table.
  case text(String)
  /// A classifier's counts of true against predicted classes: a table, a heat map.
  case confusion(ConfusionMatrix)

  /// The kind's name as error messages use it: "a tensor", "a model".
  public var kindName: String {
    switch self {
    case .none: "nothing"
    case .tensor(let t): t.rank == 0 ? "a number" : "a tensor"
    case .bool: "a bool"
    case .string: "a string"
    case .range: "a range"
    case .tuple: "a tuple"
    case .dataset: "a data set"
    case .layer(let l): l.isModel ? "a model" : "a layer"
    case .optimizer: "an optimizer"
    case .schedule: "a schedule"
    case .augmentation: "an augmentation"
    case .stopRule: "a stop rule"
    case .history: "a history"
    case .function: "a function"
    case .perceptronResult: "a perceptron result"
    case .text: "text"
    case .confusion: "a confusion matrix"
    }
  }

  /// A number as a value.
  public static func number(_ x: Double) -> Value { .tensor(Tensor(x)) }
}

/// A function value: a built-in, or one defined with `fn`.
public final class Function: CustomStringConvertible, Sendable {
  public enum Body: Sendable {
    case builtin(Builtin)
    /// Parameters and body of an `fn`; the body's last expression is its value.
    case user(parameters: [String], body: [Stmt])
  }

  public let name: String
  public let body: Body
  /// The text an `fn` was defined in, so an error in its body can be shown in its own lines
  /// when it is called from a later REPL entry.
  public let source: String?

  public init(name: String, body: Body, source: String? = nil) {
    self.name = name
    self.body = body
    self.source = source
  }

  /// `fn sigmoid(x)` for a built-in, `fn f(a, b)` for a user function.
  public var description: String {
    switch body {
    case .builtin(let b): "fn \(b.signature)"
    case .user(let parameters, _): "fn \(name)(\(parameters.joined(separator: ", ")))"
    }
  }

  /// The activation this function names, when it is one (`relu`, `sigmoid`, …).
  public var activation: Activation? {
    guard case .builtin = body else { return nil }
    return Activation.named(name)
  }

  /// The layer this function stands for in a model: an activation's layer, or a built-in's
  /// own (`flatten`).
  public var layer: (any Layer)? {
    guard case .builtin(let b) = body else { return nil }
    return activation.map { ActivationLayer($0) } ?? b.layer?()
  }
}
