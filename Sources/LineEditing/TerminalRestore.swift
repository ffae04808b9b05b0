import Foundation

/// The terminal settings saved at start, and the handlers that were installed before ours;
/// written once before the handlers are installed, then only read (from signal handlers,
/// which is why they are plain globals rather than anything that locks).
/// Raw memory rather than Swift variables, which a handler interrupting the main thread could
/// otherwise find in the middle of an exclusive access.
nonisolated(unsafe) private let savedSettings = UnsafeMutablePointer<termios>.allocate(capacity: 1)
nonisolated(unsafe) private let previousActions = UnsafeMutablePointer<sigaction>.allocate(
  capacity: 65)

/// Signals that end the process while libedit may have the terminal in raw mode.
private let fatalSignals: [Int32] = [
  SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGTERM, SIGHUP, SIGQUIT,
]

/// Makes sure a crash, or a signal that ends the process, leaves the terminal as it was
/// found: the settings of standard input are saved now and put back before the signal goes
/// on to the handler that was there before (Swift's backtracer, or the default action).
public func restoreTerminalOnExit() {
  guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, savedSettings) == 0 else { return }
  for signal in fatalSignals {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { signal in
      tcsetattr(STDIN_FILENO, TCSANOW, savedSettings)
      guard signal > 0, signal < 65 else { return }
      sigaction(signal, previousActions + Int(signal), nil)
      // Blocked while this handler runs, so it is delivered, to the previous handler, as
      // soon as this one returns.
      raise(signal)
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(signal, &action, previousActions + Int(signal))
  }
}
