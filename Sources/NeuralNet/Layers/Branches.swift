import TensorEngine

/// Parallel branches applied to the same input, their outputs joined along the channels (the
/// first axis of a sample), as in GoogLeNet's inception module:
///
/// ```
/// y = concat(b₀(x), b₁(x), …, axis: channels)
/// ∂L/∂x = Σ_i b_i′(x)ᵀ g_i,   g_i the channels of g that branch i gave
/// ```
/// Each branch is a layer or a model (`conv(…) >> relu`); their outputs must agree in every
/// axis but the channels. The branches are the children "0", "1", …, so inside a model
/// the parameters of branch 1's first layer are named `k.1.0.w`.
public final class Branches: Layer {
  public let branches: [any Layer]

  public init(_ branches: [any Layer]) throws {
    guard !branches.isEmpty else {
      throw TensorError(.argument, "branches needs at least one branch, e.g. branches(a, b)")
    }
    self.branches = branches
  }

  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try join(branches.map { try $0(x) })
  }

  public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
    try join(branches.map { try $0.forward(x, context: context) })
  }

  /// The branches' outputs `[n, c_i, …]` joined along axis 1, after checking that they
  /// agree elsewhere.
  private func join(_ outputs: [Tensor]) throws -> Tensor {
    _ = try Self.joinedShape(
      outputs.map { Array($0.shape.dropFirst()) }, batch: outputs.map { $0.shape.first })
    return try Tensor.concat(outputs, axis: 1)
  }

  /// The shape of the joined sample, or an error naming the branch that disagrees with the
  /// first; `batch` holds each output's first axis when the shapes are of batches.
  private static func joinedShape(_ shapes: [[Int]], batch: [Int?] = []) throws -> [Int] {
    let first = shapes[0]
    guard !first.isEmpty, batch.allSatisfy({ $0 != nil }) else {
      throw TensorError(
        .shape,
        "branches join their outputs along the channels, but branch 0 gives a sample "
          + "\(Shape.describe(first)) without channels")
    }
    for (i, shape) in shapes.enumerated().dropFirst() {
      guard shape.count == first.count, shape.dropFirst() == first.dropFirst(),
        batch.isEmpty || batch[i] == batch[0]
      else {
        throw TensorError(
          .shape,
          "branch \(i) gives samples of \(Shape.describe(shape)) but branch 0 gives "
            + "\(Shape.describe(first)): branches must agree in every axis but the channels "
            + "(the first)")
      }
    }
    var joined = first
    joined[0] = shapes.reduce(0) { $0 + $1[0] }
    return joined
  }

  /// The branches named by position, "0", "1", …, which prefix their parameters' names.
  /// Each is given the input of this layer (not the one before it).
  public var children: [(name: String, layer: any Layer)] {
    branches.enumerated().map { (name: String($0), layer: $1) }
  }

  public var parameters: [Tensor] { branches.flatMap(\.parameters) }

  public func outputShape(for inputShape: [Int]) throws -> [Int] {
    try Self.joinedShape(branches.map { try $0.outputShape(for: inputShape) })
  }

  public func multiplyAdds(for inputShape: [Int]) throws -> Int {
    try branches.reduce(0) { $0 + (try $1.multiplyAdds(for: inputShape)) }
  }

  public func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    var branches: [any Layer] = []
    for branch in self.branches { branches.append(try branch.copy(sharing: &copies)) }
    let copy = try Branches(branches)
    copies[ObjectIdentifier(self)] = copy
    return copy
  }

  /// `branches(dense 4→3, dense 4→2 >> relu)`: a branch that is a model shows its layers.
  public var description: String {
    let shown = branches.map { branch in
      branch.isModel
        ? branch.layers.map(\.description).joined(separator: " >> ") : branch.description
    }
    return "branches(" + shown.joined(separator: ", ") + ")"
  }

  public static let specKind = "branches"

  public var spec: LayerSpec { LayerSpec(kind: Self.specKind, children: branches.map(\.spec)) }

  @Sendable public static func build(_ spec: LayerSpec) throws -> any Layer {
    guard !spec.children.isEmpty else {
      throw LayerSpec.SpecError("branches has no children: it needs at least one branch")
    }
    return try Branches(spec.children.map { try $0.build() })
  }
}
