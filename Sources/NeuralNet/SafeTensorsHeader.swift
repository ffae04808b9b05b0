import Foundation

/// A small JSON reader that keeps an object's keys in order and repeated, so that a header
/// naming a tensor twice is refused rather than silently keeping one (Foundation's reader
/// keeps one). Nesting is limited, so a header of a million `[` cannot exhaust the stack.
enum JSONReader {
  indirect enum Value {
    case object([(String, Value)])
    case array([Value])
    case string(String)
    /// A whole number of 0 or more that fits an `Int`: sizes and offsets.
    case integer(Int)
    /// Any other number, true, false or null: valid JSON no header field needs.
    case other
  }

  static let maxDepth = 32

  static func parse(_ bytes: [UInt8]) throws -> Value {
    var reader = Cursor(bytes: bytes)
    let value = try reader.value(depth: 0)
    reader.skipSpace()
    guard reader.position == bytes.count else { throw reader.failure("text after the JSON value") }
    return value
  }

  private struct Cursor {
    let bytes: [UInt8]
    var position = 0

    func failure(_ what: String) -> SafeTensors.FormatError {
      SafeTensors.FormatError("its header is not valid JSON (\(what) at byte \(position))")
    }

    mutating func skipSpace() {
      while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) {
        position += 1
      }
    }

    mutating func expect(_ byte: UInt8) throws {
      skipSpace()
      guard position < bytes.count, bytes[position] == byte else {
        throw failure("expected '\(Character(UnicodeScalar(byte)))'")
      }
      position += 1
    }

    mutating func value(depth: Int) throws -> Value {
      guard depth < JSONReader.maxDepth else { throw failure("nesting too deep") }
      skipSpace()
      guard position < bytes.count else { throw failure("unexpected end") }
      switch bytes[position] {
      case UInt8(ascii: "{"):
        position += 1
        var fields: [(String, Value)] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
          position += 1
          return .object(fields)
        }
        while true {
          skipSpace()
          let key = try string()
          try expect(UInt8(ascii: ":"))
          fields.append((key, try value(depth: depth + 1)))
          skipSpace()
          guard position < bytes.count else { throw failure("unexpected end") }
          if bytes[position] == UInt8(ascii: ",") {
            position += 1
            continue
          }
          try expect(UInt8(ascii: "}"))
          return .object(fields)
        }
      case UInt8(ascii: "["):
        position += 1
        var items: [Value] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
          position += 1
          return .array(items)
        }
        while true {
          items.append(try value(depth: depth + 1))
          skipSpace()
          guard position < bytes.count else { throw failure("unexpected end") }
          if bytes[position] == UInt8(ascii: ",") {
            position += 1
            continue
          }
          try expect(UInt8(ascii: "]"))
          return .array(items)
        }
      case UInt8(ascii: "\""):
        return .string(try string())
      case UInt8(ascii: "t"): return try word("true")
      case UInt8(ascii: "f"): return try word("false")
      case UInt8(ascii: "n"): return try word("null")
      default: return try number()
      }
    }

    mutating func word(_ text: String) throws -> Value {
      let expected = Array(text.utf8)
      guard bytes.count - position >= expected.count,
        Array(bytes[position..<position + expected.count]) == expected
      else { throw failure("unexpected character") }
      position += expected.count
      return .other
    }

    mutating func number() throws -> Value {
      let start = position
      while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) {
        position += 1
      }
      let text = String(decoding: bytes[start..<position], as: UTF8.self)
      if let n = Int(text), n >= 0 { return .integer(n) }
      guard !text.isEmpty, Double(text) != nil else { throw failure("unexpected character") }
      return .other
    }

    mutating func string() throws -> String {
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw failure("expected a string")
      }
      position += 1
      var out: [UInt8] = []
      while position < bytes.count {
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""):
          guard let text = String(validating: out, as: UTF8.self) else {
            throw failure("a string that is not UTF-8")
          }
          return text
        case UInt8(ascii: "\\"):
          guard position < bytes.count else { throw failure("unexpected end") }
          let escape = bytes[position]
          position += 1
          switch escape {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
          case UInt8(ascii: "n"): out.append(0x0A)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "r"): out.append(0x0D)
          case UInt8(ascii: "b"): out.append(0x08)
          case UInt8(ascii: "f"): out.append(0x0C)
          case UInt8(ascii: "u"):
            var unit = try hex4()
            if (0xD800..<0xDC00).contains(unit), bytes.count - position >= 6,
              bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
            {
              position += 2
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw failure("a bad surrogate") }
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(unit) else { throw failure("a bad \\u escape") }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
          default: throw failure("a bad escape")
          }
        default:
          guard byte >= 0x20 else { throw failure("a control character in a string") }
          out.append(byte)
        }
      }
      throw failure("an unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
      guard bytes.count - position >= 4,
        let unit = UInt32(
          String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
      else { throw failure("a bad \\u escape") }
      position += 4
      return unit
    }
  }
}
