import Foundation
import NotebookFormat

/// The REPL's safety net: every finished cell is appended to a journal and flushed to disk
/// as soon as it ends, so a killed process loses at most the cell in flight. A journal is a
/// notebook file written a cell at a time, kept in `$XDG_STATE_HOME/gradbook/sessions/`;
/// `gradbook recover` turns one back into a notebook.
public final class Journal {
  public let url: URL
  private let handle: FileHandle

  /// Starts a journal in `folder` for a session with `seed`, and prunes the folder (see
  /// `prune`). The journal is locked (`flock`) for as long as this process runs, which is
  /// how another session's pruning tells a live journal from one a crash left behind.
  public init(folder: URL, seed: UInt64, maxAge: TimeInterval = Journal.maxAge) throws {
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    Self.prune(folder, olderThan: maxAge)
    let stamp = Self.stamp(Date())
    // A new file, never an existing one (O_EXCL): a second journal started in the same
    // second by the same process gets `-2`, and no link is followed.
    var attempt = 1
    var fd: Int32 = -1
    var url = folder
    while fd < 0 {
      let suffix = attempt == 1 ? "" : "-\(attempt)"
      url = folder.appendingPathComponent("session-\(stamp)-\(getpid())\(suffix).nb.md")
      fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
      guard fd >= 0 else {
        guard errno == EEXIST, attempt < 1000 else {
          throw CocoaError(
            .fileWriteUnknown,
            userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(errno))])
        }
        attempt += 1
        continue
      }
    }
    self.url = url
    handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    _ = flock(fd, LOCK_EX | LOCK_NB)
    try handle.write(contentsOf: Data(NotebookWriter.write(Notebook(seed: seed)).utf8))
    try? handle.synchronize()
  }

  /// How long a journal no session holds is kept: a crashed session's work stays
  /// recoverable for this long, however many sessions start meanwhile.
  public static let maxAge: TimeInterval = 30 * 24 * 3600

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

  /// The newest journal in `folder` that holds anything (a session that quit at once leaves
  /// only a header), for `gradbook recover`.
  public static func latest(in folder: URL) -> URL? {
    journals(in: folder).first { !isEmpty($0) }
  }

  /// The notebook a journal holds, and what could not be read in it. A process killed while
  /// writing leaves a cell cut short: it is dropped, and every cell before it kept; a line
  /// that cannot be read elsewhere is kept as text, and every cell after it is kept too.
  public static func recover(_ text: String) throws -> (notebook: Notebook, problems: [String]) {
    let (notebook, problems) = try NotebookReader.salvage(text)
    return (notebook, problems.map(\.description))
  }

  /// `20261129-093512` in UTC, so names sort by time.
  static func stamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    return formatter.string(from: date)
  }

  /// Removes the journals in `folder` that no running session holds and that are empty (a
  /// header only) or older than `maxAge`. A journal a live session holds is never removed,
  /// and a crashed session's journal is removed only by age, never because many sessions
  /// started after it.
  static func prune(_ folder: URL, olderThan maxAge: TimeInterval) {
    let now = Date()
    for journal in journals(in: folder) where !isHeld(journal) {
      let modified =
        (try? FileManager.default.attributesOfItem(atPath: journal.path))?[.modificationDate]
        as? Date ?? now
      if isEmpty(journal) || now.timeIntervalSince(modified) > maxAge {
        try? FileManager.default.removeItem(at: journal)
      }
    }
  }

  /// Whether a running session holds `journal` (its lock is taken).
  static func isHeld(_ journal: URL) -> Bool {
    let fd = open(journal.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    if flock(fd, LOCK_SH | LOCK_NB) == 0 {
      flock(fd, LOCK_UN)
      return false
    }
    return errno == EWOULDBLOCK
  }

  /// Whether `journal` holds nothing but its header line.
  static func isEmpty(_ journal: URL) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: journal.path) else { return false }
    defer { try? handle.close() }
    let start = (try? handle.read(upToCount: 4096)) ?? Data()
    guard let newline = start.firstIndex(of: UInt8(ascii: "\n")) else { return start.isEmpty }
    return newline == start.count - 1 && start.count < 4096
  }
}
