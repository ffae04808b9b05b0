import Foundation

/// A folder Gradbook writes into without ever following a symbolic link: it is opened once
/// (refused when it is itself a link), and every file in it is then created, renamed and
/// removed relative to that open folder, never by a path a link could redirect.
///
/// A notebook from someone else (a cloned course repository) may hold links: an assets
/// folder that points at the user's home, or `cell-1.svg` pointing at `~/.bashrc`. Writing
/// through such a link would overwrite the file it points at, so links are refused with an
/// error rather than followed, and a new file is first written under a fresh name
/// (`O_CREAT|O_EXCL|O_NOFOLLOW`) and then renamed into place.
public final class SafeFolder {
  public struct Refusal: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }
  }

  /// The folder as the user named it, for messages.
  public let path: String
  private let descriptor: Int32

  /// Opens the folder `path` the user named (a link on the way is the user's own choice).
  public init(_ path: String) throws {
    let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw Refusal("cannot open the folder \(path): \(Self.reason())") }
    self.path = path
    descriptor = fd
  }

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  /// The folder `name` in this one, created when `create` is set and it is missing. Throws
  /// a `Refusal` when it is a symbolic link or not a folder.
  public func subfolder(_ name: String, create: Bool = false) throws -> SafeFolder {
    let shown = self.shown(name)
    if kind(of: name) == nil {
      guard create else { throw Refusal("\(shown) is missing") }
      guard mkdirat(descriptor, name, 0o755) == 0 || errno == EEXIST else {
        throw Refusal("cannot create \(shown): \(Self.reason())")
      }
    }
    switch kind(of: name) {
    case .folder?: break
    case .link?:
      throw Refusal(
        "\(shown) is a symbolic link; Gradbook never writes through a link "
          + "(remove the link, and the folder is made afresh)")
    case nil: throw Refusal("cannot create \(shown): \(Self.reason())")
    default: throw Refusal("\(shown) is not a folder")
    }
    // O_NOFOLLOW: had it been swapped for a link since it was looked at, this fails.
    let fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { throw Refusal("cannot open \(shown): \(Self.reason())") }
    return SafeFolder(path: shown, descriptor: fd)
  }

  deinit { close(descriptor) }

  /// What `name` is in this folder, without following a link; nil when it is missing.
  public func kind(of name: String) -> FileKind? {
    var info = stat()
    guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .file
    case S_IFDIR: return .folder
    case S_IFLNK: return .link
    default: return .special
    }
  }

  public enum FileKind: Sendable { case file, folder, link, special }

  /// Throws unless `name` is missing or a plain file, the only things a write may replace.
  public func checkReplaceable(_ name: String) throws {
    switch kind(of: name) {
    case nil, .file?: return
    case .link?:
      throw Refusal(
        "\(shown(name)) is a symbolic link; Gradbook never writes through a link (remove it)")
    case .folder?, .special?:
      throw Refusal("\(shown(name)) is not a plain file; Gradbook will not replace it")
    }
  }

  /// Writes `data` to a new file with a name no one else uses, flushed to disk; gives that
  /// name, to `commit` into place.
  public func stage(_ data: Data, for name: String) throws -> String {
    let temporary = ".\(name).\(getpid()).\(UInt64.random(in: 1...UInt64.max)).tmp"
    let fd = openat(
      descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw Refusal("cannot write in \(path): \(Self.reason())") }
    defer { close(fd) }
    var failed = false
    data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failed = true
          return
        }
        offset += n
      }
    }
    if failed || fsync(fd) != 0 {
      let reason = Self.reason()
      unlinkat(descriptor, temporary, 0)
      throw Refusal("cannot write in \(path): \(reason)")
    }
    return temporary
  }

  /// Renames a staged file over `name`, which must be missing or a plain file (rename
  /// replaces a link rather than following it, but a link there means someone meant one).
  public func commit(_ temporary: String, as name: String) throws {
    do {
      try checkReplaceable(name)
    } catch {
      discard(temporary)
      throw error
    }
    guard renameat(descriptor, temporary, descriptor, name) == 0 else {
      let reason = Self.reason()
      discard(temporary)
      throw Refusal("cannot write \(shown(name)): \(reason)")
    }
  }

  /// Removes a staged file that will not be committed.
  public func discard(_ temporary: String) { unlinkat(descriptor, temporary, 0) }

  /// Writes `data` as `name` in one step: staged, then renamed over it.
  public func write(_ data: Data, as name: String) throws {
    try checkReplaceable(name)
    try commit(try stage(data, for: name), as: name)
  }

  /// Removes `name` when it is a plain file or a link (the link itself, never what it points
  /// at); a folder or anything else is left alone.
  public func remove(_ name: String) {
    switch kind(of: name) {
    case .file?, .link?: unlinkat(descriptor, name, 0)
    default: break
    }
  }

  /// The names in the folder.
  public func names() -> [String] {
    let fd = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0, let dir = fdopendir(fd) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Holds an exclusive lock on the folder while `body` runs, so that two processes saving
  /// into it (two sessions saving the same notebook) take turns. The lock is the kernel's
  /// (`flock`), released when the process ends, however it ends.
  public func locked<T>(_ body: () throws -> T) throws -> T {
    while flock(descriptor, LOCK_EX) != 0 {
      guard errno == EINTR else { throw Refusal("cannot lock \(path): \(Self.reason())") }
    }
    defer { flock(descriptor, LOCK_UN) }
    return try body()
  }

  /// `name` as a path from where the user is, for messages.
  public func shown(_ name: String) -> String {
    path.isEmpty || path == "." ? name : path.hasSuffix("/") ? path + name : "\(path)/\(name)"
  }

  static func reason() -> String { String(cString: strerror(errno)) }
}
