import NeuralNet
import TensorEngine

/// The layers of convolutional networks: samples are images `[channels, height, width]`.
extension Builtins {
  static let convolutionLayers: [Builtin] = [
    Builtin(
      "conv",
      [
        P("in", "int"), P("out", "int"), P("kernel", "int or [kh, kw]"),
        P("stride", "int", default: "1"), P("pad", "int", default: "0"),
        P("groups", "int", default: "1", keywordOnly: true),
        P("w", "tensor", default: "random", keywordOnly: true),
        P("b", "tensor", default: "zeros", keywordOnly: true),
      ],
      group: "layers",
      summary: "a 2-d convolution of images [in, h, w] into [out, oh, ow], as PyTorch's Conv2d: "
        + "w is [out, in/groups, kh, kw], b is [out]; oh = (h + 2·pad − kh) / stride + 1",
      example: "net = conv(1, 8, 3) >> relu >> maxpool(2) >> flatten >> dense(1352, 10)"
    ) { args, _ in
      let inputs = try args.int("in", atLeast: 1)
      let outputs = try args.int("out", atLeast: 1)
      let kernel = try args.shape("kernel")
      guard kernel.count == 1 || kernel.count == 2, kernel.allSatisfy({ $0 >= 1 }) else {
        throw args.error(
          "kernel", "kernel must be a size like 3 or a pair [kh, kw] of sizes of at least 1")
      }
      let layer = try Conv(
        inputs, outputs, kernel: (kernel[0], kernel.last ?? kernel[0]),
        stride: args.int("stride", atLeast: 1, default: 1),
        pad: args.int("pad", atLeast: 0, default: 0),
        groups: args.int("groups", atLeast: 1, default: 1), weight: args.tensor("w", default: nil),
        bias: args.tensor("b", default: nil))
      return .layer(layer)
    },
    Builtin(
      "maxpool",
      [
        P("size", "int"), P("stride", "int", default: "size"),
        P("ceil", "bool", default: "false", keywordOnly: true),
        P("pad", "int", default: "0", keywordOnly: true),
      ],
      group: "layers",
      summary: "max pooling of images over size×size windows, stride apart (stride < size "
        + "overlaps, as AlexNet's maxpool(3, 2)); the gradient goes to each window's first "
        + "maximum; ceil: true keeps a last partial window, as PyTorch's ceil_mode; pad: "
        + "borders of −∞ (at most size/2), so maxpool(3, 1, pad: 1) keeps the image's size",
      example: "maxpool(3, 2)"
    ) { args, _ in
      let size = try args.int("size", atLeast: 1)
      let pad = try args.int("pad", atLeast: 0, default: 0)
      guard 2 * pad <= size else {
        throw args.error(
          "pad", "maxpool(\(size)) takes a pad of at most half its size (\(size / 2)), not \(pad)")
      }
      return .layer(
        try MaxPool(
          size, stride: args.int("stride", atLeast: 1, default: size),
          ceil: args.bool("ceil", default: false), pad: pad))
    },
    Builtin(
      "avgpool", [P("size", "int"), P("stride", "int", default: "size")], group: "layers",
      summary: "average pooling of images: the mean of each size×size window, stride apart",
      example: "avgpool(2)"
    ) { args, _ in
      let size = try args.int("size", atLeast: 1)
      return .layer(try AvgPool(size, stride: args.int("stride", atLeast: 1, default: size)))
    },
  ]
}
