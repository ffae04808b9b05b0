import TensorEngine

/// What a model table counts of a model, as the lecture's table of AlexNet, VGG-16,
/// GoogLeNet and NIN does: for its convolutions and for its fully connected layers, the
/// number of layers, the weights (biases included) and the multiply-adds per sample, and
/// the totals. Pooling, normalisation and activations count no layer and no computation.
///
/// "Layers" is the depth: the longest chain of such layers an input goes through. A model's
/// children follow each other, so their depths add; any other layer's children (the
/// branches of an inception module) each take its input, so its depth is its deepest
/// child's (GoogLeNet: 21 convolutions deep, though it has 57).
public struct ModelCensus: Equatable, Sendable {
  /// One row group of the table: convolutions or fully connected layers.
  public struct Part: Equatable, Sendable {
    public var layers = 0
    public var weights = 0
    public var multiplyAdds = 0
  }

  public var convolution = Part()
  public var fullyConnected = Part()
  /// Every parameter of the model, in any kind of layer.
  public var weights = 0
  /// Every multiply-add the layers report.
  public var multiplyAdds = 0
  /// The per-sample output shape for the input counted.
  public var outputShape: [Int]

  /// The census of `layer` on samples of `input`; throws where a layer does not take the
  /// shape that reaches it. Nothing is allocated: weights are counted from shapes.
  public init(_ layer: any Layer, input: [Int]) throws {
    let children = layer.children
    guard !children.isEmpty else {
      outputShape = try layer.outputShape(for: input)
      weights = layer.parameterCount
      multiplyAdds = try layer.multiplyAdds(for: input)
      let part = Part(layers: 1, weights: weights, multiplyAdds: multiplyAdds)
      switch layer.tableCategory {
      case .convolution: convolution = part
      case .fullyConnected: fullyConnected = part
      case .none: break
      }
      return
    }
    outputShape = input
    for (_, child) in children {
      let inner = try ModelCensus(child, input: layer.isModel ? outputShape : input)
      if layer.isModel {
        convolution.layers += inner.convolution.layers
        fullyConnected.layers += inner.fullyConnected.layers
        outputShape = inner.outputShape
      } else {
        convolution.layers = Swift.max(convolution.layers, inner.convolution.layers)
        fullyConnected.layers = Swift.max(fullyConnected.layers, inner.fullyConnected.layers)
      }
      // Saturating: a table of absurd shapes says Int.max rather than crash.
      func add(_ a: inout Int, _ b: Int) {
        let (sum, overflow) = a.addingReportingOverflow(b)
        a = overflow ? Int.max : sum
      }
      add(&convolution.weights, inner.convolution.weights)
      add(&convolution.multiplyAdds, inner.convolution.multiplyAdds)
      add(&fullyConnected.weights, inner.fullyConnected.weights)
      add(&fullyConnected.multiplyAdds, inner.fullyConnected.multiplyAdds)
      add(&weights, inner.weights)
      add(&multiplyAdds, inner.multiplyAdds)
    }
    if !layer.isModel { outputShape = try layer.outputShape(for: input) }
  }
}
