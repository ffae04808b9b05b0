import Foundation

/// Reads lines from standard input without editing, for when it is not a terminal (or
/// libedit cannot start). Prompts are printed without colour; history is kept in memory.
public final class PlainLineReader: LineReader {
  public private(set) var history: [String] = []
  private let showPrompt: Bool

  /// - Parameter showPrompt: print the prompt before each line (off when piped input should
  ///   give clean output).
  public init(showPrompt: Bool = true) {
    self.showPrompt = showPrompt
  }

  public func readLine(prompt: Prompt) -> LineInput {
    if showPrompt {
      FileHandle.standardOutput.write(Data(prompt.text.utf8))
    }
    // Byte by byte from the descriptor, so nothing past the newline is taken from input
    // that something else may read next.
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let count = read(STDIN_FILENO, &byte, 1)
      if count < 0 && errno == EINTR { return .interrupted }
      if count <= 0 {
        return bytes.isEmpty ? .endOfInput : .line(String(decoding: bytes, as: UTF8.self))
      }
      if byte == UInt8(ascii: "\n") { return .line(String(decoding: bytes, as: UTF8.self)) }
      bytes.append(byte)
    }
  }

  public func addHistory(_ entry: String) {
    guard !entry.allSatisfy(\.isWhitespace), history.last != entry else { return }
    history.append(entry)
  }
}
