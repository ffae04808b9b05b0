import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

@Suite struct ResidualTests {
  /// residual(dense 3→3 tanh >> dense 3→3) from seed 1.
  func denseBlock() throws -> Residual {
    var g = RandomGenerator(seed: 1)
    return try Residual(
      Sequential([try Dense(3, 3, activation: .tanh, using: &g), try Dense(3, 3, using: &g)]))
  }

  @Test func theIdentityFormAddsTheInput() throws {
    // Worked by hand: a block of one dense layer with W = [[1, 2], [3, 4]], b = [0.5, −1]
    // and no activation. x = [1, −1]: Wx + b = [1 − 2 + 0.5, 3 − 4 − 1] = [−0.5, −2], so
    // y = x + Wx + b = [0.5, −3].
    var g = RandomGenerator(seed: 0)
    let dense = try Dense(
      2, 2, weight: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), bias: Tensor([0.5, -1]),
      using: &g)
    let r = try Residual(dense)
    let y = try r(Tensor(shape: [1, 2], scalars: [1, -1]))
    #expect(y.scalars == [0.5, -3])
    // A block of the zero map leaves x alone, however many blocks are stacked.
    let zero = try Dense(
      2, 2, weight: Tensor.zeros([2, 2]), bias: Tensor.zeros([2]), using: &g)
    var blocks: [any Layer] = []
    for _ in 0..<10 { blocks.append(try Residual(zero)) }
    let deep = Sequential(blocks)
    let x = try seededTensor([4, 2], seed: 70)
    #expect(try deep(x).scalars == x.scalars)
  }

  @Test func identityFormGradientsMatchFiniteDifferences() throws {
    let r = try denseBlock()
    try checkLayerGradients(r, input: seededTensor([4, 3], seed: 71))
  }

  @Test func shortcutFormGradientsMatchFiniteDifferences() throws {
    // An image block that halves the size and doubles the channels, with the 1×1 stride-2
    // conv shortcut of ResNet's downsampling blocks.
    var g = RandomGenerator(seed: 2)
    let block = Sequential([
      try Conv(2, 4, kernel: (3, 3), stride: 2, pad: 1, using: &g), ActivationLayer(.tanh),
      try Conv(4, 4, kernel: (3, 3), pad: 1, using: &g),
    ])
    let r = try Residual(block, shortcut: try Conv(2, 4, kernel: (1, 1), stride: 2, using: &g))
    let x = try seededTensor([2, 2, 5, 5], seed: 72)
    #expect(try r(x).shape == [2, 4, 3, 3])
    try checkLayerGradients(r, input: x)
    // And the dense form: 3 features to 5 through a dense shortcut.
    let wide = try Residual(
      Sequential([try Dense(3, 5, activation: .tanh, using: &g), try Dense(5, 5, using: &g)]),
      shortcut: try Dense(3, 5, using: &g))
    try checkLayerGradients(wide, input: seededTensor([4, 3], seed: 73))
    // The sum of the two paths, each run alone.
    let xs = try seededTensor([4, 3], seed: 74)
    let expected = try wide.block(xs) + wide.shortcut!(xs)
    #expect(try wide(xs).scalars == expected.scalars)
  }

  @Test func shapesThatDisagreeAreRefusedNamingBoth() throws {
    // A block that widens 4 to 8 with no shortcut: caught when it is made, since the dense
    // layer fixes the input, with the dense shortcut that would fix it.
    let widening = #expect(throws: TensorError.self) { try Residual(try Dense(4, 8)) }
    #expect(widening?.message.contains("the block gives [8]") == true)
    #expect(widening?.message.contains("the input is [4]") == true)
    #expect(widening?.message.contains("shortcut: dense(4, 8)") == true)
    // An image block's shape is known only for an input: summary, training and the forward
    // pass refuse it, suggesting a 1×1 conv of the right stride.
    let conv = try Residual(try Conv(1, 8, kernel: (3, 3), stride: 2, pad: 1))
    let error = #expect(throws: TensorError.self) { try conv.outputShape(for: [1, 8, 8]) }
    #expect(error?.message.contains("the block gives [8, 4, 4]") == true)
    #expect(error?.message.contains("the input is [1, 8, 8]") == true)
    #expect(error?.message.contains("conv(1, 8, 1, stride: 2)") == true)
    #expect(throws: TensorError.self) { try conv.multiplyAdds(for: [1, 8, 8]) }
    // A block that trims the edges (no padding, 8×8 to 6×6): no 1×1 shortcut can match it,
    // and the message says to pad rather than suggest one that would fail too.
    let trimming = try Residual(try Conv(1, 4, kernel: (3, 3)))
    let trimmed = #expect(throws: TensorError.self) { try trimming.outputShape(for: [1, 8, 8]) }
    #expect(trimmed?.message.contains("from 8×8 to 6×6") == true)
    #expect(trimmed?.message.contains("pad: 1 for a 3×3 kernel") == true)
    #expect(trimmed?.message.contains("shortcut: conv(") == false)
    let forward = #expect(throws: TensorError.self) { try conv(Tensor.zeros([2, 1, 8, 8])) }
    #expect(forward?.message.contains("[2, 8, 4, 4]") == true)
    // A shortcut that does not fix it either: both shapes named.
    let wrong = try Residual(
      try Conv(1, 8, kernel: (3, 3), stride: 2, pad: 1), shortcut: try Conv(1, 8, kernel: (1, 1)))
    let both = #expect(throws: TensorError.self) { try wrong.outputShape(for: [1, 8, 8]) }
    #expect(both?.message.contains("the block gives [8, 4, 4]") == true)
    #expect(both?.message.contains("the shortcut gives [8, 8, 8]") == true)
    // Shapes that would broadcast ([2, 3] + [2, 3, 1, 1] is [2, 3, 2, 3]) are refused too.
    let pooled = try Residual(GlobalAveragePool())
    #expect(throws: TensorError.self) { try pooled(Tensor.zeros([2, 3, 1, 1])) }
  }

  @Test func countsAreTheBlocksAndTheShortcuts() throws {
    var g = RandomGenerator(seed: 3)
    let r = try Residual(
      Sequential([
        try Conv(8, 16, kernel: (3, 3), stride: 2, pad: 1, using: &g), ActivationLayer(.relu),
        try Conv(16, 16, kernel: (3, 3), pad: 1, using: &g),
      ]), shortcut: try Conv(8, 16, kernel: (1, 1), stride: 2, using: &g))
    // Weights: 16·8·9 + 16, 16·16·9 + 16, 16·8 + 16.
    #expect(r.parameterCount == 1168 + 2320 + 144)
    #expect(try r.outputShape(for: [8, 10, 10]) == [16, 5, 5])
    // Multiply-adds per 5×5 output map: 16·25·72, 16·25·144, 16·25·8.
    #expect(try r.multiplyAdds(for: [8, 10, 10]) == 28_800 + 57_600 + 3_200)
    // Two convolutions deep along the block (the shortcut, one, runs beside it).
    let census = try ModelCensus(r, input: [8, 10, 10])
    #expect(census.convolution.layers == 2)
    #expect(census.convolution.weights == r.parameterCount)
  }

  @Test func namesDescriptionAndSpecInsideAModel() throws {
    var g = RandomGenerator(seed: 4)
    let net = Sequential([
      try Dense(2, 3, using: &g), try denseBlock(),
      try Residual(try Dense(3, 4, using: &g), shortcut: try Dense(3, 4, using: &g)),
      try Dense(4, 1, using: &g),
    ])
    #expect(net.layers.count == 4)
    #expect(
      net.namedParameters.map(\.name) == [
        "0.w", "0.b", "1.block.0.w", "1.block.0.b", "1.block.1.w", "1.block.1.b",
        "2.block.w", "2.block.b", "2.shortcut.w", "2.shortcut.b", "3.w", "3.b",
      ])
    #expect(net.layers[1].children.map(\.name) == ["block"])
    #expect(net.layers[2].children.map(\.name) == ["block", "shortcut"])
    #expect(net.layers[1].description == "residual(dense 3→3 tanh >> dense 3→3)")
    #expect(net.layers[2].description == "residual(dense 3→4, shortcut: dense 3→4)")
    #expect(try net.outputShape(for: [2]) == [1])
    let rebuilt = try LayerSpec.decode(net.spec.json).build()
    #expect(rebuilt.description == net.description)
    #expect(rebuilt.namedParameters.map(\.name) == net.namedParameters.map(\.name))
    #expect(throws: LayerSpec.SpecError.self) {
      try LayerSpec.decode(#"{"kind": "residual"}"#).build()
    }
    // A spec whose block and shortcut disagree is refused as a spec error.
    let bad = LayerSpec(
      kind: "residual",
      children: [
        LayerSpec(
          kind: "dense",
          config: ["inputs": .number(3), "outputs": .number(4), "activation": .string("identity")])
      ])
    #expect(throws: LayerSpec.SpecError.self) { try bad.build() }
  }

  @Test func copiesAreDeepAndKeepSharing() throws {
    var g = RandomGenerator(seed: 5)
    let shared = try Dense(3, 3, using: &g)
    let r = try Residual(Sequential([shared, ActivationLayer(.tanh), shared]))
    let copy = try r.copy()
    #expect(copy.parameters.count == 4)
    #expect(zip(copy.parameters, r.parameters).allSatisfy { $0 !== $1 && $0.scalars == $1.scalars })
    #expect(copy.parameters[0] === copy.parameters[2], "the shared layer stays shared")
    let x = try seededTensor([2, 3], seed: 75)
    #expect(try copy(x).scalars == r(x).scalars)
  }

  @Test func theTrainingContextReachesTheBlock() throws {
    let dropout = try Dropout(0.5)
    let r = try Residual(dropout)
    #expect(!r.isDeterministicInTraining)
    let x = try seededTensor([4, 6], seed: 76, in: 1...2)
    let y = try r.forward(
      x, context: ForwardContext(.training, generator: RandomGenerator(seed: 1)))
    let mask = try dropout.mask(
      for: [4, 6], context: ForwardContext(.training, generator: RandomGenerator(seed: 1)))
    #expect(y.scalars == (try x + x * mask).scalars)
    #expect(try r(x).scalars == (try x + x).scalars)
  }

  @Test func theIdentityPathsCarryTheGradientThroughADeepStack() throws {
    // Forty tanh layers on the spiral, the same weights with and without the identity
    // paths: at the first layer the plain stack's gradient has all but vanished, while the
    // residual one's has not (each block's Jacobian is I + f′, whose product does not
    // shrink to 0 as a product of f′ alone does).
    func firstLayerGradientNorm(residual: Bool) throws -> Double {
      var g = RandomGenerator(seed: 6)
      let first = try Dense(2, 16, activation: .tanh, using: &g)
      var layers: [any Layer] = [first]
      for _ in 0..<38 {
        let dense = try Dense(16, 16, activation: .tanh, using: &g)
        layers.append(residual ? try Residual(dense) : dense)
      }
      layers.append(try Dense(16, 3, using: &g))
      var data = RandomGenerator(seed: 7)
      let spiral = try Dataset.spiral(90, classes: 3, using: &data)
      let loss = try Loss.crossEntropy(Sequential(layers)(spiral.x), spiral.y)
      let gradient = try Tensor.gradients(of: loss, withRespectTo: [first.weight])[0]
      return gradient.scalars.map { $0 * $0 }.reduce(0, +).squareRoot()
    }
    let plain = try firstLayerGradientNorm(residual: false)
    let residual = try firstLayerGradientNorm(residual: true)
    #expect(residual > 10 * plain, "plain \(plain), residual \(residual)")
  }
}
