import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// A test-only layer for image samples `[c, h, w]`: each channel times its own weight,
/// `y_{c,i,j} = s_c · x_{c,i,j}`.
final class ChannelScale: Layer {
  let scale: Tensor

  init(_ channels: Int, seed: UInt64) throws {
    scale = Tensor.parameter(try seededTensor([channels, 1, 1], seed: seed, in: 0.5...2))
  }

  func callAsFunction(_ x: Tensor) throws -> Tensor { try x * scale }
  var parameters: [Tensor] { [scale] }
  var namedParameters: [(name: String, tensor: Tensor)] { [("s", scale)] }
  func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
  func multiplyAdds(for inputShape: [Int]) throws -> Int { inputShape.reduce(1, *) }
  func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer {
    if let done = copies[ObjectIdentifier(self)] { return done }
    let copy = try ChannelScale(scale.shape[0], seed: 0)
    try copy.scale.assign(scale)
    copies[ObjectIdentifier(self)] = copy
    return copy
  }
  var description: String { "scale(\(scale.shape[0]))" }
}

@Suite struct BranchesTests {
  /// branches(dense 4→3, dense 4→2 >> relu) from seed 1.
  func denseBranches() throws -> Branches {
    var g = RandomGenerator(seed: 1)
    return try Branches([
      try Dense(4, 3, using: &g),
      try Dense(4, 2, using: &g) >> ActivationLayer(.relu),
    ])
  }

  @Test func denseBranchesJoinAlongTheOnlyAxis() throws {
    let b = try denseBranches()
    let x = try seededTensor([5, 4], seed: 61)
    let y = try b(x)
    #expect(y.shape == [5, 5])
    let first = try b.branches[0](x)
    let second = try b.branches[1](x)
    for r in 0..<5 {
      #expect(
        Array(y.scalars[(r * 5)..<(r * 5 + 3)]) == Array(first.scalars[(r * 3)..<(r * 3 + 3)]))
      #expect(
        Array(y.scalars[(r * 5 + 3)..<(r * 5 + 5)])
          == Array(second.scalars[(r * 2)..<(r * 2 + 2)]))
    }
    #expect(try b.outputShape(for: [4]) == [5])
    #expect(try b.multiplyAdds(for: [4]) == 12 + 8)
    #expect(b.parameterCount == 15 + 10)
    try checkLayerGradients(b, input: x)
  }

  @Test func imageBranchesJoinAlongChannels() throws {
    let b = try Branches([
      try ChannelScale(3, seed: 62),
      try LocalResponseNorm(size: 3, alpha: 0.5, beta: 0.75, k: 1) >> ChannelScale(3, seed: 63),
    ])
    let x = try seededTensor([2, 3, 4, 4], seed: 64, in: -2...2)
    let y = try b(x)
    #expect(y.shape == [2, 6, 4, 4])
    #expect(try b.outputShape(for: [3, 4, 4]) == [6, 4, 4])
    // Sample s's channels: the 3 of branch 0, then the 3 of branch 1.
    let a0 = try b.branches[0](x).scalars
    let a1 = try b.branches[1](x).scalars
    let block = 3 * 16
    var expected: [Double] = []
    for s in 0..<2 {
      let part = (s * block)..<((s + 1) * block)
      expected += a0[part]
      expected += a1[part]
    }
    #expect(y.scalars == expected)
    try checkLayerGradients(b, input: x)
  }

  @Test func outputsThatDisagreeOutsideTheChannelsNameTheBranch() throws {
    let b = try Branches([try ChannelScale(3, seed: 65), GlobalAveragePool(), Flatten()])
    let error = #expect(throws: TensorError.self) { try b.outputShape(for: [3, 4, 4]) }
    #expect(
      error?.message.contains("branch 1 gives samples of [3]") == true,
      "\(String(describing: error))")
    #expect(error?.message.contains("every axis but the channels") == true)
    let forward = #expect(throws: TensorError.self) { try b(seededTensor([2, 3, 4, 4], seed: 66)) }
    #expect(forward?.message.contains("branch 1") == true)
    #expect(throws: TensorError.self) { try Branches([]) }
  }

  @Test func namesDescriptionAndSpecInsideAModel() throws {
    var g = RandomGenerator(seed: 2)
    let net = Sequential([
      try Dense(3, 4, using: &g), try denseBranches(), try Dense(5, 1, using: &g),
    ])
    #expect(net.layers.count == 3)
    #expect(
      net.namedParameters.map(\.name) == [
        "0.w", "0.b", "1.0.w", "1.0.b", "1.1.0.w", "1.1.0.b", "2.w", "2.b",
      ])
    #expect(net.layers[1].children.map(\.name) == ["0", "1"])
    #expect(net.layers[1].description == "branches(dense 4→3, dense 4→2 >> relu)")
    #expect(
      net.description
        == "model · dense 3→4 >> branches(dense 4→3, dense 4→2 >> relu) >> dense 5→1 · 47 parameters"
    )
    #expect(try net.outputShape(for: [3]) == [1])
    let rebuilt = try LayerSpec.decode(net.spec.json).build()
    #expect(rebuilt.description == net.description)
    #expect(rebuilt.namedParameters.map(\.name) == net.namedParameters.map(\.name))
    #expect(throws: LayerSpec.SpecError.self) {
      try LayerSpec.decode(#"{"kind": "branches"}"#).build()
    }
  }

  @Test func copiesAreDeepAndKeepSharing() throws {
    var g = RandomGenerator(seed: 3)
    let shared = try Dense(4, 2, using: &g)
    let b = try Branches([shared, shared >> ActivationLayer(.tanh)])
    let copy = try b.copy()
    #expect(copy.parameters.count == 4)
    #expect(zip(copy.parameters, b.parameters).allSatisfy { $0 !== $1 && $0.scalars == $1.scalars })
    #expect(copy.parameters[0] === copy.parameters[2], "the shared layer stays shared")
    let x = try seededTensor([2, 4], seed: 67)
    #expect(try copy(x).scalars == b(x).scalars)
  }

  @Test func theTrainingContextReachesEveryBranch() throws {
    let dropout = try Dropout(0.5)
    let b = try Branches([ActivationLayer(.identity), dropout])
    #expect(!b.isDeterministicInTraining)
    let x = try seededTensor([4, 6], seed: 68, in: 1...2)
    let training = ForwardContext(.training, generator: RandomGenerator(seed: 1))
    let y = try b.forward(x, context: training)
    let mask = try dropout.mask(
      for: [4, 6], context: ForwardContext(.training, generator: RandomGenerator(seed: 1)))
    let dropped = try x * mask
    for r in 0..<4 {
      #expect(Array(y.scalars[(r * 12)..<(r * 12 + 6)]) == Array(x.scalars[(r * 6)..<(r * 6 + 6)]))
      #expect(
        Array(y.scalars[(r * 12 + 6)..<(r * 12 + 12)])
          == Array(dropped.scalars[(r * 6)..<(r * 6 + 6)]))
    }
    #expect(try b(x).scalars == b.forward(x, context: .evaluation).scalars)
    #expect(try b(x).scalars == Tensor.concat([x, x], axis: 1).scalars)
  }
}
