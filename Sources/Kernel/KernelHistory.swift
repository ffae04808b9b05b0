import Foundation

/// The cells this kernel ran, for `history_request`: (session, line, input, output) with
/// lines numbered from 1 as execution counts are. Kept in memory for the kernel's life; the
/// session number is always 1, since a restart is a new process with a new history.
public struct KernelHistory: Sendable {
  public struct Entry: Sendable, Equatable {
    public var line: Int
    public var input: String
    public var output: String?
  }

  public private(set) var entries: [Entry] = []

  public init() {}

  public static let session = 1

  public mutating func append(line: Int, input: String, output: String?) {
    entries.append(Entry(line: line, input: input, output: output))
  }

  /// The last `n` entries.
  public func tail(_ n: Int) -> [Entry] { Array(entries.suffix(max(0, n))) }

  /// Lines `start..<stop` of `session` (this one is 0, as IPython counts, or 1, as its
  /// entries are numbered; there are no earlier ones); a stop of 0 or less means to the end.
  public func range(session: Int, start: Int, stop: Int) -> [Entry] {
    guard session == 0 || session == Self.session else { return [] }
    return entries.filter { $0.line >= start && (stop <= 0 || $0.line < stop) }
  }

  /// Entries whose input matches the glob `pattern` (`*` any text, `?` one character, as
  /// IPython's search), the last `n` when given (0: all); with `unique`, each input once, its
  /// latest run.
  public func search(_ pattern: String, n: Int, unique: Bool) -> [Entry] {
    var found = entries.filter { Self.glob(pattern, matches: $0.input) }
    if unique {
      var seen: Set<String> = []
      found = found.reversed().filter { seen.insert($0.input).inserted }.reversed()
    }
    return n > 0 ? Array(found.suffix(n)) : found
  }

  /// Whether the whole of `text` matches `pattern`, by code points.
  static func glob(_ pattern: String, matches text: String) -> Bool {
    let p = Array(pattern.unicodeScalars)
    let t = Array(text.unicodeScalars)
    // matched[j]: the pattern so far matches t[..<j].
    var matched = [Bool](repeating: false, count: t.count + 1)
    matched[0] = true
    for c in p {
      var next = [Bool](repeating: false, count: t.count + 1)
      switch c {
      case "*":
        var any = false
        for j in 0...t.count {
          any = any || matched[j]
          next[j] = any
        }
      default:
        for j in 0..<t.count where matched[j] && (c == "?" || t[j] == c) { next[j + 1] = true }
      }
      matched = next
    }
    return matched[t.count]
  }
}
