import NeuralNet
import TensorEngine

/// The lecture's ImageNet models, and `input`, which lets a model know its images.
extension Builtins {
  static let zoo: [Builtin] = [
    Builtin(
      "input",
      [P("shape", "shape"), P("name", "string", default: "none", keywordOnly: true)],
      group: "layers",
      summary: "declares a model's sample shape (and a name), as Keras's Input: the identity "
        + "on samples of that shape, so summary(net) needs no shape; other shapes are refused",
      example: "net = input([1, 8, 8]) >> conv(1, 8, 3) >> relu >> flatten >> dense(288, 10)"
    ) { args, _ in
      let shape = try args.shape("shape")
      guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
        throw args.error(
          "shape", "input needs a sample shape of sizes of at least 1, e.g. [3, 224, 224]")
      }
      let name = args.has("name") ? try args.string("name") : nil
      return .layer(try Input(shape, name: name))
    },
    Builtin(
      "alexnet",
      [
        P("groups", "int", default: "1", keywordOnly: true),
        P("classes", "int", default: "1000", keywordOnly: true),
      ],
      group: "layers",
      summary: "AlexNet (Krizhevsky et al. 2012) for 227×227 RGB images: 5 conv, LRN, "
        + "overlapping max pooling, dropout, 3 dense; groups: 1 is the one-tower network the "
        + "lecture counts (62,378,344 weights), groups: 2 the paper's two GPUs (60,965,224). "
        + "Weights are drawn when first run or trained",
      example: "summary(alexnet())"
    ) { args, _ in
      .layer(
        try ModelZoo.alexnet(
          groups: args.int("groups", default: 1), classes: classes(args)))
    },
    Builtin(
      "vgg16", [P("classes", "int", default: "1000", keywordOnly: true)], group: "layers",
      summary: "VGG-16 (Simonyan and Zisserman 2014) for 224×224 RGB images: 13 conv 3×3 in "
        + "five blocks, 3 dense; 138,357,544 weights, drawn when first run or trained",
      example: "summary(vgg16())"
    ) { args, _ in .layer(try ModelZoo.vgg16(classes: classes(args))) },
    Builtin(
      "googlenet", [P("classes", "int", default: "1000", keywordOnly: true)], group: "layers",
      summary: "GoogLeNet (Szegedy et al. 2014) as Caffe's bvlc_googlenet, for 224×224 RGB "
        + "images: nine inception modules (branches), global average pooling, one dense "
        + "layer; no auxiliary classifiers; weights drawn when first run or trained",
      example: "summary(googlenet())"
    ) { args, _ in .layer(try ModelZoo.googlenet(classes: classes(args))) },
    Builtin(
      "nin", [P("classes", "int", default: "1000", keywordOnly: true)], group: "layers",
      summary: "Network in Network (Lin et al. 2013) as its Caffe ImageNet model, for 224×224 "
        + "RGB images: four mlpconv blocks (conv and two 1×1 conv), global average pooling, "
        + "no dense layer; weights drawn when first run or trained",
      example: "summary([alexnet(), vgg16(), googlenet(), nin()])"
    ) { args, _ in .layer(try ModelZoo.nin(classes: classes(args))) },
  ]

  /// `classes:`, the outputs of the last layer (PyTorch's `num_classes`).
  private static func classes(_ args: Arguments) throws -> Int {
    let classes = try args.int("classes", default: 1000)
    guard (1...1_000_000).contains(classes) else {
      throw args.error("classes", "classes must be between 1 and 1000000, not \(classes)")
    }
    return classes
  }
}
