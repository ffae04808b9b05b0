import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

extension LanguageTests {
  /// `conv`, `maxpool`, `avgpool` as the language offers them, and CNNs in `summary`, `save`
  /// and `load_model`.
  @Suite struct ConvBuiltinTests {
    @Test func convTakesASizeOrAPairAndDescribesWhatIsNotDefault() throws {
      let square = try #require(layer(try call("conv", [num(1), num(8), num(3)])) as? Conv)
      #expect(square.weight.shape == [8, 1, 3, 3])
      #expect(square.bias.shape == [8])
      #expect(square.description == "conv 1→8 3×3")
      let wide = try #require(
        layer(
          try call(
            "conv", [num(4), num(6), vec([3, 5])],
            ["stride": num(2), "pad": num(1), "groups": num(2)]
          )) as? Conv)
      #expect(wide.weight.shape == [6, 2, 3, 5])
      #expect(wide.description == "conv 4→6 3×5 stride 2 pad 1 groups 2")
      #expect(
        layer(try call("maxpool", [num(3), num(2)], ["ceil": .bool(true)]))?.description
          == "maxpool 3×3 stride 2 ceil")
      #expect(layer(try call("avgpool", [num(2)]))?.description == "avgpool 2×2")
    }

    @Test func badConfigurationsSayWhy() {
      #expect(
        runtimeError("conv", [num(1), num(8), vec([3, 3, 3])])?.message.contains("[kh, kw]")
          == true)
      #expect(runtimeError("conv", [num(1), num(8), num(0)]) != nil)
      #expect(runtimeError("maxpool", [num(0)])?.message.contains("at least 1") == true)
      // groups must divide the channels: a TensorError that names both.
      #expect(throws: TensorError.self) {
        try call("conv", [num(3), num(8), num(3)], ["groups": num(2)])
      }
    }

    /// PyTorch's longer argument names point to ours, which they begin with.
    @Test func pyTorchsArgumentNamesPointToOurs() {
      #expect(
        runtimeError("conv", [num(1), num(8), num(3)], ["padding": num(1)])?.message
          == "conv has no argument named padding (did you mean pad:?)")
      #expect(
        runtimeError("conv", [num(1), num(8)], ["kernel_size": num(3)])?.message
          == "conv has no argument named kernel_size (did you mean kernel:?)")
      #expect(
        runtimeError("maxpool", [num(2)], ["ceil_mode": .bool(true)])?.message
          == "maxpool has no argument named ceil_mode (did you mean ceil:?)")
      #expect(
        runtimeError("conv", [num(8), num(3)], ["in_channels": num(1)])?.message
          == "conv has no argument named in_channels (did you mean in:?)")
      // A close spelling still wins; a label that starts with nothing known gets no guess.
      #expect(
        runtimeError("conv", [num(1), num(8), num(3)], ["strid": num(1)])?.message
          == "conv has no argument named strid (did you mean stride:?)")
      #expect(
        runtimeError("conv", [num(1), num(8), num(3)], ["dilation": num(1)])?.message
          == "conv has no argument named dilation")
    }

    /// Sizes no sample could have are errors, not a multiplication past Int.max: a shape
    /// whose count overflows, and a convolution whose multiply-adds would.
    @Test func summaryOfAnUncountableShapeIsAnError() throws {
      let big = 1e12
      let models: [any Layer] = [
        Sequential([Flatten(), try Dense(4, 2)]), Sequential([try MaxPool(2), Flatten()]),
        Sequential([GlobalAveragePool(), try Dense(2, 1)]),
      ]
      for model in models {
        let message = runtimeError("summary", [.layer(model), vec([big, big, big])])?.message
        #expect(message?.contains("too many elements") == true, "\(model)")
      }
      // 1·2e9·2e9 values fit an Int; 8 outputs of 9 multiply-adds each do not.
      let conv = Sequential([try Conv(1, 8, kernel: (3, 3)), Flatten()])
      do {
        _ = try call("summary", [.layer(conv), vec([1, 2e9, 2e9])])
        Issue.record("summary counted past Int.max")
      } catch {
        #expect("\(error)".contains("too large to count"), "\(error)")
      }
    }

    @Test func summaryOfACNNNeedsAndTakesTheInputShape() throws {
      let net = Sequential([
        try Conv(1, 8, kernel: (3, 3)), ActivationLayer(.relu), try MaxPool(2), Flatten(),
        try Dense(1352, 10),
      ])
      // conv: 8·1·3·3 + 8 = 80 weights, 8·26·26 outputs of 9 multiply-adds = 48,672;
      // dense: 1352·10 + 10 = 13,530 weights, 13,520 multiply-adds; an image model's totals
      // are split into its conv and FC layers, each chain one layer deep.
      let expected = """
        layer          output shape  weights  multiply-adds
        input          [1, 28, 28]
        conv 1→8 3×3   [8, 26, 26]        80         48,672
        relu           [8, 26, 26]         0              0
        maxpool 2×2    [8, 13, 13]         0              0
        flatten        [1352]              0              0
        dense 1352→10  [10]           13,530         13,520
        total                         13,610         62,192
          conv         1 layer deep       80         48,672
          FC           1 layer deep   13,530         13,520
        """
      guard case .text(let table) = try call("summary", [.layer(net), vec([1, 28, 28])]) else {
        Issue.record("summary gave no table")
        return
      }
      #expect(table == expected)
      let images = try Dataset(
        name: "images", x: Tensor.zeros([2, 1, 28, 28]), y: Tensor([[0], [1]]), classes: 10)
      guard case .text(let same) = try call("summary", [.layer(net), .dataset(images)]) else {
        Issue.record("summary gave no table")
        return
      }
      #expect(same == expected)
      let message = runtimeError("summary", [.layer(net)])?.message ?? ""
      #expect(message.contains("summary(net, [1, 28, 28])"))
      #expect(message.contains("conv 1→8 3×3"))
    }

    @Test func aCNNSavesAndLoadsBitwise() throws {
      let file = temporaryFile("cnn.safetensors")
      defer { unlink(file) }
      let net = Sequential([
        try Conv(2, 4, kernel: (3, 2), stride: 2, pad: 1, groups: 2), ActivationLayer(.relu),
        try MaxPool(3, stride: 2, ceil: true), try AvgPool(1), Flatten(), try Dense(16, 3),
      ])
      let x = try Tensor.randn([3, 2, 9, 7])
      try call("save", [.layer(net), .string(file)])
      guard case .layer(let loaded) = try call("load_model", [.string(file)]) else {
        Issue.record("load_model gave no model")
        return
      }
      #expect(loaded.description == net.description)
      #expect(loaded.namedParameters.map(\.name) == ["0.w", "0.b", "5.w", "5.b"])
      #expect(loaded.namedParameters[0].tensor.shape == [4, 1, 3, 2])
      #expect(
        try loaded(x).scalars.map(\.bitPattern) == (try net(x)).scalars.map(\.bitPattern))
      #expect(try LayerSpec.decode(loaded.spec.json) == net.spec)
    }
  }
}
