/// What Tab can put in place of the word before the cursor.
public struct Completion: Equatable, Sendable {
  /// One way to finish the word.
  public struct Candidate: Equatable, Sendable {
    /// The whole word, as listed.
    public var text: String
    /// Added after the word when it is the only candidate: "(" after a function, " " after a
    /// keyword argument's colon, "/" after a folder.
    public var suffix: String

    public init(_ text: String, suffix: String = "") {
      self.text = text
      self.suffix = suffix
    }
  }

  /// The end of the text before the cursor that candidates replace (may be empty).
  public var word: String
  public var candidates: [Candidate]

  public init(word: String, candidates: [Candidate]) {
    self.word = word
    self.candidates = candidates
  }

  public static let none = Completion(word: "", candidates: [])

  /// What a Tab press does with these candidates, readline's way.
  public enum Edit: Equatable, Sendable {
    /// Type this after the cursor.
    case insert(String)
    /// Several candidates share nothing more than what is typed: show them.
    case list([String])
    /// Nothing fits: beep.
    case nothing
  }

  /// A single candidate is typed in full with its suffix; several are typed up to their
  /// longest common prefix, and listed when that adds nothing.
  public var edit: Edit {
    let texts = candidates.map(\.text)
    guard let first = candidates.first else { return .nothing }
    if Set(texts).count == 1 {
      guard first.text.hasPrefix(word) else { return .nothing }
      let rest = String(first.text.dropFirst(word.count)) + first.suffix
      return rest.isEmpty ? .nothing : .insert(rest)
    }
    let common = texts.dropFirst().reduce(first.text) { commonPrefix($0, $1) }
    if common.count > word.count, common.hasPrefix(word) {
      return .insert(String(common.dropFirst(word.count)))
    }
    return .list(Array(Set(texts)).sorted())
  }
}

/// The longest string both begin with, compared by characters.
func commonPrefix(_ a: String, _ b: String) -> String {
  var result = ""
  for (x, y) in zip(a, b) {
    guard x == y else { break }
    result.append(x)
  }
  return result
}

/// Lays out `items` in columns that fit `width`, the way shells list completions.
public func columns(_ items: [String], width: Int) -> String {
  guard let longest = items.map(\.count).max() else { return "" }
  let cell = longest + 2
  let perLine = max(1, max(width, cell) / cell)
  let rows = (items.count + perLine - 1) / perLine
  var lines: [String] = []
  for row in 0..<rows {
    var line = ""
    // Column-major, as ls does: down each column, then across.
    for column in 0..<perLine {
      let index = column * rows + row
      guard index < items.count else { break }
      let item = items[index]
      let isLast = (column + 1) * rows + row >= items.count
      line += isLast ? item : item.padding(toLength: cell, withPad: " ", startingAt: 0)
    }
    lines.append(line)
  }
  return lines.joined(separator: "\n")
}
