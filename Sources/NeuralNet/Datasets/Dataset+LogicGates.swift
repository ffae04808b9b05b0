import TensorEngine

/// A two-input logic gate, the classic first problems for a perceptron: AND, OR and NAND are
/// linearly separable, XOR is not (Minsky and Papert), which is why it needs a hidden layer.
public enum LogicGate: String, CaseIterable, Sendable {
  case xor
  case and
  case or
  case nand

  /// The gate's output for the inputs `a` and `b`.
  public func callAsFunction(_ a: Bool, _ b: Bool) -> Bool {
    switch self {
    case .xor: a != b
    case .and: a && b
    case .or: a || b
    case .nand: !(a && b)
    }
  }
}

extension Dataset {
  /// The truth table of `kind`: x = [[0,0], [0,1], [1,0], [1,1]] and y [4, 1] the gate's
  /// output for each row, as 2 classes; the data set is named after the gate.
  public static func gate(_ kind: LogicGate) -> Dataset {
    let inputs: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]
    let x = inputs.flatMap { [$0.0 ? 1.0 : 0.0, $0.1 ? 1.0 : 0.0] }
    let y = inputs.map { kind($0.0, $0.1) ? 1.0 : 0.0 }
    // The table is fixed, 4×2 and 4×1 with labels 0 and 1, so Dataset's checks cannot fail;
    // a throwing signature would only burden every caller.
    return try! Dataset(
      name: kind.rawValue, x: Tensor(shape: [4, 2], scalars: x),
      y: Tensor(shape: [4, 1], scalars: y), classes: 2)
  }

  /// XOR: y = [0, 1, 1, 0].
  public static func xor() -> Dataset { gate(.xor) }
  /// AND: y = [0, 0, 0, 1].
  public static func and() -> Dataset { gate(.and) }
  /// OR: y = [0, 1, 1, 1].
  public static func or() -> Dataset { gate(.or) }
  /// NAND: y = [1, 1, 1, 0].
  public static func nand() -> Dataset { gate(.nand) }
}
