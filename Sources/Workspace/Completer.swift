import Foundation
import TensorLanguage

/// What Tab offers (the REPL's Tab, a kernel's `complete_request`), worked out from the text
/// before the cursor: `:` commands, help names after `?`, file paths inside a string or after
/// `:save`/`:open`, members after a dot, the keyword arguments of the built-in being called,
/// and names in scope, built-ins and keywords.
public struct Completer {
  /// The session's bindings, asked at each Tab.
  public var bindings: () -> [String: Value]
  /// The folder relative paths start from.
  public var directory: String

  public init(
    directory: String = FileManager.default.currentDirectoryPath,
    bindings: @escaping () -> [String: Value]
  ) {
    self.bindings = bindings
    self.directory = directory
  }

  /// The completions of the word that ends where `before` ends (the text before the cursor).
  /// Tab completion runs nothing: members are followed through names only, never calls.
  public func complete(_ before: String) -> Completions {
    let found = candidates(before)
    let end = before.unicodeScalars.count
    return Completions(
      word: found.word, candidates: found.candidates,
      start: end - found.word.unicodeScalars.count, end: end)
  }

  /// The completions at `cursor` inside `text`, counted in Unicode code points (scalars) as
  /// Jupyter counts `cursor_pos`; only the text before the cursor decides them, and they
  /// replace `start..<end` (the word before the cursor). A cursor past the end is the end.
  public func complete(_ text: String, cursor: Int) -> Completions {
    let scalars = text.unicodeScalars
    let index =
      scalars.index(scalars.startIndex, offsetBy: max(0, cursor), limitedBy: scalars.endIndex)
      ?? scalars.endIndex
    return complete(String(scalars[..<index]))
  }

  private func candidates(_ before: String) -> Found {
    let trimmed = before.drop { $0 == " " }
    if trimmed.hasPrefix(":") { return command(String(trimmed.dropFirst())) }
    if trimmed.hasPrefix("?") { return helpName(String(trimmed.dropFirst())) }
    let scan = Scan(before)
    if scan.inComment { return .none }
    if let string = scan.openString { return path(string) }
    return code(before, calls: scan.calls)
  }

  /// A word and its candidates, before the cursor's offsets are worked out.
  private struct Found {
    var word: String
    var candidates: [Completions.Candidate]
    static let none = Found(word: "", candidates: [])
  }

  // MARK: Commands and help

  private func command(_ text: String) -> Found {
    guard let space = text.firstIndex(of: " ") else {
      return Found(
        word: ":" + text,
        candidates: Command.all.filter { $0.name.hasPrefix(text) }.map { command in
          .init(":" + command.name, suffix: command.argument.isEmpty ? "" : " ")
        })
    }
    let name = String(text[..<space])
    let rest = String(text[text.index(after: space)...].drop { $0 == " " })
    // Any spelling the command line takes: a name, an alias or a unique prefix.
    switch Command.named(name)?.name {
    case "save", "open": return path(rest)
    case "help": return helpName(rest)
    case "time": return candidates(rest)
    case "plot":
      let settings = Plotter.Setting.allCases.map(\.rawValue) + ["auto"]
      return Found(
        word: rest, candidates: settings.filter { $0.hasPrefix(rest) }.map { .init($0) })
    default: return .none
    }
  }

  private func helpName(_ word: String) -> Found {
    let names = Set(Help.names).filter { $0.hasPrefix(word) }
    return Found(word: word, candidates: names.sorted().map { .init($0) })
  }

  // MARK: Code

  private func code(_ before: String, calls: [Scan.Call]) -> Found {
    let word = String(before.reversed().prefix(while: \.isNamePart).reversed())
    if let first = word.first, first.isNumber { return .none }
    let head = before.dropLast(word.count)
    if head.last == "." { return members(of: head.dropLast(), word: word) }
    var candidates: [Completions.Candidate] = []
    // The keyword arguments of the innermost call, when it is a built-in's, not given yet.
    if let call = calls.last, let callee = call.name, let builtin = Builtins.all[callee] {
      for p in builtin.parameters where !p.variadic && !call.keywords.contains(p.name) {
        if !p.isRequired || p.keywordOnly {
          candidates.append(.init(p.name + ":", suffix: " "))
        }
      }
    }
    let scope = bindings()
    for (name, value) in scope {
      if case .function = value {
        candidates.append(.init(name, suffix: "("))
      } else {
        candidates.append(.init(name))
      }
    }
    for b in Builtins.list where scope[b.name] == nil {
      // A constant such as pi is a number, not called.
      candidates.append(b.constant == nil ? .init(b.name, suffix: "(") : .init(b.name))
    }
    for k in Token.keywords { candidates.append(.init(k, suffix: " ")) }
    guard !word.isEmpty else { return .none }
    return Found(word: word, candidates: candidates.filter { $0.text.hasPrefix(word) })
  }

  /// Members of the value a dotted name like `net.layers` or `data` holds. Only names and
  /// members are followed, never calls, so Tab runs nothing.
  private func members(of receiver: Substring, word: String) -> Found {
    let path = String(
      receiver.reversed().prefix { $0.isNamePart || $0 == "." }.reversed())
    let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    // `2.5` and `x.` after a number are not members.
    guard let first = parts.first, let initial = first.first, !initial.isNumber,
      var value = bindings()[first]
    else { return .none }
    for part in parts.dropFirst() {
      guard memberNames(of: value).contains(part), let next = try? member(of: value, part) else {
        return .none
      }
      value = next
    }
    let names = memberNames(of: value).filter { $0.hasPrefix(word) }
    return Found(word: word, candidates: names.map { .init($0) })
  }

  // MARK: Paths

  /// Files and folders starting with `typed`, relative to `directory` unless absolute;
  /// `~/` is the home folder. Hidden entries only when asked for with a leading dot.
  private func path(_ typed: String) -> Found {
    let slash = typed.lastIndex(of: "/")
    let folderPart = slash.map { String(typed[...$0]) } ?? ""
    let prefix = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
    var folder = folderPart.isEmpty ? directory : folderPart
    if folder.hasPrefix("~/") {
      folder = NSHomeDirectory() + folder.dropFirst()
    } else if !folder.hasPrefix("/") {
      folder = directory + "/" + folder
    }
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
      return .none
    }
    var candidates: [Completions.Candidate] = []
    for entry in entries.sorted() where entry.hasPrefix(prefix) {
      if entry.hasPrefix("."), !prefix.hasPrefix(".") { continue }
      var isFolder: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: folder + "/" + entry, isDirectory: &isFolder)
      candidates.append(.init(folderPart + entry, suffix: isFolder.boolValue ? "/" : ""))
    }
    return Found(word: typed, candidates: candidates)
  }
}

/// A light scan of the text before the cursor: whether it ends inside a string or a comment,
/// and the brackets that are open, innermost last.
struct Scan {
  /// An open bracket: the name before a `(` (nil for other brackets), and the keyword
  /// arguments (`name:`) already written inside it.
  struct Call {
    var name: String?
    var keywords: Set<String> = []
  }

  var openString: String?
  var inComment = false
  var calls: [Call] = []

  init(_ text: String) {
    var string: String?
    var escaped = false
    var name = ""
    var lastName: String?
    for c in text {
      if string != nil {
        if escaped {
          escaped = false
          string?.append(c)
        } else if c == "\\" {
          escaped = true
        } else if c == "\"" {
          string = nil
        } else {
          string?.append(c)
        }
        continue
      }
      if inComment {
        if c == "\n" { inComment = false }
        continue
      }
      if c.isNamePart {
        name.append(c)
        continue
      }
      if !name.isEmpty {
        lastName = name
        name = ""
      }
      switch c {
      case "\"": string = ""
      case "#": inComment = true
      case "(": calls.append(Call(name: lastName))
      case "[", "{": calls.append(Call(name: nil))
      case ":": if let lastName, !calls.isEmpty { calls[calls.count - 1].keywords.insert(lastName) }
      case ")", "]", "}": if !calls.isEmpty { calls.removeLast() }
      default: break
      }
      if !c.isWhitespace { lastName = nil }
    }
    openString = string
  }
}
