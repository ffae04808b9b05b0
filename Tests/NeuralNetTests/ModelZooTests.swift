import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// The lecture's table from the models themselves. The expected counts are worked out
/// independently of the layers: AlexNet's and VGG-16's are the published ones (the issue
/// quotes them), GoogLeNet's and NIN's come from this script, which walks Caffe's
/// bvlc_googlenet and nin_imagenet layer by layer with Caffe's size rules (ceil-mode pools):
///
/// ```python
/// def conv(c, h, o, k, s=1, p=0, g=1):
///     oh = (h + 2*p - k) // s + 1
///     return o, oh, o*(c//g)*k*k + o, o*oh*oh*(c//g)*k*k      # weights with biases, MACs
/// def pool(h, k, s, ceil=False, p=0):
///     if ceil:
///         o = -(-(h + 2*p - k) // s) + 1
///         return o - 1 if (o - 1)*s >= h + p else o
///     return (h + 2*p - k) // s + 1
/// # GoogLeNet: conv 7/2 64, pool, conv 1 64, conv 3 192, pool, inception modules of Table 1
/// # (1×1; 3×3 reduce → 3×3; 5×5 reduce → 5×5; pool → proj), pools after 3b and 4e,
/// # 1024 → 1000: conv 5,973,552 weights / 1,581,647,872 MACs, + FC 1,025,000 / 1,024,000.
/// # NIN: (96, 11/4), (256, 5 p2), (384, 3 p1), (1024, 3 p1 → 1000), each with two 1×1
/// # convs, ceil pools after the first three: 7,595,176 weights / 1,100,188,800 MACs.
/// ```
@Suite struct ModelZooTests {
  struct Row: Equatable, CustomStringConvertible {
    var convLayers, convWeights, convMACs, fcLayers, fcWeights, fcMACs, weights, macs: Int
    var description: String {
      "\(convLayers) \(convWeights) \(convMACs) \(fcLayers) \(fcWeights) \(fcMACs) "
        + "\(weights) \(macs)"
    }
  }

  func row(_ model: any Layer) throws -> Row {
    let input = try #require(model.declaredInput).shape
    let c = try ModelCensus(model, input: input)
    #expect(c.outputShape == [1000])
    return Row(
      convLayers: c.convolution.layers, convWeights: c.convolution.weights,
      convMACs: c.convolution.multiplyAdds, fcLayers: c.fullyConnected.layers,
      fcWeights: c.fullyConnected.weights, fcMACs: c.fullyConnected.multiplyAdds,
      weights: c.weights, macs: c.multiplyAdds)
  }

  @Test func alexNetAsTheLectureCountsIt() throws {
    // conv MACs: 96·55²·363 + 256·27²·2400 + 384·13²·2304 + 384·13²·3456 + 256·13²·3456.
    #expect(
      try row(ModelZoo.alexnet())
        == Row(
          convLayers: 5, convWeights: 3_747_200, convMACs: 1_076_634_144, fcLayers: 3,
          fcWeights: 58_631_144, fcMACs: 58_621_952, weights: 62_378_344,
          macs: 1_135_256_096))
  }

  @Test func alexNetOnTwoGPUsHasThePapersCount() throws {
    let two = try row(ModelZoo.alexnet(groups: 2))
    #expect(two.weights == 60_965_224)
    #expect(two.convWeights == 2_334_080)
    #expect(throws: TensorError.self) { try ModelZoo.alexnet(groups: 3) }
  }

  @Test func vgg16() throws {
    #expect(
      try row(ModelZoo.vgg16())
        == Row(
          convLayers: 13, convWeights: 14_714_688, convMACs: 15_346_630_656, fcLayers: 3,
          fcWeights: 123_642_856, fcMACs: 123_633_664, weights: 138_357_544,
          macs: 15_470_264_320))
  }

  @Test func googLeNetIs21ConvolutionsDeep() throws {
    #expect(
      try row(ModelZoo.googlenet())
        == Row(
          convLayers: 21, convWeights: 5_973_552, convMACs: 1_581_647_872, fcLayers: 1,
          fcWeights: 1_025_000, fcMACs: 1_024_000, weights: 6_998_552,
          macs: 1_582_671_872))
  }

  @Test func networkInNetworkHasNoFullyConnectedLayer() throws {
    #expect(
      try row(ModelZoo.nin())
        == Row(
          convLayers: 12, convWeights: 7_595_176, convMACs: 1_100_188_800, fcLayers: 0,
          fcWeights: 0, fcMACs: 0, weights: 7_595_176, macs: 1_100_188_800))
  }

  /// Building, describing, counting and taking the spec of VGG-16 draws none of its 138 M
  /// weights; asking for its parameters does, once.
  @Test func summarisingAModelAllocatesNoWeights() throws {
    let vgg = try ModelZoo.vgg16()
    _ = try ModelCensus(vgg, input: [3, 224, 224])
    _ = vgg.description
    _ = vgg.spec.json
    #expect(try vgg.outputShape(for: [3, 224, 224]) == [1000])
    #expect(try vgg.multiplyAdds(for: [3, 224, 224]) == 15_470_264_320)
    #expect(vgg.parameterCount == 138_357_544)
    #expect(!vgg.parametersMaterialized)
    #expect(vgg.layers.filter { $0.parameterCount > 0 }.allSatisfy { !$0.parametersMaterialized })
  }

  @Test func aDeferredLayerDrawsTheValuesAnImmediateDrawGives() throws {
    let deferred = try DeferredParameters(
      weightShape: [4, 3], biasCount: 4, initializer: .xavier, fanIn: 3, fanOut: 4, seed: 7)
    #expect(!deferred.isMade)
    var g = RandomGenerator(seed: 7)
    let now = try Initializer.xavier.weights(fanIn: 3, fanOut: 4, using: &g)
    #expect(deferred.tensors.weight.scalars == now.scalars)
    #expect(deferred.tensors.weight.isParameter)
    #expect(deferred.tensors.bias.scalars == [0, 0, 0, 0])
    #expect(deferred.isMade)
    // A layer copied before it runs draws the same values as the original.
    let layer = try Conv(3, 2, kernel: (3, 3))
    let copy = try #require(try layer.copy() as? Conv)
    #expect(!layer.parametersMaterialized && !copy.parametersMaterialized)
    #expect(layer.parameterCount == 2 * 27 + 2)
    try layer.materializeParameters()
    #expect(layer.parametersMaterialized && !copy.parametersMaterialized)
    #expect(copy.weight.scalars == layer.weight.scalars)
    #expect(copy.weight !== layer.weight)
  }

  @Test func theSmallModelsRunForwardOnOneImage() throws {
    for model in [try ModelZoo.alexnet(), try ModelZoo.googlenet(), try ModelZoo.nin()] {
      let shape = try #require(model.declaredInput).shape
      let x = try seededTensor([1] + shape, seed: 3, in: 0...1)
      let y = try model(x)
      #expect(y.shape == [1, 1000], "\(model.declaredInput?.name ?? "")")
      #expect(abs(y.scalars.reduce(0, +) - 1) < 1e-9)
      #expect(model.parametersMaterialized)
    }
  }

  @Test func aModelWithADeclaredInputRefusesOtherShapes() throws {
    let net = try ModelZoo.alexnet()
    #expect(throws: TensorError.self) { try net(Tensor.zeros([1, 3, 224, 224])) }
    #expect(throws: TensorError.self) { try net.outputShape(for: [3, 224, 224]) }
    #expect(throws: TensorError.self) { try Input([3, 0, 4]) }
  }

  @Test func theZoosSpecsRebuildTheSameModels() throws {
    for model in [
      try ModelZoo.alexnet(groups: 2), try ModelZoo.vgg16(), try ModelZoo.googlenet(),
      try ModelZoo.nin(classes: 10),
    ] {
      let json = model.spec.json
      let rebuilt = try LayerSpec.decode(json).build()
      #expect(rebuilt.spec.json == json)
      #expect(rebuilt.parameterCount == model.parameterCount)
      #expect(rebuilt.declaredInput == model.declaredInput)
    }
  }
}
