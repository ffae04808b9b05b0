/// Makes the HTML that Markdown prose renders to safe to publish: every tag is either one
/// of a short list of harmless ones, rebuilt from its allowed attributes, or shown as text.
///
/// Markdown passes raw HTML through, and prose in a notebook someone else wrote may hold
/// `<meta http-equiv="refresh">` (sends the reader elsewhere), `<form action=…>`, `<base>`,
/// `<iframe>`, `<script>` or an `onclick=`. None of them survives: the tag's `<` is escaped,
/// so the reader sees the text that was written, and nothing acts. Comments are dropped.
/// Links keep only `http:`, `https:`, `mailto:`, fragment and relative targets; images keep
/// only `data:image/…` sources (the page's CSP would block any other anyway).
enum HTMLSanitizer {
  /// The tags kept, with the attributes each may keep.
  static let allowed: [String: Set<String>] = [
    "p": [], "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [], "em": [], "strong": [],
    "b": [], "i": [], "u": [], "s": [], "del": [], "ins": [], "mark": [], "small": [], "sub": [],
    "sup": [], "kbd": [], "code": ["class"], "pre": [], "blockquote": [], "ul": [],
    "ol": ["start"], "li": [], "hr": [], "br": [], "table": [], "thead": [], "tbody": [],
    "tr": [], "th": ["align"], "td": ["align"], "a": ["href", "title"], "img": ["src", "alt"],
    "dl": [], "dt": [], "dd": [], "abbr": ["title"], "span": [],
  ]

  /// `html` with every tag not allowed shown as text, and allowed ones rebuilt.
  static func sanitize(_ html: String) -> String {
    let chars = Array(html.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < chars.count {
      let c = chars[i]
      guard c == "<" else {
        out.append(c)
        i += 1
        continue
      }
      if let end = comment(chars, at: i) {
        i = end
        continue
      }
      if let (tag, end) = self.tag(chars, at: i), let rebuilt = rebuild(tag) {
        out.append(contentsOf: rebuilt.unicodeScalars)
        i = end
        continue
      }
      out.append(contentsOf: "&lt;".unicodeScalars)
      i += 1
    }
    return String(out)
  }

  struct Tag {
    var name: String
    var closing: Bool
    var attributes: [(String, String)]
  }

  /// The index after a comment `<!-- … -->` starting at `i`; an unclosed one runs to the end.
  static func comment(_ chars: [Unicode.Scalar], at i: Int) -> Int? {
    guard i + 3 < chars.count, chars[i + 1] == "!", chars[i + 2] == "-", chars[i + 3] == "-"
    else { return nil }
    var j = i + 4
    while j + 2 < chars.count {
      if chars[j] == "-", chars[j + 1] == "-", chars[j + 2] == ">" { return j + 3 }
      j += 1
    }
    return chars.count
  }

  /// The tag starting at `i` and the index after it, or nil when it is not a well-formed tag.
  static func tag(_ chars: [Unicode.Scalar], at start: Int) -> (Tag, Int)? {
    var i = start + 1
    func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\n" || c == "\t" || c == "\r" }
    var closing = false
    if i < chars.count, chars[i] == "/" {
      closing = true
      i += 1
    }
    var name = ""
    func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
      ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }
    while i < chars.count, isAlphanumeric(chars[i]) {
      name.unicodeScalars.append(chars[i])
      i += 1
    }
    guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return nil }
    var attributes: [(String, String)] = []
    while i < chars.count {
      while i < chars.count, isSpace(chars[i]) { i += 1 }
      guard i < chars.count else { return nil }
      if chars[i] == ">" {
        return (Tag(name: name.lowercased(), closing: closing, attributes: attributes), i + 1)
      }
      if chars[i] == "/", i + 1 < chars.count, chars[i + 1] == ">" {
        return (Tag(name: name.lowercased(), closing: closing, attributes: attributes), i + 2)
      }
      var key = ""
      while i < chars.count, !isSpace(chars[i]), !"/>=\"'<".unicodeScalars.contains(chars[i]) {
        key.unicodeScalars.append(chars[i])
        i += 1
      }
      guard !key.isEmpty else { return nil }
      while i < chars.count, isSpace(chars[i]) { i += 1 }
      var value = ""
      if i < chars.count, chars[i] == "=" {
        i += 1
        while i < chars.count, isSpace(chars[i]) { i += 1 }
        guard i < chars.count else { return nil }
        if chars[i] == "\"" || chars[i] == "'" {
          let quote = chars[i]
          i += 1
          while i < chars.count, chars[i] != quote {
            value.unicodeScalars.append(chars[i])
            i += 1
          }
          guard i < chars.count else { return nil }
          i += 1
        } else {
          while i < chars.count, !isSpace(chars[i]), chars[i] != ">" {
            value.unicodeScalars.append(chars[i])
            i += 1
          }
        }
      }
      attributes.append((key.lowercased(), value))
    }
    return nil
  }

  /// The tag as it is kept, or nil when it is not allowed.
  static func rebuild(_ tag: Tag) -> String? {
    guard let keep = allowed[tag.name] else { return nil }
    if tag.closing { return "</\(tag.name)>" }
    var text = "<\(tag.name)"
    for (key, raw) in tag.attributes where keep.contains(key) {
      let value = decodedEntities(raw)
      switch key {
      case "href": guard isSafeLink(value) else { continue }
      case "src": guard isSafeImage(value) else { continue }
      case "class": guard isLanguageClass(value) else { continue }
      case "start": guard Int(value) != nil else { continue }
      case "align": guard ["left", "center", "right"].contains(value) else { continue }
      default: break
      }
      text += " \(key)=\"\(NotebookExport.escape(value))\""
    }
    return text + ">"
  }

  /// A link a reader may follow: web, mail, a place in the page, or a relative path.
  static func isSafeLink(_ url: String) -> Bool {
    let cleaned = String(url.unicodeScalars.filter { $0.value > 32 && $0.value != 127 })
      .lowercased()
    guard let colon = cleaned.firstIndex(of: ":") else { return true }
    // A colon after a / ? or # is not a scheme's.
    if let other = cleaned.firstIndex(where: { "/?#".contains($0) }), other < colon { return true }
    let scheme = cleaned[..<colon]
    return scheme == "http" || scheme == "https" || scheme == "mailto"
  }

  static func isSafeImage(_ url: String) -> Bool {
    url.lowercased().hasPrefix("data:image/")
  }

  /// `language-swift`, as Ink marks a fenced block's language.
  static func isLanguageClass(_ value: String) -> Bool {
    value.hasPrefix("language-")
      && value.dropFirst(9).allSatisfy {
        $0.isASCII && ($0.isLetter || $0.isNumber || "+-_#.".contains($0))
      }
  }

  /// `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` `&#NN;` `&#xNN;` as the characters they stand for
  /// (Ink escapes some attribute values; they are escaped again when written).
  static func decodedEntities(_ text: String) -> String {
    guard text.contains("&") else { return text }
    var out = ""
    var rest = Substring(text)
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      let after = rest[amp...]
      guard let semi = after.firstIndex(of: ";"), after.distance(from: amp, to: semi) <= 10 else {
        out += "&"
        rest = rest[rest.index(after: amp)...]
        continue
      }
      let entity = String(after[after.index(after: amp)..<semi])
      var decoded: String?
      switch entity {
      case "amp": decoded = "&"
      case "lt": decoded = "<"
      case "gt": decoded = ">"
      case "quot": decoded = "\""
      case "apos": decoded = "'"
      default:
        if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
          decoded = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map {
            String($0)
          }
        } else if entity.hasPrefix("#") {
          decoded = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
        }
      }
      if let decoded {
        out += decoded
        rest = rest[rest.index(after: semi)...]
      } else {
        out += "&"
        rest = rest[rest.index(after: amp)...]
      }
    }
    return out + rest
  }
}
