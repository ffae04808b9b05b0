import Foundation

/// The inputs a workspace ran, numbered from 1 in order, as a kernel's `history_request`
/// asks for them (tail, range, search) and its `execution_count` numbers them.
public struct InputHistory: Equatable, Sendable {
  /// One input: its number (the execution count it ran as) and its text.
  public struct Entry: Equatable, Sendable {
    public var number: Int
    public var input: String

    public init(number: Int, input: String) {
      self.number = number
      self.input = input
    }
  }

  /// Every entry, oldest first.
  public private(set) var entries: [Entry] = []

  public init() {}

  /// The number the next entry gets.
  public var nextNumber: Int { (entries.last?.number ?? 0) + 1 }

  /// Keeps `input` as the next entry; gives its number.
  @discardableResult
  public mutating func append(_ input: String) -> Int {
    let number = nextNumber
    entries.append(Entry(number: number, input: input))
    return number
  }

  /// The last `n` entries (none for n ≤ 0), oldest first.
  public func tail(_ n: Int) -> [Entry] { Array(entries.suffix(max(0, n))) }

  /// The entries numbered `start` up to but not including `stop` (Jupyter's `range`); a
  /// `stop` of nil runs to the end.
  public func range(from start: Int, to stop: Int? = nil) -> [Entry] {
    entries.filter { entry in entry.number >= start && stop.map { entry.number < $0 } ?? true }
  }

  /// The entries whose input matches the glob `pattern` (`*` any text, `?` one character,
  /// as Jupyter's history search takes it), oldest first; the last `n` of them when `n` is
  /// given, and only the latest of equal inputs when `unique`.
  public func search(_ pattern: String, last n: Int? = nil, unique: Bool = false) -> [Entry] {
    var found = entries.filter { fnmatch(pattern, $0.input, 0) == 0 }
    if unique {
      var seen = Set<String>()
      found = found.reversed().filter { seen.insert($0.input).inserted }.reversed()
    }
    return n.map { Array(found.suffix(max(0, $0))) } ?? found
  }
}
