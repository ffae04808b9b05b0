import CZlib
import Foundation
import TensorEngine

/// gzip streams (RFC 1952), inflated by zlib: the compressed data files Gradbook reads
/// (`digits.csv.gz`, MNIST's `*-ubyte.gz`).
enum Gzip {
  /// What went wrong inflating a stream, said for the file it came from.
  struct Failure: Error {
    let message: String
  }

  /// Whether `data` starts with gzip's magic bytes 1f 8b.
  static func isCompressed(_ data: Data) -> Bool {
    data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
  }

  /// The bytes `data` inflates to, members after the first included (as `gzip -d` reads
  /// concatenated files). zlib checks each member's CRC-32 and length; a stream that ends
  /// early, fails its check or would inflate past `limit` bytes throws, before more is held.
  static func decompress(_ data: Data, limit: Int) throws -> Data {
    guard data.count < Int(UInt32.max) else {
      throw Failure(message: "is a gzip file over 4 GiB, more than Gradbook reads")
    }
    var stream = z_stream()
    // 15 + 16: the largest window, with gzip's header and trailer (not zlib's).
    var status = inflateInit2_(
      &stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw Failure(message: "cannot be inflated (zlib: \(status))") }
    defer { inflateEnd(&stream) }
    let chunk = 1 << 16
    var buffer = [UInt8](repeating: 0, count: chunk)
    var output = Data()
    try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
      guard let base = input.bindMemory(to: Bytef.self).baseAddress else { return }
      stream.next_in = UnsafeMutablePointer(mutating: base)
      stream.avail_in = UInt32(input.count)
      while true {
        buffer.withUnsafeMutableBufferPointer { out in
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(chunk)
          status = inflate(&stream, Z_NO_FLUSH)
        }
        let produced = chunk - Int(stream.avail_out)
        guard output.count <= limit - produced else {
          throw Failure(
            message: "inflates to more than \(Tensor.formatBytes(limit)), more than the memory "
              + "cap lets Gradbook hold as a tensor")
        }
        output.append(buffer, count: produced)
        switch status {
        case Z_OK:
          continue
        case Z_STREAM_END:
          // Another member may follow; anything else after the stream is not gzip.
          guard stream.avail_in > 0 else { return }
          guard stream.avail_in >= 2, stream.next_in[0] == 0x1f, stream.next_in[1] == 0x8b else {
            throw Failure(message: "has \(stream.avail_in) bytes after its gzip stream")
          }
          inflateReset(&stream)
        case Z_BUF_ERROR where stream.avail_in == 0:
          throw Failure(message: "is a gzip stream that ends early (the file is truncated)")
        default:
          let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
          throw Failure(message: "is not a valid gzip stream (\(reason))")
        }
      }
    }
    return output
  }
}
