import TensorEngine

/// The ImageNet models of the lecture's table, built from the library's layers as their
/// papers (and the Caffe models the table's numbers come from) describe them. Their weights
/// are drawn when a model is first run or trained (see `DeferredParameters`), so building
/// one and printing its `summary` allocates nothing.
public enum ModelZoo {
  /// Krizhevsky, Sutskever and Hinton (2012), on 227×227 images (the paper's "224" does
  /// not fit its first layer):
  ///
  /// ```
  /// conv 11×11/4 96 → relu → lrn → maxpool 3/2 → conv 5×5 256 → relu → lrn → maxpool 3/2
  /// → conv 3×3 384 → conv 3×3 384 → conv 3×3 256 (each → relu) → maxpool 3/2 → flatten
  /// → dense 4096 relu → dropout → dense 4096 relu → dropout → dense 1000 softmax
  /// ```
  /// `groups: 1` is the single tower the lecture counts (62,378,344 weights); `groups: 2`
  /// the paper's two GPUs, whose conv 2, 4 and 5 see only their own GPU's half of the
  /// channels (60,965,224).
  public static func alexnet(groups: Int = 1, classes: Int = 1000) throws -> Sequential {
    guard groups == 1 || groups == 2 else {
      throw TensorError(
        .argument,
        "alexnet has groups: 1 (one tower, as the lecture counts it) or 2 (the paper's two "
          + "GPUs), not \(groups)")
    }
    let relu = ActivationLayer(.relu)
    return Sequential([
      try Input([3, 227, 227], name: groups == 1 ? "AlexNet" : "AlexNet (2 GPUs)"),
      try Conv(3, 96, kernel: (11, 11), stride: 4), relu, try LocalResponseNorm(size: 5),
      try MaxPool(3, stride: 2),
      try Conv(96, 256, kernel: (5, 5), pad: 2, groups: groups), relu,
      try LocalResponseNorm(size: 5), try MaxPool(3, stride: 2),
      try Conv(256, 384, kernel: (3, 3), pad: 1), relu,
      try Conv(384, 384, kernel: (3, 3), pad: 1, groups: groups), relu,
      try Conv(384, 256, kernel: (3, 3), pad: 1, groups: groups), relu,
      try MaxPool(3, stride: 2), Flatten(),
      try Dense(256 * 6 * 6, 4096, activation: .relu), try Dropout(0.5),
      try Dense(4096, 4096, activation: .relu), try Dropout(0.5),
      try Dense(4096, classes, activation: .softmax),
    ])
  }

  /// Simonyan and Zisserman (2014), configuration D, on 224×224 images: thirteen 3×3
  /// convolutions (pad 1, each → relu) in five blocks of 64, 128, 256, 512, 512 channels,
  /// each block ending in maxpool 2, then dense 4096 → dense 4096 → dense 1000, with
  /// dropout after the first two.
  public static func vgg16(classes: Int = 1000) throws -> Sequential {
    var layers: [any Layer] = [try Input([3, 224, 224], name: "VGG-16")]
    var channels = 3
    for (width, count) in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)] {
      for _ in 0..<count {
        layers += [try Conv(channels, width, kernel: (3, 3), pad: 1), ActivationLayer(.relu)]
        channels = width
      }
      layers.append(try MaxPool(2))
    }
    layers += [
      Flatten(), try Dense(512 * 7 * 7, 4096, activation: .relu), try Dropout(0.5),
      try Dense(4096, 4096, activation: .relu), try Dropout(0.5),
      try Dense(4096, classes, activation: .softmax),
    ]
    return Sequential(layers)
  }

  /// Szegedy et al. (2014), as the Caffe model `bvlc_googlenet` that reproduces it, on
  /// 224×224 images, without the two auxiliary classifiers used only in training: a stem of
  /// three convolutions, nine inception modules, global average pooling, dropout 0.4 and
  /// one dense layer. Pools use ceil mode and LRN Caffe's α = 1e-4 over 5 channels (the
  /// paper's form α = 2e-5, k = 1).
  public static func googlenet(classes: Int = 1000) throws -> Sequential {
    let lrn = try LocalResponseNorm(size: 5, alpha: 1e-4 / 5, beta: 0.75, k: 1)
    var layers: [any Layer] = [
      try Input([3, 224, 224], name: "GoogLeNet"),
      try Conv(3, 64, kernel: (7, 7), stride: 2, pad: 3), ActivationLayer(.relu),
      try MaxPool(3, stride: 2, ceil: true), lrn,
      try Conv(64, 64, kernel: (1, 1)), ActivationLayer(.relu),
      try Conv(64, 192, kernel: (3, 3), pad: 1), ActivationLayer(.relu), lrn,
      try MaxPool(3, stride: 2, ceil: true),
    ]
    // (1×1, 3×3 reduce, 3×3, 5×5 reduce, 5×5, pool projection), Table 1 of the paper.
    let modules: [[Int]] = [
      [64, 96, 128, 16, 32, 32], [128, 128, 192, 32, 96, 64], [],
      [192, 96, 208, 16, 48, 64], [160, 112, 224, 24, 64, 64], [128, 128, 256, 24, 64, 64],
      [112, 144, 288, 32, 64, 64], [256, 160, 320, 32, 128, 128], [],
      [256, 160, 320, 32, 128, 128], [384, 192, 384, 48, 128, 128],
    ]
    var channels = 192
    for m in modules {
      guard !m.isEmpty else {
        layers.append(try MaxPool(3, stride: 2, ceil: true))
        continue
      }
      layers.append(try inception(channels, m))
      channels = m[0] + m[2] + m[4] + m[5]
    }
    layers += [
      GlobalAveragePool(), try Dropout(0.4),
      try Dense(channels, classes, activation: .softmax),
    ]
    return Sequential(layers)
  }

  /// GoogLeNet's inception module: four branches on the same input, joined along the
  /// channels.
  private static func inception(_ c: Int, _ m: [Int]) throws -> Branches {
    let relu = ActivationLayer(.relu)
    return try Branches([
      try Conv(c, m[0], kernel: (1, 1)) >> relu,
      Sequential([
        try Conv(c, m[1], kernel: (1, 1)), relu, try Conv(m[1], m[2], kernel: (3, 3), pad: 1),
        relu,
      ]),
      Sequential([
        try Conv(c, m[3], kernel: (1, 1)), relu, try Conv(m[3], m[4], kernel: (5, 5), pad: 2),
        relu,
      ]),
      Sequential([try MaxPool(3, stride: 1, pad: 1), try Conv(c, m[5], kernel: (1, 1)), relu]),
    ])
  }

  /// Lin, Chen and Yan (2013), as their Caffe ImageNet model, on 224×224 images: four
  /// "mlpconv" blocks (a convolution and two 1×1 convolutions, each → relu), the first three
  /// followed by maxpool 3/2 in ceil mode and the last giving one map per class, averaged
  /// by global average pooling; no fully connected layer.
  public static func nin(classes: Int = 1000) throws -> Sequential {
    func mlpconv(
      _ input: Int, _ width: Int, _ k: Int, stride: Int = 1, pad: Int = 0, last: Int? = nil
    )
      throws -> [any Layer]
    {
      let relu = ActivationLayer(.relu)
      return [
        try Conv(input, width, kernel: (k, k), stride: stride, pad: pad), relu,
        try Conv(width, width, kernel: (1, 1)), relu,
        try Conv(width, last ?? width, kernel: (1, 1)), relu,
      ]
    }
    var layers: [any Layer] = [try Input([3, 224, 224], name: "NIN")]
    layers += try mlpconv(3, 96, 11, stride: 4)
    layers.append(try MaxPool(3, stride: 2, ceil: true))
    layers += try mlpconv(96, 256, 5, pad: 2)
    layers.append(try MaxPool(3, stride: 2, ceil: true))
    layers += try mlpconv(256, 384, 3, pad: 1)
    layers += [try MaxPool(3, stride: 2, ceil: true), try Dropout(0.5)]
    layers += try mlpconv(384, 1024, 3, pad: 1, last: classes)
    layers += [GlobalAveragePool(), ActivationLayer(.softmax)]
    return Sequential(layers)
  }
}
