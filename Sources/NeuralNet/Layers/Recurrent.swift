import Foundation
import TensorEngine

/// A recurrent layer over sequences, with the equations, gate order and parameter names of
/// PyTorch's one-layer `nn.RNN`, `nn.GRU` and `nn.LSTM` (`batch_first=True`):
///
/// ```
/// rnn:   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)
/// gru:   r = σ(W_ir x_t + b_ir + W_hr h + b_hr)      z = σ(W_iz x_t + b_iz + W_hz h + b_hz)
///        n = tanh(W_in x_t + b_in + r ⊙ (W_hn h + b_hn))      h_t = (1 − z) ⊙ n + z ⊙ h
/// lstm:  i, f, g, o = σ, σ, tanh, σ of (W_ih x_t + b_ih + W_hh h + b_hh), split in four
///        c_t = f ⊙ c_{t−1} + i ⊙ g      h_t = o ⊙ tanh(c_t)
/// ```
/// A sample is a sequence `[time, features]`, a batch `[n, time, features]`; h and c start
/// at zero. The output is the last hidden state `[hidden]`, or with `sequences` every
/// step's `[time, hidden]`. The gates' weights are stacked in PyTorch's order (r, z, n;
/// i, f, g, o) in `weight_ih_l0 [gates·hidden, in]`, `weight_hh_l0 [gates·hidden, hidden]`,
/// `bias_ih_l0` and `bias_hh_l0 [gates·hidden]`, so a weight file of one loads in the other.
/// Training backpropagates through time on the graph.
public final class Recurrent: Layer {
  /// The kind of cell, which fixes how many gates are stacked.
  public enum Cell: String, Sendable, CaseIterable {
    case rnn, gru, lstm

    /// The blocks of `hidden` rows stacked in each weight: 1, 3 (r, z, n), 4 (i, f, g, o).
    public var gates: Int {
      switch self {
      case .rnn: 1
      case .gru: 3
      case .lstm: 4
      }
    }
  }

  public let cell: Cell
  public let inputs: Int
  public let hidden: Int
  /// Whether the output is every step's hidden state rather than the last.
  public let returnsSequences: Bool
  public let weightIH: Tensor
  public let weightHH: Tensor
  public let biasIH: Tensor
  public let biasHH: Tensor

  /// A layer with the given parameters, or (for those not given) PyTorch's initialisation:
  /// every weight and bias drawn from U(−1/√hidden, 1/√hidden), from `generator`.
  public init(
    _ cell: Cell, _ inputs: Int, _ hidden: Int, sequences: Bool = false,
    parameters given: [String: Tensor] = [:], using generator: inout RandomGenerator
  ) throws {
    guard inputs >= 1, hidden >= 1 else {
      throw TensorError(
        .argument,
        "\(cell.rawValue) needs at least 1 input feature and 1 hidden unit, not \(inputs) and "
          + "\(hidden)")
    }
    let rows = cell.gates * hidden
    let (count, overflow) = rows.multipliedReportingOverflow(by: inputs + hidden + 2)
    try MemoryBudget.check(
      bytes: overflow || count > Int.max / 8 ? Int.max : count * 8,
      for: "\(cell.rawValue)(\(inputs), \(hidden))")
    self.cell = cell
    self.inputs = inputs
    self.hidden = hidden
    returnsSequences = sequences
    let bound = 1 / Double(hidden).squareRoot()
    func make(_ name: String, _ shape: [Int]) throws -> Tensor {
      if let t = given[name] {
        guard t.shape == shape else {
          throw TensorError(
            .shape,
            "\(cell.rawValue)(\(inputs), \(hidden)) needs \(name) of shape "
              + "\(Shape.describe(shape)), not \(Shape.describe(t.shape))")
        }
        return Tensor.parameter(t)
      }
      let n = shape.reduce(1, *)
      let values = try Tensor.generate(n) { generator.uniform(-bound, bound) }
      return Tensor.parameter(try Tensor(shape: shape, scalars: values))
    }
    // PyTorch's order of drawing, so that the same stream would give the same layout.
    weightIH = try make("weight_ih_l0", [rows, inputs])
    weightHH = try make("weight_hh_l0", [rows, hidden])
    biasIH = try make("bias_ih_l0", [rows])
    biasHH = try make("bias_hh_l0", [rows])
  }

  /// As above, drawing from a seed taken from the session's stream.
  public convenience init(_ cell: Cell, _ inputs: Int, _ hidden: Int, sequences: Bool = false)
    throws
  {
    var generator = RandomGenerator(seed: RandomGenerator.withShared { $0.next() })
    try self.init(cell, inputs, hidden, sequences: sequences, using: &generator)
  }

  public var parameters: [Tensor] { [weightIH, weightHH, biasIH, biasHH] }

  /// PyTorch's names, so that `save` writes and `load` reads a `state_dict`'s keys.
  public var namedParameters: [(name: String, tensor: Tensor)] {
    [
      ("weight_ih_l0", weightIH), ("weight_hh_l0", weightHH), ("bias_ih_l0", biasIH),
      ("bias_hh_l0", biasHH),
    ]
  }

  public var inputWidth: Int? { nil }
  public var changesShape: Bool { true }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let single = x.rank == 2
    guard x.rank == 2 || x.rank == 3, x.shape[x.rank - 1] == inputs, x.shape[x.rank - 2] >= 1
    else {
      throw TensorError(
        .shape,
        "\(description) takes sequences [time, \(inputs)] or a batch [n, time, \(inputs)], "
          + "not \(Shape.describe(x.shape))"
          + (x.rank < 2 || x.rank > 3
            ? ""
            : x.shape[x.rank - 1] != inputs
              ? ": each step must have \(inputs) features"
              : ": a sequence needs at least one step"))
    }
    let batch = single ? try x.reshaped([1] + x.shape) : x
    let out = try run(batch)
    return single ? try out.reshaped(Array(out.shape.dropFirst())) : out
  }

  /// The recurrence over a batch `[n, time, inputs]`.
  private func run(_ x: Tensor) throws -> Tensor {
    let n = x.shape[0]
    let steps = x.shape[1]
    let h = hidden
    // Step t's input is sliced before its product: slicing a tensor that needs no gradient
    // (the data) records nothing, where the slices of one product of all steps would each
    // scatter a gradient as large as all steps back through it.
    func block(_ t: Tensor, _ k: Int, _ count: Int = 1) throws -> Tensor {
      try t[[.all, .range(start: k * h, end: (k + count) * h, step: nil)]]
    }
    var state = try Tensor.zeros([n, h])
    var memory = try Tensor.zeros([n, h])
    var outputs: [Tensor] = []
    outputs.reserveCapacity(returnsSequences ? steps : 1)
    for t in 0..<steps {
      try Cancellation.check()
      let xt = try Tensor.linear(x[[.all, .at(t), .all]], weight: weightIH, bias: biasIH)
      let ht = try Tensor.linear(state, weight: weightHH, bias: biasHH)
      switch cell {
      case .rnn:
        state = try (xt + ht).tanh()
      case .gru:
        let rz = try (block(xt, 0, 2) + block(ht, 0, 2)).sigmoid()
        let r = try block(rz, 0)
        let z = try block(rz, 1)
        let candidate = try (block(xt, 2) + r * block(ht, 2)).tanh()
        state = try candidate + z * (state - candidate)
      case .lstm:
        let g = try xt + ht
        let i = try block(g, 0).sigmoid()
        let f = try block(g, 1).sigmoid()
        let c = try block(g, 2).tanh()
        let o = try block(g, 3).sigmoid()
        memory = try f * memory + i * c
        state = try o * memory.tanh()
      }
      if returnsSequences { outputs.append(state) }
    }
    return returnsSequences ? try Tensor.stack(outputs, axis: 1) : state
  }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 2, inputShape[1] == inputs, inputShape[0] >= 1 else {
      throw TensorError(
        .shape,
        "\(description) expects sequences [time, \(inputs)] per sample, not "
          + "\(Shape.describe(inputShape))"
          + (inputShape.count == 1
            ? " (a sequence of \(inputShape[0]) single values is [\(inputShape[0]), 1])" : ""))
    }
    return returnsSequences ? [inputShape[0], hidden] : [hidden]
  }

  /// The products of both weight matrices at every step: time · gates·hidden · (in + hidden).
  public func multiplyAdds(for inputShape: [Int]) throws -> Int {
    let perStep = cell.gates * hidden * (inputs + hidden)
    let steps = inputShape.first ?? 1
    let (total, overflow) = perStep.multipliedReportingOverflow(by: steps)
    return overflow ? Int.max : total
  }

  /// Neither a convolution nor a fully connected layer in the lecture's model table; the
  /// totals count it.
  public var tableCategory: TableCategory { .none }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    var unused = RandomGenerator(seed: 0)
    let given = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.tensor) })
    let copy = try Recurrent(
      cell, inputs, hidden, sequences: returnsSequences, parameters: given, using: &unused)
    for (mine, theirs) in zip(parameters, copy.parameters) { theirs.isFrozen = mine.isFrozen }
    copies[ObjectIdentifier(self)] = copy
    return copy
  }

  /// `lstm 27→64`, and `, sequences` when every step is returned.
  public var description: String {
    "\(cell.rawValue) \(inputs)→\(hidden)" + (returnsSequences ? " sequences" : "")
  }

  /// `{"kind": "lstm", "config": {"inputs": 27, "hidden": 64, "sequences": false}}`.
  public var spec: LayerSpec {
    LayerSpec(
      kind: cell.rawValue,
      config: [
        "inputs": .number(Double(inputs)), "hidden": .number(Double(hidden)),
        "sequences": .bool(returnsSequences),
      ])
  }

  /// A layer of the spec's kind and shape with fresh parameters.
  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    try spec.expectChildren(0)
    guard let cell = Cell(rawValue: spec.kind) else {
      throw LayerSpec.SpecError("\(spec.kind) is not a recurrent layer kind")
    }
    let inputs = try spec.integer("inputs", in: 1...Int(Int32.max))
    let hidden = try spec.integer("hidden", in: 1...Int(Int32.max))
    var sequences = false
    if case .bool(let b)? = spec.config["sequences"] { sequences = b }
    return try Recurrent(cell, inputs, hidden, sequences: sequences)
  }
}
