import Foundation

/// Writes a workspace's output to standard output. On a terminal a transient live line is
/// drawn in place and cleared before the next ordinary output; elsewhere it is dropped.
public final class ConsoleOutput {
  public let isTerminal: Bool
  private var liveLine = false

  public init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1) {
    self.isTerminal = isTerminal
  }

  public func write(_ text: String, transient: Bool) {
    if transient {
      guard isTerminal else { return }
      FileHandle.standardOutput.write(Data("\r\u{1B}[K\(text)".utf8))
      liveLine = true
      return
    }
    if liveLine {
      FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
      liveLine = false
    }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Clears a live line left on the terminal.
  public func finish() {
    if liveLine { write("", transient: false) }
  }
}
