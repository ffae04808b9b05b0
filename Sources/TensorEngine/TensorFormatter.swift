import Foundation

/// Renders a tensor's values as nested brackets for a person to read: numbers rounded to a
/// number of significant digits, large tensors elided in the middle, and a tensor too long for
/// one line laid out over several, all as numpy does.
public struct TensorFormatter: Sendable {
  /// Significant digits shown; 17 shows every float64 exactly.
  public var digits: Int
  /// Tensors with more elements than this are elided.
  public var threshold: Int
  /// How many entries are kept at each end of an elided axis.
  public var edgeItems: Int
  /// The line width in characters: the REPL passes the terminal's, notebooks and scripts 80.
  /// A tensor whose one-line form is wider is laid out over several lines.
  public var width: Int

  public init(digits: Int = 4, threshold: Int = 1000, edgeItems: Int = 3, width: Int = 80) {
    self.digits = max(1, min(17, digits))
    self.threshold = threshold
    self.edgeItems = max(1, edgeItems)
    self.width = width
  }

  /// The tensor on one line, `[[1, 2], [3, 4]]`, when that fits the width; otherwise numpy's
  /// layout: every number right-aligned to the width of the widest, each innermost row on a
  /// line of its own (wrapped at the width), rows of the axis above separated by one more
  /// line break per axis, and brackets lined up by indenting with the nesting depth:
  ///
  ///     [[ 1, -2,  3,  4],
  ///      [ 5,  6, -7,  8],
  ///      [ 9, 10, 11, 12]]
  public func format(_ tensor: Tensor) -> String {
    if tensor.rank == 0 { return format(tensor.scalars[0]) }
    let shown = self.shown(tensor)
    var line = ""
    appendOneLine(shown, to: &line)
    // Small tensors keep their one-line form exactly: notebooks are checked against it.
    let width = max(0, self.width)
    if line.count <= width { return line }
    let column = shown.widestNumber
    return block(shown, axesLeft: tensor.rank, indent: 1, width: width, column: column)
  }

  /// The entries of `tensor` that are shown, already formatted: all of them, or, past the
  /// threshold, `edgeItems` at each end of every longer axis around an elision mark.
  private func shown(_ tensor: Tensor) -> Shown {
    // An empty tensor with long axes ([1e8, 0]) has nothing to show but many brackets:
    // count those too, stopping at the first empty axis.
    var brackets = 1
    for n in tensor.shape where brackets <= threshold {
      if n == 0 { break }
      brackets = brackets.multipliedReportingOverflow(by: n).overflow ? Int.max : brackets * n
    }
    let elide = tensor.count > threshold || brackets > threshold
    let strides = Shape.strides(tensor.shape)
    return tensor.scalars.withUnsafeBufferPointer { buffer in
      func entries(_ axis: Int, offset: Int) -> Shown {
        let n = tensor.shape[axis]
        let indices: [Int?] =
          elide && n > 2 * edgeItems
          ? Array(0..<edgeItems) + [nil] + Array((n - edgeItems)..<n) : Array(0..<n)
        return .axis(
          indices.map { index in
            guard let i = index else { return .elided }
            if axis == tensor.rank - 1 { return .number(format(buffer[offset + i])) }
            return entries(axis + 1, offset: offset + i * strides[axis])
          })
      }
      return entries(0, offset: 0)
    }
  }

  /// `[[1, 2], [3, 4]]`: entries separated by `, ` and nothing padded.
  private func appendOneLine(_ shown: Shown, to out: inout String) {
    switch shown {
    case .number(let text): out += text
    case .elided: out += "…"
    case .axis(let entries):
      out += "["
      for (k, entry) in entries.enumerated() {
        if k > 0 { out += ", " }
        appendOneLine(entry, to: &out)
      }
      out += "]"
    }
  }

  /// numpy's `_formatArray`, for one axis with `axesLeft` axes from it down. `indent` is the
  /// column the axis's entries start at (one past its opening bracket), and `width` what is
  /// left of the line once the closing brackets of the enclosing axes are reserved, so that
  /// even the last line, `…]]]`, fits.
  private func block(_ shown: Shown, axesLeft: Int, indent: Int, width: Int, column: Int)
    -> String
  {
    guard case .axis(let entries) = shown else { return padded(shown, column) }
    if entries.isEmpty { return "[]" }
    let prefix = String(repeating: " ", count: indent)
    var out = prefix
    if axesLeft == 1 {
      // Numbers fill a line, followed by `,` or the closing bracket, then wrap under the
      // first. A line holds at least one number, however long.
      let limit = width - 1
      var length = indent
      for (k, entry) in entries.enumerated() {
        let word = padded(entry, column)
        if k > 0 {
          out += ","
          length += 1
          if length + 1 + word.count > limit {
            out += "\n" + prefix
            length = indent
          } else {
            out += " "
            length += 1
          }
        }
        out += word
        length += word.count
      }
    } else {
      // Rows of rows: each starts on a line of its own, and numpy's `axesLeft - 2` blank
      // lines between blocks of rank 3 and more make them stand apart.
      let separator = "," + String(repeating: "\n", count: axesLeft - 1) + prefix
      for (k, entry) in entries.enumerated() {
        if k > 0 { out += separator }
        out += block(
          entry, axesLeft: axesLeft - 1, indent: indent + 1, width: width - 1, column: column)
      }
    }
    // The axis's first line starts where the enclosing axis put it: its indent becomes `[`.
    return "[" + out.dropFirst(indent) + "]"
  }

  /// A number right-aligned to `column` characters; the elision mark as it is.
  private func padded(_ shown: Shown, _ column: Int) -> String {
    switch shown {
    case .number(let text): String(repeating: " ", count: max(0, column - text.count)) + text
    case .elided: "…"
    case .axis: "[]"
    }
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

/// The part of a tensor that is printed: nested axes of formatted numbers, with the elided
/// middle of long axes marked.
private enum Shown {
  case number(String)
  case elided
  case axis([Shown])

  /// The width of the widest number, to which every number is padded.
  var widestNumber: Int {
    switch self {
    case .number(let text): text.count
    case .elided: 0
    case .axis(let entries): entries.reduce(0) { max($0, $1.widestNumber) }
    }
  }
}
