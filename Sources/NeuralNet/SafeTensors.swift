import Foundation
import TensorEngine

/// The safetensors file format (Hugging Face), which PyTorch, JAX and numpy users share
/// weights in: an 8-byte little-endian header length n, then n bytes of a JSON object mapping
/// each tensor's name to `{"dtype": "F64", "shape": [...], "data_offsets": [begin, end]}`
/// (offsets into the data that follows, which the tensors cover exactly, without holes or
/// overlaps) plus an optional `"__metadata__": {string: string}`, then the raw row-major
/// little-endian bytes.
///
/// Gradbook writes `F64` and reads `F64` and `F32` (widened). A file is untrusted input, so
/// every size in it is checked against the file before anything is allocated.
public enum SafeTensors {
  /// What is wrong with a file, or why it could not be written.
  public struct FormatError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }
  }

  /// The largest header read: the reference implementation's limit, so that a corrupt length
  /// cannot make Gradbook parse gigabytes of JSON.
  public static let maxHeaderBytes = 100_000_000

  /// The tensors and metadata of one file, in the order of their data.
  public struct Contents {
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
      self.tensors = tensors
      self.metadata = metadata
    }
  }

  // MARK: Writing

  /// The bytes of a file holding `contents` as `F64`, the header padded with spaces to a
  /// multiple of 8 bytes (as the reference writer does, so the data is aligned).
  public static func encode(_ contents: Contents) throws -> Data {
    var seen = Set<String>()
    for (name, _) in contents.tensors {
      guard name != "__metadata__" else {
        throw FormatError("a tensor may not be named __metadata__")
      }
      guard seen.insert(name).inserted else {
        throw FormatError("two tensors are named \(name)")
      }
    }
    var entries: [String] = []
    if !contents.metadata.isEmpty {
      let pairs = contents.metadata.sorted { $0.key < $1.key }
        .map { "\(quoted($0.key)):\(quoted($0.value))" }
      entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for (name, tensor) in contents.tensors {
      let end = offset + tensor.count * 8
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      entries.append(
        "\(quoted(name)):{\"dtype\":\"F64\",\"shape\":[\(shape)],"
          + "\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    var header = Array("{\(entries.joined(separator: ","))}".utf8)
    while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
    var data = Data(capacity: 8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    for (_, tensor) in contents.tensors {
      var bits = tensor.scalars.map { $0.bitPattern.littleEndian }
      bits.withUnsafeMutableBytes { data.append(contentsOf: $0) }
    }
    return data
  }

  /// Writes `contents` to `file` through a fresh temporary file beside it, flushed and then
  /// renamed over the target, so a crash leaves the old file or the new one, never half of
  /// one. A target that is a symbolic link is refused rather than written through.
  public static func write(_ contents: Contents, to file: String) throws {
    try writeAtomically(encode(contents), to: file)
  }

  /// Writes `data` to `file` as `write(_:to:)` does: through a temporary file renamed over
  /// it, never through a symbolic link.
  public static func writeAtomically(_ data: Data, to file: String) throws {
    var info = stat()
    if lstat(file, &info) == 0 {
      switch info.st_mode & S_IFMT {
      case S_IFREG: break
      case S_IFLNK:
        throw FormatError(
          "cannot write \(file): it is a symbolic link, and Gradbook never writes through one")
      default: throw FormatError("cannot write \(file): it exists and is not a plain file")
      }
    }
    let slash = file.lastIndex(of: "/")
    let folder = slash.map { String(file[...$0]) } ?? ""
    let name = slash.map { String(file[file.index(after: $0)...]) } ?? file
    let temporary = "\(folder).\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw FormatError("cannot write \(file): \(reason())") }
    var failure: String?
    data.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          failure = reason()
          return
        }
        done += n
      }
    }
    if failure == nil && fsync(fd) != 0 { failure = reason() }
    close(fd)
    if failure == nil && rename(temporary, file) != 0 { failure = reason() }
    if let failure {
      unlink(temporary)
      throw FormatError("cannot write \(file): \(failure)")
    }
  }

  // MARK: Reading

  /// Reads the file `file`; errors name it.
  public static func read(_ file: String) throws -> Contents {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: file), options: .mappedIfSafe)
    } catch {
      let missing = access(file, F_OK) != 0
      throw FormatError(
        missing ? "cannot read \(file): there is no such file" : "cannot read \(file)")
    }
    do {
      return try decode(data)
    } catch let error as FormatError {
      throw FormatError("\(file) is not a valid safetensors file: \(error.message)")
    }
  }

  /// Parses the bytes of a file, refusing anything malformed.
  public static func decode(_ data: Data) throws -> Contents {
    guard data.count >= 8 else {
      throw FormatError("it has \(data.count) bytes, fewer than the 8 of its header length")
    }
    let length = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard length <= UInt64(maxHeaderBytes) else {
      throw FormatError(
        "its header claims \(length) bytes, more than the limit of \(maxHeaderBytes)")
    }
    let headerLength = Int(length)
    guard headerLength <= data.count - 8 else {
      throw FormatError(
        "its header claims \(headerLength) bytes but only \(data.count - 8) follow")
    }
    let headerStart = data.startIndex + 8
    let header = Array(data[headerStart..<headerStart + headerLength])
    guard case .object(let fields) = try JSONReader.parse(header) else {
      throw FormatError("its header is not a JSON object")
    }
    let dataStart = headerStart + headerLength
    let byteCount = data.count - 8 - headerLength

    var metadata: [String: String] = [:]
    var entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
    var names = Set<String>()
    for (name, value) in fields {
      guard names.insert(name).inserted else {
        throw FormatError("the name \(name) appears twice in its header")
      }
      if name == "__metadata__" {
        guard case .object(let pairs) = value else {
          throw FormatError("__metadata__ must be an object of strings")
        }
        for (key, text) in pairs {
          guard case .string(let string) = text else {
            throw FormatError("__metadata__ entry \(key) is not a string")
          }
          metadata[key] = string
        }
        continue
      }
      guard case .object(let info) = value else {
        throw FormatError("the entry \(name) is not an object")
      }
      let infoFields = Dictionary(info, uniquingKeysWith: { first, _ in first })
      guard case .string(let dtype)? = infoFields["dtype"] else {
        throw FormatError("the entry \(name) has no dtype")
      }
      guard dtype == "F64" || dtype == "F32" else {
        throw FormatError(
          "the entry \(name) has dtype \(dtype); Gradbook reads only F64 and F32")
      }
      let shape = try integers(infoFields["shape"], "shape", of: name)
      let offsets = try integers(infoFields["data_offsets"], "data_offsets", of: name)
      guard offsets.count == 2 else {
        throw FormatError("the data_offsets of \(name) must be two numbers [begin, end]")
      }
      let (begin, end) = (offsets[0], offsets[1])
      guard begin <= end, end <= byteCount else {
        throw FormatError(
          "the data_offsets [\(begin), \(end)] of \(name) are outside the \(byteCount) data bytes")
      }
      let count: Int
      do { count = try Shape.count(shape) } catch {
        throw FormatError("the shape of \(name) is invalid: \(error)")
      }
      let width = dtype == "F64" ? 8 : 4
      let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
      guard !overflow, bytes == end - begin else {
        throw FormatError(
          "the entry \(name) has shape \(Shape.describe(shape)) of \(dtype), which needs "
            + "\(overflow ? "more" : String(bytes)) bytes, but its data_offsets span \(end - begin)"
        )
      }
      entries.append((name, dtype, shape, begin, end))
    }

    // The tensors must cover the data exactly: sorted by position, each begins where the
    // one before ended, and the last ends at the end of the file.
    let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var position = 0
    for entry in ordered {
      guard entry.begin == position else {
        throw FormatError(
          entry.begin < position
            ? "the data of \(entry.name) overlaps the tensor before it"
            : "there are \(entry.begin - position) unused data bytes before \(entry.name)")
      }
      position = entry.end
    }
    guard position == byteCount else {
      throw FormatError("there are \(byteCount - position) unused data bytes at the end")
    }

    var tensors: [(name: String, tensor: Tensor)] = []
    for entry in ordered {
      let start = dataStart + entry.begin
      let bytes = data[start..<dataStart + entry.end]
      let values: [Double] = bytes.withUnsafeBytes { raw in
        if entry.dtype == "F64" {
          return (0..<(raw.count / 8)).map {
            Double(
              bitPattern: UInt64(
                littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
          }
        }
        return (0..<(raw.count / 4)).map {
          Double(
            Float(
              bitPattern: UInt32(
                littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))))
        }
      }
      let tensor: Tensor
      do { tensor = try Tensor(shape: entry.shape, scalars: values) } catch {
        throw FormatError("cannot hold \(entry.name): \(error)")
      }
      tensors.append((entry.name, tensor))
    }
    return Contents(tensors: tensors, metadata: metadata)
  }

  private static func integers(_ value: JSONReader.Value?, _ field: String, of name: String)
    throws -> [Int]
  {
    guard case .array(let items)? = value else {
      throw FormatError("the entry \(name) has no \(field) list")
    }
    return try items.map {
      guard case .integer(let n) = $0 else {
        throw FormatError("the \(field) of \(name) must hold whole numbers of 0 or more")
      }
      return n
    }
  }

  private static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  private static func reason() -> String { String(cString: strerror(errno)) }
}
