import Foundation

/// Writing notebook files safely.
public enum NotebookFile {
  public struct WriteError: Error, Sendable {
    public var message: String
  }

  /// Writes through a temporary file beside the target, flushed, then renamed over it, so a
  /// crash leaves the old notebook or the new one, never half of one.
  public static func write(_ text: String, to file: String) throws {
    let url = URL(fileURLWithPath: file)
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    defer { try? FileManager.default.removeItem(at: temporary) }
    guard FileManager.default.createFile(atPath: temporary.path, contents: Data(text.utf8)),
      let handle = FileHandle(forWritingAtPath: temporary.path)
    else { throw WriteError(message: "cannot write \(file): its folder is missing or read-only") }
    do {
      try handle.synchronize()
      try handle.close()
    } catch {
      throw WriteError(message: "cannot write \(file): \(error.localizedDescription)")
    }
    guard rename(temporary.path, url.path) == 0 else {
      throw WriteError(message: "cannot replace \(file): \(String(cString: strerror(errno)))")
    }
  }
}
