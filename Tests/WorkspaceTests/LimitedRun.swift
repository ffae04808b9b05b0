import Foundation

/// The built `gradbook` binary run under an address-space limit (`ulimit -v`), with a
/// deadline: an allocation the limit refuses aborts the process, as it would on a machine
/// with that much memory, instead of succeeding on this one. Input and output go through
/// files, so a chatty or stuck process can never block on a full pipe.
struct LimitedRun {
  enum End: Equatable, CustomStringConvertible {
    case exited(Int32)
    /// Killed by a signal: a trap, an abort ("Fatal error"), a segmentation fault.
    case signalled(Int32)
    /// Still running at the deadline, even after an interrupt (Ctrl-C) if one was sent.
    case hung

    var description: String {
      switch self {
      case .exited(let status): "exit status \(status)"
      case .signalled(let signal): "killed by signal \(signal)"
      case .hung: "hung (still running at the deadline)"
      }
    }
  }

  var end: End
  var stdout: String
  var stderr: String

  static let binary: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent(".build/debug/gradbook")
  }()

  /// The memory limit, in KiB: twice the tensor memory cap, so a tensor at the cap fits but
  /// work sized by something unbounded does not.
  static let memoryLimitKiB = 4 << 20

  /// Runs `gradbook arguments…` with `input` on standard input.
  /// - Parameters:
  ///   - interruptAfter: seconds after which it gets SIGINT, as Ctrl-C sends; it must then
  ///     stop within `grace` seconds.
  ///   - deadline: seconds after which, without an interrupt, it counts as hung.
  ///   - environment: variables to set for it on top of this process's.
  static func run(
    _ arguments: [String], input: String = "", interruptAfter: Double? = nil,
    deadline: Double = 60, grace: Double = 10, environment extra: [String: String] = [:]
  ) throws -> LimitedRun {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gradbook-limited-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let inURL = folder.appendingPathComponent("in")
    let outURL = folder.appendingPathComponent("out")
    let errURL = folder.appendingPathComponent("err")
    try input.write(to: inURL, atomically: true, encoding: .utf8)
    guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
      FileManager.default.createFile(atPath: errURL.path, contents: nil)
    else { throw CocoaError(.fileWriteUnknown) }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    // `exec` makes the shell become gradbook, so the process id and its signals are its own.
    process.arguments =
      ["-c", "ulimit -v \(memoryLimitKiB) && exec \"$@\"", "sh", binary.path] + arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    // A crash is seen by its signal; the backtracer would only make it slow.
    environment["SWIFT_BACKTRACE"] = "enable=no"
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { _, new in new }
    process.environment = environment
    process.standardInput = try FileHandle(forReadingFrom: inURL)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()

    let start = Date()
    var interrupted = false
    var hung = false
    while process.isRunning {
      let elapsed = Date().timeIntervalSince(start)
      if let after = interruptAfter, !interrupted, elapsed >= after {
        process.interrupt()
        interrupted = true
      }
      let limit = interrupted ? (interruptAfter ?? 0) + grace : deadline
      if elapsed >= limit {
        hung = true
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        break
      }
      usleep(2_000)
    }
    process.waitUntilExit()
    let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    let end: End =
      hung
      ? .hung
      : process.terminationReason == .uncaughtSignal
        ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
    return LimitedRun(end: end, stdout: out, stderr: err)
  }

  /// Whether the run ended as a crash: a signal, or the runtime's own words for a trap.
  var crashed: Bool {
    if case .signalled = end { return true }
    return stderr.contains("Fatal error") || stderr.contains("Program crashed")
  }
}
