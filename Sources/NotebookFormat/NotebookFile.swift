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
    try parse(readText(file), of: file)
  }

  /// The notebook in `text`, read from `file`; a malformed one is reported as
  /// `file:line: message`.
  public static func parse(_ text: String, of file: String) throws -> Notebook {
    do {
      return try NotebookReader.read(text)
    } catch let error as NotebookError {
      throw FileError(message: "\(file):\(error.line): \(error.message)")
    }
  }

  /// Writes through a temporary file beside the target, flushed, then renamed over it, so a
  /// crash leaves the old notebook or the new one, never half of one. A target that is a
  /// symbolic link is refused, never written through (see `SafeFolder`).
  public static func write(_ text: String, to file: String) throws {
    let url = URL(fileURLWithPath: file)
    let name = url.lastPathComponent
    do {
      let folder = try SafeFolder(folderPath(of: file))
      try folder.write(Data(text.utf8), as: name)
    } catch let refusal as SafeFolder.Refusal {
      throw FileError(message: "cannot write \(file): \(refusal.message)")
    }
  }

  /// The folder that holds `file`, as the user would name it: "." for a bare file name.
  public static func folderPath(of file: String) -> String {
    guard let slash = file.lastIndex(of: "/") else { return "." }
    return slash == file.startIndex ? "/" : String(file[..<slash])
  }
}
