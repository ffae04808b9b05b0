import Foundation

/// Renders a tensor's values as nested brackets for a person to read: numbers rounded to a
/// number of significant digits, and large tensors elided in the middle as numpy does.
public struct TensorFormatter: Sendable {
  /// Significant digits shown; 17 shows every float64 exactly.
  public var digits: Int
  /// Tensors with more elements than this are elided.
  public var threshold: Int
  /// How many entries are kept at each end of an elided axis.
  public var edgeItems: Int

  public init(digits: Int = 4, threshold: Int = 1000, edgeItems: Int = 3) {
    self.digits = max(1, min(17, digits))
    self.threshold = threshold
    self.edgeItems = max(1, edgeItems)
  }

  public func format(_ tensor: Tensor) -> String {
    if tensor.rank == 0 { return format(tensor.scalars[0]) }
    let elide = tensor.count > threshold
    let strides = Shape.strides(tensor.shape)
    var out = ""
    tensor.scalars.withUnsafeBufferPointer { buffer in
      appendAxis(0, offset: 0, shape: tensor.shape, strides: strides, buffer, elide, &out)
    }
    return out
  }

  private func appendAxis(
    _ axis: Int, offset: Int, shape: [Int], strides: [Int],
    _ buffer: UnsafeBufferPointer<Double>, _ elide: Bool, _ out: inout String
  ) {
    out += "["
    let n = shape[axis]
    let indices: [Int?] =
      elide && n > 2 * edgeItems
      ? Array(0..<edgeItems) + [nil] + Array((n - edgeItems)..<n) : Array(0..<n)
    for (k, index) in indices.enumerated() {
      if k > 0 { out += ", " }
      guard let i = index else {
        out += "…"
        continue
      }
      if axis == shape.count - 1 {
        out += format(buffer[offset + i])
      } else {
        appendAxis(
          axis + 1, offset: offset + i * strides[axis], shape: shape, strides: strides, buffer,
          elide, &out)
      }
    }
    out += "]"
  }

  /// One number: integers without a decimal point, others with `digits` significant digits.
  public func format(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    if digits >= 17 { return "\(x)" }
    let rounded = Double(String(format: "%.\(digits)g", x)) ?? x
    // Rounding can carry into a whole number (9.9996 → 10): print it as one.
    if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
    return "\(rounded)"
  }
}
