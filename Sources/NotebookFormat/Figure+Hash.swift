import Digests
import Foundation

extension Figure {
  /// SHA-256 of a figure's data, in hex: what `data-sha256=` holds.
  public static func hash(of data: String) -> String {
    Digest.hex(Digest.sha256(data.utf8))
  }

  /// `xor` for `path/to/xor.nb.md`.
  public static func notebookName(of file: String) -> String {
    let name = URL(fileURLWithPath: file).lastPathComponent
    return name.hasSuffix(".nb.md") ? String(name.dropLast(6)) : name
  }
}
