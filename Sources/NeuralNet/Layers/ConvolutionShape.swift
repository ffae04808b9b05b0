import TensorEngine

/// What a convolution layer (`conv`, `deconv`) is besides its weights: its channels,
/// kernel, stride and padding, and a convolution's groups. Both layers save it in their spec
/// under the same names, read it back with the same limits and describe themselves from it.
struct ConvolutionShape {
  let inputs: Int
  let outputs: Int
  let kernel: (Int, Int)
  let stride: Int
  let pad: Int
  /// nil for a layer that has no groups (deconv).
  let groups: Int?

  init(_ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: Int, pad: Int, groups: Int?) {
    (self.inputs, self.outputs, self.kernel) = (inputs, outputs, kernel)
    (self.stride, self.pad, self.groups) = (stride, pad, groups)
  }

  /// The shape a spec holds, within limits that keep a hostile file from asking for more
  /// than the memory cap before any weight is drawn; `groups` says whether to read them.
  init(_ spec: LayerSpec, name: String, groups hasGroups: Bool) throws {
    try spec.expectChildren(0)
    let limit = 1...65536
    inputs = try spec.integer("inputs", in: limit)
    outputs = try spec.integer("outputs", in: limit)
    kernel = (
      try spec.integer("kernel_height", in: 1...4096),
      try spec.integer("kernel_width", in: 1...4096)
    )
    stride = try spec.integer("stride", in: 1...4096)
    pad = try spec.integer("pad", in: 0...4096)
    groups = hasGroups ? try spec.integer("groups", in: limit) : nil
    let (count, overflow) = (outputs * kernel.0).multipliedReportingOverflow(
      by: inputs * kernel.1)
    try MemoryBudget.check(
      bytes: overflow ? Int.max : count &* 8, for: "\(name)(\(inputs), \(outputs), …)")
  }

  /// `{"inputs": 1, "outputs": 8, "kernel_height": 3, "kernel_width": 3, "stride": 1,
  /// "pad": 0}`, and `"groups"` when the layer has them.
  var config: [String: LayerSpec.ConfigValue] {
    var config: [String: LayerSpec.ConfigValue] = [
      "inputs": .number(Double(inputs)), "outputs": .number(Double(outputs)),
      "kernel_height": .number(Double(kernel.0)), "kernel_width": .number(Double(kernel.1)),
      "stride": .number(Double(stride)), "pad": .number(Double(pad)),
    ]
    if let groups { config["groups"] = .number(Double(groups)) }
    return config
  }

  /// `conv 1→8 3×3`, then `stride 2`, `pad 1`, `groups 2` where they are not the defaults.
  func describe(_ name: String) -> String {
    var text = "\(name) \(inputs)→\(outputs) \(kernel.0)×\(kernel.1)"
    if stride != 1 { text += " stride \(stride)" }
    if pad != 0 { text += " pad \(pad)" }
    if let groups, groups != 1 { text += " groups \(groups)" }
    return text
  }
}
