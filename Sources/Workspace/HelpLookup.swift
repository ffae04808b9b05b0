import TensorLanguage

/// One help page as a value: what `?name` prints, and the name it is for.
public struct HelpPage: Equatable, Sendable {
  /// The name looked up, as `:help` spells it (`fit`, `:save`, `syntax`).
  public var name: String
  /// The page, lines ending in a newline, laid out to the width asked for.
  public var text: String

  public init(name: String, text: String) {
    self.name = name
    self.text = text
  }
}

extension Help {
  /// The page for `name` (a built-in, `:command`, keyword, group or topic), or nil.
  public static func lookup(_ name: String, width: Int = 80) -> HelpPage? {
    let name = name.trimmingCharacters(in: .whitespaces)
    return page(name, width: width).map { HelpPage(name: name, text: $0) }
  }

  /// The names help may be wanted for at `cursor` in `text` (Unicode code points, as
  /// Jupyter's `cursor_pos`), best first: the name the cursor is in or just after (with its
  /// `:` for a command), then the built-in whose call the cursor is inside (`fit(net, |`
  /// and `fit(net, epo|` both name `fit`).
  public static func names(at cursor: Int, in text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    let cursor = min(max(0, cursor), scalars.count)
    func isNamePart(_ i: Int) -> Bool { Character(scalars[i]).isNamePart }
    var names: [String] = []
    var start = cursor
    while start > 0, isNamePart(start - 1) { start -= 1 }
    var end = cursor
    while end < scalars.count, isNamePart(end) { end += 1 }
    if start < end {
      var unicode = String.UnicodeScalarView()
      unicode.append(contentsOf: scalars[start..<end])
      let word = String(unicode)
      // A number is not a name.
      if word.first?.isNumber == false {
        let command = start > 0 && scalars[start - 1] == ":" && Command.named(word) != nil
        names.append(command ? ":" + word : word)
      }
    }
    var before = String.UnicodeScalarView()
    before.append(contentsOf: scalars[..<start])
    if let call = Scan(String(before)).calls.last?.name, !names.contains(call) {
      names.append(call)
    }
    return names
  }
}
