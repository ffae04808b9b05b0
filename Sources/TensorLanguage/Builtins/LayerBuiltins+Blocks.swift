import NeuralNet
import TensorEngine

/// The layers of residual networks and autoencoders: a residual block around any layer or
/// model, and the two ways a decoder grows images back (a transposed convolution, which
/// learns, and nearest upsampling, which does not).
extension Builtins {
  static let blockLayers: [Builtin] = [residual, deconv, upsample]

  private static let residual = Builtin(
    "residual",
    [
      P("block", "layer or model"),
      P("shortcut", "layer or model", default: "identity", keywordOnly: true),
    ],
    group: "layers",
    summary: "a residual block: x + block(x), or shortcut(x) + block(x) where the block "
      + "changes the shape (shortcut: a 1×1 conv or a dense); the identity path carries the "
      + "gradient through deep stacks (ResNet), and x + f(x) is one Euler step of dx/dt = f(x)",
    example: "residual(dense(16, 16, relu) >> dense(16, 16))"
  ) { args, _ in
    let block = try args.layer("block")
    let shortcut = args.has("shortcut") ? try args.layer("shortcut") : nil
    return .layer(try Residual(block, shortcut: shortcut))
  }

  private static let deconv = Builtin(
    "deconv",
    [
      P("in", "int"), P("out", "int"), P("kernel", "int or [kh, kw]"),
      P("stride", "int", default: "1"), P("pad", "int", default: "0"),
      P("w", "tensor", default: "random", keywordOnly: true),
      P("b", "tensor", default: "zeros", keywordOnly: true),
    ],
    group: "layers",
    summary: "a transposed convolution of images [in, h, w] into [out, oh, ow], as PyTorch's "
      + "ConvTranspose2d: w is [in, out, kh, kw], b is [out]; oh = (h − 1)·stride − 2·pad + kh; "
      + "the adjoint of conv(out, in, kernel, stride, pad), so it undoes that conv's shape "
      + "(a decoder's way back up)",
    example: "deconv(8, 1, 2, stride: 2)"
  ) { args, _ in
    let inputs = try args.int("in", atLeast: 1)
    let outputs = try args.int("out", atLeast: 1)
    let kernel = try args.shape("kernel")
    guard kernel.count == 1 || kernel.count == 2, kernel.allSatisfy({ $0 >= 1 }) else {
      throw args.error(
        "kernel", "kernel must be a size like 3 or a pair [kh, kw] of sizes of at least 1")
    }
    return .layer(
      try Deconv(
        inputs, outputs, kernel: (kernel[0], kernel.last ?? kernel[0]),
        stride: args.int("stride", atLeast: 1, default: 1),
        pad: args.int("pad", atLeast: 0, default: 0), weight: args.tensor("w", default: nil),
        bias: args.tensor("b", default: nil)))
  }

  private static let upsample = Builtin(
    "upsample", [P("scale", "int")], group: "layers",
    summary: "nearest-neighbour upsampling of images by a whole factor, [c, h, w] → [c, h·scale, "
      + "w·scale], each value copied into a scale×scale block (PyTorch's "
      + "Upsample(scale_factor=scale)); no weights",
    example: "upsample(2) >> conv(8, 1, 3, pad: 1)"
  ) { args, _ in
    let scale = try args.int("scale", atLeast: 1)
    guard scale <= 4096 else {
      throw args.error("scale", "scale must be a whole number from 1 to 4096, not \(scale)")
    }
    return .layer(try Upsample(scale))
  }
}
