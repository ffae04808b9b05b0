import Foundation
import NotebookFormat

/// The REPL's safety net: every finished cell is appended to a journal and flushed to disk
/// as soon as it ends, so a killed process loses at most the cell in flight. A journal is a
/// notebook file written a cell at a time, kept in `$XDG_STATE_HOME/gradbook/sessions/`;
/// `gradbook recover` turns one back into a notebook.
public final class Journal {
  public let url: URL
  private let handle: FileHandle

  /// Starts a journal in `folder` for a session with `seed`, keeping the newest `keep`
  /// journals there and removing older ones.
  public init(folder: URL, seed: UInt64, keep: Int = 20) throws {
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    Self.prune(folder, keep: max(1, keep - 1))
    let stamp = Self.stamp(Date())
    url = folder.appendingPathComponent("session-\(stamp)-\(getpid()).nb.md")
    let header = NotebookWriter.write(Notebook(seed: seed))
    guard FileManager.default.createFile(atPath: url.path, contents: Data(header.utf8)),
      let handle = FileHandle(forWritingAtPath: url.path)
    else { throw CocoaError(.fileWriteUnknown) }
    self.handle = handle
    _ = try? handle.seekToEnd()
  }

  deinit { try? handle.close() }

  /// Appends a block and flushes it to disk.
  public func append(_ block: Notebook.Block) {
    var text = ""
    NotebookWriter.write(block, to: &text)
    try? handle.write(contentsOf: Data(text.utf8))
    try? handle.synchronize()
  }

  /// The journals in `folder`, newest first.
  public static func journals(in folder: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    // The names begin with a sortable time stamp.
    return names.filter { $0.hasPrefix("session-") && $0.hasSuffix(".nb.md") }.sorted()
      .reversed().map { folder.appendingPathComponent($0) }
  }

  /// The notebook a journal holds. A process killed while writing leaves a cell cut short;
  /// it is dropped, and every cell before it kept.
  public static func recover(_ text: String) throws -> Notebook {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    while true {
      do {
        return try NotebookReader.read(lines.joined(separator: "\n"))
      } catch let error as NotebookError where error.line > 1 && error.line <= lines.count {
        lines = Array(lines.prefix(error.line - 1))
      }
    }
  }

  /// `20261129-093512` in UTC, so names sort by time.
  static func stamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    return formatter.string(from: date)
  }

  static func prune(_ folder: URL, keep: Int) {
    for old in journals(in: folder).dropFirst(keep) {
      try? FileManager.default.removeItem(at: old)
    }
  }
}
