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
      // A live line wider than the terminal would wrap, and redrawing it would leave one
      // stale line behind each time, so it is cut to fit.
      let fitted =
        text.count < columns ? text : String(text.prefix(Swift.max(1, columns - 2))) + "…"
      FileHandle.standardOutput.write(Data("\r\u{1B}[K\(fitted)".utf8))
      liveLine = true
      return
    }
    if liveLine {
      FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
      liveLine = false
    }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// The terminal's width in characters, asked each time since the window may be resized.
  private var columns: Int {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }

  /// Clears a live line left on the terminal.
  public func finish() {
    if liveLine { write("", transient: false) }
  }
}
