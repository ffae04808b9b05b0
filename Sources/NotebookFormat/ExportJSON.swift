/// The little JSON a Jupyter notebook needs, written exactly as Jupyter writes it (Python's
/// `json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)` and a final newline).
///
/// Foundation's `JSONSerialization` would do, but its pretty-printing differs between
/// platforms and from Jupyter's, so a notebook exported on Linux, exported on macOS and
/// re-saved by Jupyter would give three different files. This gives one.
enum JSON: Equatable {
  case string(String)
  case integer(Int64)
  case unsigned(UInt64)
  case array([JSON])
  case object([String: JSON])

  /// An array of strings.
  static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

  /// The text of the document, with a final newline.
  var text: String {
    var out = ""
    write(to: &out, indent: 0)
    return out + "\n"
  }

  func write(to out: inout String, indent: Int) {
    switch self {
    case .string(let value): JSON.quote(value, to: &out)
    case .integer(let value): out += String(value)
    case .unsigned(let value): out += String(value)
    case .array(let values):
      guard !values.isEmpty else {
        out += "[]"
        return
      }
      out += "["
      for (i, value) in values.enumerated() {
        out += (i == 0 ? "\n" : ",\n") + String(repeating: " ", count: indent + 1)
        value.write(to: &out, indent: indent + 1)
      }
      out += "\n" + String(repeating: " ", count: indent) + "]"
    case .object(let members):
      guard !members.isEmpty else {
        out += "{}"
        return
      }
      out += "{"
      // Python sorts keys by code point; comparing the scalars does the same.
      let keys = members.keys.sorted {
        $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars)
      }
      for (i, key) in keys.enumerated() {
        out += (i == 0 ? "\n" : ",\n") + String(repeating: " ", count: indent + 1)
        JSON.quote(key, to: &out)
        out += ": "
        members[key]?.write(to: &out, indent: indent + 1)
      }
      out += "\n" + String(repeating: " ", count: indent) + "}"
    }
  }

  /// `value` as a JSON string: quotes, backslashes and control characters escaped, the rest
  /// (including non-ASCII) as it is.
  static func quote(_ value: String, to out: inout String) {
    out += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}
