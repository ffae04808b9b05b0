import Foundation

/// Where the REPL keeps its history between sessions: `$XDG_STATE_HOME/gradbook/history`,
/// or `~/.local/state/gradbook/history` when XDG_STATE_HOME is unset or not absolute (the
/// XDG base directory rules ignore relative paths).
public func historyFileURL(environment: [String: String] = ProcessInfo.processInfo.environment)
  -> URL
{
  stateDirectory(environment: environment).appendingPathComponent("history")
}

/// Where the REPL's session journals go: `sessions` in the state directory.
public func sessionsDirectory(
  environment: [String: String] = ProcessInfo.processInfo.environment
) -> URL {
  stateDirectory(environment: environment).appendingPathComponent("sessions")
}

/// `$XDG_STATE_HOME/gradbook`, or `~/.local/state/gradbook`.
public func stateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
  -> URL
{
  if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
    return URL(fileURLWithPath: state).appendingPathComponent("gradbook")
  }
  let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
  return URL(fileURLWithPath: home).appendingPathComponent(".local/state/gradbook")
}
