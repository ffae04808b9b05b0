import Crypto
import Foundation

extension Figure {
  /// SHA-256 of a figure's data, in hex: what `data-sha256=` holds.
  public static func hash(of data: String) -> String {
    SHA256.hash(data: Data(data.utf8)).map { String(format: "%02x", $0) }.joined()
  }

  /// `xor` for `path/to/xor.nb.md`.
  public static func notebookName(of file: String) -> String {
    let name = URL(fileURLWithPath: file).lastPathComponent
    return name.hasSuffix(".nb.md") ? String(name.dropLast(6)) : name
  }
}
