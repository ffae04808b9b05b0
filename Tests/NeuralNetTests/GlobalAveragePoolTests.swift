import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

@Suite struct GlobalAveragePoolTests {
  @Test func eachChannelBecomesTheMeanOfItsPositions() throws {
    // Two samples of 2 channels, 2×3 positions; means worked out by hand.
    let x = try Tensor(
      shape: [2, 2, 2, 3],
      scalars: [
        1, 2, 3, 4, 5, 6,  // mean 3.5
        0, 0, 0, 0, 0, 6,  // mean 1
        -1, -1, -1, -1, -1, -1,  // mean −1
        2, 4, 6, 8, 10, 12,  // mean 7
      ])
    let y = try GlobalAveragePool()(x)
    #expect(y.shape == [2, 2])
    #expect(y.scalars == [3.5, 1, -1, 7])
  }

  @Test func samplesOfAnyRankWithPositions() throws {
    let layer = GlobalAveragePool()
    #expect(try layer.outputShape(for: [192, 7, 7]) == [192])
    #expect(try layer.outputShape(for: [4, 10]) == [4])
    #expect(try layer.outputShape(for: [4, 2, 3, 5]) == [4])
    #expect(try layer(seededTensor([3, 4, 10], seed: 51)).shape == [3, 4])
    #expect(try layer(seededTensor([2, 4, 2, 3, 5], seed: 52)).shape == [2, 4])
    #expect(try layer.multiplyAdds(for: [192, 7, 7]) == 0)
    #expect(throws: TensorError.self) { try layer.outputShape(for: [10]) }
    #expect(throws: TensorError.self) { try layer.outputShape(for: [3, 0, 4]) }
    #expect(throws: TensorError.self) { try layer(seededTensor([3, 10], seed: 53)) }
    #expect(throws: TensorError.self) { try layer(Tensor(shape: [2, 3, 0], scalars: [])) }
  }

  @Test func gradientMatchesFiniteDifferences() throws {
    try checkLayerGradients(GlobalAveragePool(), input: try seededTensor([2, 3, 2, 2], seed: 54))
    try checkLayerGradients(GlobalAveragePool(), input: try seededTensor([2, 3, 5], seed: 55))
  }

  @Test func descriptionAndSpec() throws {
    let layer = GlobalAveragePool()
    #expect(layer.description == "global_avgpool")
    #expect(layer.spec.json == #"{"children":[],"config":{},"kind":"global_avgpool"}"#)
    #expect(try LayerSpec.decode(layer.spec.json).build().description == "global_avgpool")
  }
}
