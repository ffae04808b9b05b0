import Foundation

/// Reading and writing notebook files, with errors that name the file.
public enum NotebookFile {
  public struct FileError: Error, Sendable {
    public var message: String
  }

  /// The text of `file` (UTF-8).
  public static func readText(_ file: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: file),
      let text = String(data: data, encoding: .utf8)
    else { throw FileError(message: "cannot read \(file)") }
    return text
  }

  /// The notebook in `file`; a malformed one is reported as `file:line: message`.
  public static func read(_ file: String) throws -> Notebook {
    let text = try readText(file)
    do {
      return try NotebookReader.read(text)
    } catch let error as NotebookError {
      throw FileError(message: "\(file):\(error.line): \(error.message)")
    }
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
    else { throw FileError(message: "cannot write \(file): its folder is missing or read-only") }
    do {
      try handle.synchronize()
      try handle.close()
    } catch {
      throw FileError(message: "cannot write \(file): \(error.localizedDescription)")
    }
    guard rename(temporary.path, url.path) == 0 else {
      throw FileError(message: "cannot replace \(file): \(String(cString: strerror(errno)))")
    }
  }
}
