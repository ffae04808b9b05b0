import CLibEdit
import Foundation

/// Line editing on a terminal through libedit: Emacs keys (or whatever `~/.editrc` says),
/// history with up/down and Ctrl-R, Tab completion, and a history file kept between
/// sessions.
public final class EditLineReader: LineReader {
  private let editLine: OpaquePointer
  private let historyList: OpaquePointer
  private let historyFile: URL?
  /// The candidates for the text before the cursor, asked at each Tab.
  public var completer: (String) -> Completion
  /// The C string libedit's prompt callback hands out; kept until the next prompt.
  private var promptText: UnsafeMutablePointer<CChar>?
  private var warnedAboutHistory = false

  /// Sets up libedit on standard input and output, or gives nil when standard input is not
  /// a terminal.
  /// - Parameters:
  ///   - historyFile: where entries are loaded from and saved to; nil keeps none.
  ///   - capacity: how many entries are kept; older ones are dropped.
  ///   - completer: the candidates for the text before the cursor.
  public init?(
    historyFile: URL?, capacity: Int = 1000,
    completer: @escaping (String) -> Completion = { _ in .none }
  ) {
    useUTF8Characters()
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1,
      let editLine = gb_el_init("gradbook")
    else { return nil }
    guard let historyList = history_init() else {
      el_end(editLine)
      return nil
    }
    self.editLine = editLine
    self.historyList = historyList
    self.historyFile = historyFile
    self.completer = completer

    gb_history_set_size(historyList, Int32(clamping: capacity))
    // Pressing Enter on the same entry twice keeps one copy.
    gb_history_set_unique(historyList, 1)
    if let historyFile { gb_history_load(historyList, historyFile.path) }

    gb_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
    gb_el_set_prompt(editLine, promptCallback, promptEscape)
    gb_el_set_editor(editLine, "emacs")
    gb_el_set_history(editLine, historyList)
    // libedit's own signal handling re-sends SIGINT to the whole process group; the REPL
    // handles Ctrl-C itself, so the interrupted read simply returns.
    gb_el_set_signal(editLine, 0)
    gb_el_add_function(editLine, "gb-complete", "Complete the word before the cursor", tabCallback)
    gb_el_bind(editLine, "^I", "gb-complete")
    gb_el_bind(editLine, "^R", "em-inc-search-prev")
    // The user's ~/.editrc (or $EDITRC) comes last, so its bindings win.
    el_source(editLine, nil)
  }

  deinit {
    el_end(editLine)
    history_end(historyList)
    free(promptText)
  }

  public func readLine(prompt: Prompt) -> LineInput {
    free(promptText)
    promptText = strdup(Self.escaped(prompt))
    // libedit does not watch the window size on its own (that needs its signal handling), so
    // a resize between two prompts is picked up here.
    el_resize(editLine)
    var count: Int32 = 0
    errno = 0
    guard let raw = el_gets(editLine, &count) else {
      if count == -1 && errno == EINTR {
        clearLine()
        return .interrupted
      }
      return .endOfInput
    }
    var line = String(cString: raw)
    if line.hasSuffix("\n") { line.removeLast() }
    return .line(line)
  }

  public func addHistory(_ entry: String) {
    guard !entry.allSatisfy(\.isWhitespace) else { return }
    gb_history_enter(historyList, entry)
    save()
  }

  public var history: [String] {
    var entries: [String] = []
    var next = gb_history_step(historyList, 1)
    while let entry = next {
      entries.append(String(cString: entry))
      next = gb_history_step(historyList, 0)
    }
    return entries
  }

  /// Writes the whole history after each entry, so a killed session keeps what was typed.
  private func save() {
    guard let historyFile else { return }
    let folder = historyFile.deletingLastPathComponent()
    try? FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    if gb_history_save(historyList, historyFile.path) < 0 && !warnedAboutHistory {
      warnedAboutHistory = true
      FileHandle.standardError.write(
        Data("gradbook: cannot save the history to \(historyFile.path)\n".utf8))
    }
  }

  /// Drops what was typed, after Ctrl-C interrupted the read.
  private func clearLine() {
    guard let info = el_line(editLine)?.pointee else { return }
    let length = info.lastchar - info.buffer
    el_cursor(editLine, Int32(clamping: info.lastchar - info.cursor))
    if length > 0 { el_deletestr(editLine, Int32(clamping: length)) }
  }

  fileprivate func prompt() -> UnsafeMutablePointer<CChar>? { promptText }

  /// Tab: indents at the start of a line or after a space (so pasted code keeps its
  /// indentation), else completes the word before the cursor.
  fileprivate func complete() -> UInt8 {
    guard let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
    let count = info.cursor - info.buffer
    let before = info.buffer.withMemoryRebound(to: UInt8.self, capacity: count) {
      String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
    }
    if before.last?.isWhitespace ?? true {
      el_insertstr(editLine, "  ")
      return UInt8(CC_REFRESH)
    }
    switch completer(before).edit {
    case .insert(let text):
      el_insertstr(editLine, text)
      return UInt8(CC_REFRESH)
    case .list(let items):
      let text = "\n" + columns(items, width: terminalWidth()) + "\n"
      FileHandle.standardOutput.write(Data(text.utf8))
      return UInt8(CC_REDISPLAY)
    case .nothing:
      return UInt8(CC_ERROR)
    }
  }

  /// The prompt with its colour codes fenced by `promptEscape`, which libedit does not count
  /// as taking room on the line.
  static func escaped(_ prompt: Prompt) -> String {
    guard let colour = prompt.colour else { return prompt.text }
    let fence = String(UnicodeScalar(UInt8(bitPattern: promptEscape)))
    return "\(fence)\u{1B}[\(colour)m\(fence)\(prompt.text)\(fence)\u{1B}[0m\(fence)"
  }
}

/// libedit decodes what is typed with the C library's character locale, which is "C" (ASCII)
/// until a program asks for another: without this, ∂ or é typed at the prompt would vanish.
/// The user's locale is taken when it is UTF-8, else C.UTF-8 (which Debian always has).
private func useUTF8Characters() {
  if setlocale(LC_CTYPE, "") != nil, String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8" {
    return
  }
  setlocale(LC_CTYPE, "C.UTF-8")
}

/// Marks the start and end of invisible characters in a prompt.
private let promptEscape: CChar = 1

private func reader(of editLine: OpaquePointer?) -> EditLineReader? {
  guard let editLine, let data = gb_el_client_data(editLine) else { return nil }
  return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue()
}

private let promptCallback: gb_prompt_fn = { editLine in
  reader(of: editLine)?.prompt()
}

private let tabCallback: gb_command_fn = { editLine, _ in
  reader(of: editLine)?.complete() ?? UInt8(CC_ERROR)
}

/// The terminal's width in characters (80 when it cannot be asked).
public func terminalWidth() -> Int { terminalSize().columns }

/// The terminal's columns and rows (80 × 24 when they cannot be asked).
public func terminalSize() -> (columns: Int, rows: Int) {
  var size = winsize()
  guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0
  else { return (80, 24) }
  return (Int(size.ws_col), Int(size.ws_row))
}
