import Foundation

/// What gnuplot answered to one batch.
public struct GnuplotReply: Sendable, Equatable {
  /// What gnuplot wrote to standard output for this batch, the marker removed: the dumb
  /// terminal's text (it starts with a form feed), sixel data, `print` output. Bytes that
  /// are not UTF-8 (a PNG sent to stdout) are replaced, so images go to files.
  public var output: String
  /// gnuplot's standard error lines for this batch that were not part of an error: its
  /// warnings ("warning: …", "Warning: empty y range …") and whatever the script sent
  /// there itself with `printerr`.
  public var warnings: [String]

  public init(output: String, warnings: [String] = []) {
    self.output = output
    self.warnings = warnings
  }
}

/// The bridge to one long-lived gnuplot, fed batches of commands on its standard input.
///
/// One process per session, so a plot costs a few milliseconds rather than gnuplot's
/// start-up, and settings a script relies on stay put. Each batch is followed by a marker
/// that gnuplot prints on both of its outputs (gnuplotlib's checkpoint): reading each output
/// up to its marker gives exactly this batch's text and errors, and tells that every file
/// the batch wrote is closed. gnuplot reading a pipe goes on after an error, so a failed
/// batch leaves it running; one that died or hung is replaced by a fresh process on the
/// next batch.
///
/// Calls are serialized by a lock; the class is meant for one thread at a time.
public final class GnuplotProcess: @unchecked Sendable {
  /// The gnuplot to run: a path, a name looked up on PATH, or nil for "gnuplot" on PATH.
  public let executable: String?
  /// How many seconds a batch may take, writing it and reading the answer together.
  public let timeout: Double

  private let lock = NSLock()
  private var child: GnuplotChild?
  private var batches = 0

  public init(executable: String? = nil, timeout: Double = 20) {
    self.executable = executable
    self.timeout = timeout
  }

  deinit { stop() }

  /// Where `gnuplot` is on `path` (colon-separated folders), or nil. Empty entries, which
  /// would mean the current folder, are skipped: a plot should not run whatever program
  /// called gnuplot sits where the user happens to be. A nil `path` searches the folders
  /// the C library's `execvp` falls back to.
  public static func locate(path: String? = ProcessInfo.processInfo.environment["PATH"])
    -> String?
  {
    find("gnuplot", on: path)
  }

  /// Whether a gnuplot started by this bridge is alive now.
  public var isRunning: Bool {
    lock.lock()
    defer { lock.unlock() }
    return child?.isAlive ?? false
  }

  /// The running gnuplot's process id, nil before the first batch and after it ended;
  /// tests kill it to check that the next batch starts a new one.
  public var processIdentifier: Int32? {
    lock.lock()
    defer { lock.unlock() }
    guard let child, child.isAlive else { return nil }
    return child.pid
  }

  /// Sends `script` (several commands), then a marker; reads stdout and stderr up to the
  /// marker, so every error belongs to this batch, and so any `set output "file"` in the
  /// script is complete when this returns: the script is followed by `unset multiplot` and
  /// `set output`, which close and flush the file.
  ///
  /// Starts gnuplot if it is not running (the first batch, or it died since the last one).
  /// Throws `.failed` when gnuplot reported an error (it keeps running), `.timedOut` when
  /// no answer came within `timeout` seconds (it is killed), `.died` when it exited.
  public func run(_ script: String) throws -> GnuplotReply {
    lock.lock()
    defer { lock.unlock() }
    batches += 1
    let marker = "gradbook-gnuplot-\(getpid())-\(batches)-\(UInt64.random(in: 1...UInt64.max))"
    // A blank line first: it ends a last line continued with `\`, and it is what a final
    // `pause -1` consumes from the pipe instead of the marker commands. `unset multiplot`
    // and `set output` finish and close any figure and file; `set print "-"` sends the
    // marker (and the next batch's `print`s) to stdout, whatever the script printed to.
    let epilogue = """


      unset multiplot
      set output
      set print "-"
      print "\(marker)"
      printerr "\(marker)"

      """
    let payload = Array((script + epilogue).utf8)
    let markerLine = Array((marker + "\n").utf8)
    // gnuplot may have died before this batch reached it (killed or crashed since the last
    // batch, its end not yet visible when the batch was sent): a fresh process gets the
    // batch once more. A batch that itself ends gnuplot without a word ends the second too.
    var tries = 0
    while true {
      tries += 1
      switch try attempt(payload, marker: markerLine) {
      case .answered(let reply): return reply
      case .endedSilently(let reason): if tries == 2 { throw GnuplotError.died(reason) }
      }
    }
  }

  /// Ends gnuplot: `quit`, its input closed, then SIGTERM and SIGKILL to its process group
  /// if it does not leave within a second. The next `run` starts a new one.
  public func stop() {
    lock.lock()
    defer { lock.unlock() }
    guard let child else { return }
    self.child = nil
    child.stop()
  }

  private enum Attempt {
    case answered(GnuplotReply)
    /// gnuplot ended having written nothing for this batch; the reason for `.died`.
    case endedSilently(String)
  }

  private func attempt(_ payload: [UInt8], marker: [UInt8]) throws -> Attempt {
    let child = try liveChild()
    let deadline = Date(timeIntervalSinceNow: timeout)
    child.beginBatch()
    let written = child.write(payload, until: deadline)
    if written == .timedOut {
      discard(child)
      throw GnuplotError.timedOut(timeout)
    }
    // A write that failed (gnuplot gone) is noticed below: its outputs end.
    switch child.collect(marker, until: deadline, inputClosed: written == .closed) {
    case .answered(let output, let errors):
      return .answered(try Self.reply(output: output, errors: errors))
    case .timedOut:
      discard(child)
      throw GnuplotError.timedOut(timeout)
    case .ended(let silent):
      discard(child)
      let reason = child.endReason()
      if silent { return .endedSilently(reason) }
      throw GnuplotError.died(reason)
    }
  }

  /// The running child, or a new one when there is none or it has died since.
  private func liveChild() throws -> GnuplotChild {
    if let child, !child.isAlive { discard(child) }
    if let child { return child }
    guard let path = Self.resolve(executable) else { throw GnuplotError.notInstalled }
    let started = try GnuplotChild.start(path)
    child = started
    return started
  }

  private func discard(_ old: GnuplotChild) {
    old.kill()
    if child === old { child = nil }
  }

  /// The executable to start: a path as given, a bare name looked up on PATH.
  private static func resolve(_ executable: String?) -> String? {
    guard let executable else { return locate() }
    if executable.contains("/") { return isExecutableFile(executable) ? executable : nil }
    return find(executable, on: ProcessInfo.processInfo.environment["PATH"])
  }

  private static func find(_ name: String, on path: String?) -> String? {
    for folder in (path ?? "/usr/bin:/bin").split(separator: ":") {
      let candidate = folder.hasSuffix("/") ? "\(folder)\(name)" : "\(folder)/\(name)"
      if isExecutableFile(candidate) { return candidate }
    }
    return nil
  }

  /// A regular file we may execute (a folder has its x bit too).
  private static func isExecutableFile(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
    return access(path, X_OK) == 0
  }

  // MARK: Reading gnuplot's answer

  /// A successful batch's reply, or `.failed` when its stderr holds an error.
  private static func reply(output: [UInt8], errors: [UInt8]) throws -> GnuplotReply {
    let found = diagnostics(in: String(decoding: errors, as: UTF8.self))
    if !found.errors.isEmpty { throw GnuplotError.failed(found.errors.joined(separator: "\n")) }
    return GnuplotReply(output: String(decoding: output, as: UTF8.self), warnings: found.warnings)
  }

  /// What gnuplot prints before the command it could not read, in its error blocks.
  private static let echoPrefix = "gnuplot> "

  /// Sorts a batch's stderr into errors and warnings.
  ///
  /// gnuplot reports an error as a block between blank lines: the command echoed after
  /// `gnuplot> ` and a caret under the place it stopped, when it has them, then
  /// `line 0: message` indented, sometimes followed by more lines (`system error: …`).
  /// Each error becomes the command, the caret (still under its place) and the message;
  /// "line 0" is dropped since gnuplot reading a pipe does not count lines, while a
  /// `"file" line 3` from a loaded file is kept. Lines whose message starts with
  /// "warning:" (any case), and lines outside error blocks, are warnings.
  static func diagnostics(in text: String) -> (errors: [String], warnings: [String]) {
    var errors: [String] = []
    var warnings: [String] = []
    var block: [String] = []
    var inError = false
    func close() {
      if inError && !block.isEmpty { errors.append(block.joined(separator: "\n")) }
      block = []
      inError = false
    }
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty {
        close()
      } else if line.hasPrefix(echoPrefix) {
        close()
        inError = true
        block = [String(line.dropFirst(echoPrefix.count))]
      } else if trimmed == "^" {
        let indent = line.prefix { $0 == " " }.count
        if inError { block.append(String(line.dropFirst(min(indent, echoPrefix.count)))) }
      } else if let (location, message) = located(trimmed) {
        let shown = location.map { "\($0): \(message)" } ?? message
        if message.lowercased().hasPrefix("warning:") {
          warnings.append(shown)
        } else {
          inError = true
          block.append(shown)
        }
      } else if inError && !trimmed.lowercased().hasPrefix("warning:") {
        block.append(trimmed)
      } else {
        warnings.append(trimmed)
      }
    }
    close()
    return (errors, warnings)
  }

  /// Splits gnuplot's `line N: message` (or `"file" line N: message`) into the location
  /// worth showing (nil for line 0 of the pipe) and the message; nil for any other line.
  private static func located(_ line: String) -> (String?, String)? {
    guard
      let match = line.wholeMatch(of: #/(?:"(?<file>[^"]*)" )?line (?<number>\d+):(?<message>.*)/#)
    else { return nil }
    let message = match.message.trimmingCharacters(in: .whitespaces)
    if match.file == nil && match.number == "0" { return (nil, message) }
    return (String(line[..<match.message.startIndex].dropLast()), message)
  }
}

/// One running gnuplot: its process (leader of its own process group), the socket it reads
/// commands from, and two threads that read its stdout and stderr into `GnuplotStreams`.
private final class GnuplotChild {
  let pid: pid_t
  private var input: Int32
  private let streams: GnuplotStreams
  /// The wait status once the process has been reaped.
  private var status: Int32?
  /// How much of each output had arrived when the current batch was sent.
  private var batchStart = [0, 0]

  private init(pid: pid_t, input: Int32, streams: GnuplotStreams) {
    self.pid = pid
    self.input = input
    self.streams = streams
  }

  deinit { closeInput() }

  /// Starts `path` with our environment, in its own process group so the Ctrl-C typed at
  /// the REPL (sent to the terminal's foreground group) does not reach it.
  ///
  /// Its stdin, stdout and stderr are Unix sockets, which gnuplot uses as it would pipes.
  /// Writing to a gnuplot that has died then fails with EPIPE (send's MSG_NOSIGNAL, or
  /// SO_NOSIGPIPE) instead of raising SIGPIPE, whose default action would end the REPL;
  /// ignoring SIGPIPE process-wide would change how the REPL behaves when its own output
  /// closes. And sockets are made close-on-exec atomically (Swift's Glibc has no `pipe2`),
  /// so a program another thread starts meanwhile cannot hold gnuplot's input open.
  static func start(_ path: String) throws -> GnuplotChild {
    var input: [Int32] = [-1, -1]
    var output: [Int32] = [-1, -1]
    var errors: [Int32] = [-1, -1]
    guard connect(&input), connect(&output), connect(&errors) else {
      let reason = String(cString: strerror(errno))
      for fd in input + output + errors where fd >= 0 { close(fd) }
      throw GnuplotError.died("could not start gnuplot: \(reason)")
    }

    #if os(Linux)
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #else
      var actions: posix_spawn_file_actions_t?
      var attributes: posix_spawnattr_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[1], 0)
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Group 0: a new process group led by gnuplot. Signals the REPL ignores or blocks (a
    // test runner may ignore SIGINT) go back to their defaults in gnuplot.
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("gnuplot"), nil]
    let environment: [UnsafeMutablePointer<CChar>?] =
      ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in arguments + environment { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, &attributes, arguments, environment)
    close(input[1])
    close(output[1])
    close(errors[1])
    guard spawned == 0 else {
      close(input[0])
      close(output[0])
      close(errors[0])
      if [ENOENT, EACCES, ENOEXEC, ENOTDIR].contains(spawned) { throw GnuplotError.notInstalled }
      throw GnuplotError.died("could not start gnuplot: \(String(cString: strerror(spawned)))")
    }
    // Writes never block: a gnuplot that stops reading must not hold the REPL past the
    // batch's deadline.
    _ = fcntl(input[0], F_SETFL, fcntl(input[0], F_GETFL) | O_NONBLOCK)
    let streams = GnuplotStreams()
    streams.read(output[0], into: 0)
    streams.read(errors[0], into: 1)
    let child = GnuplotChild(pid: pid, input: input[0], streams: streams)
    // `print` goes to stderr by default; the first batch's should reach `output` too.
    _ = child.write(Array("set print \"-\"\n".utf8), until: Date(timeIntervalSinceNow: 1))
    return child
  }

  /// Whether the process has not exited; reaps it when it has.
  var isAlive: Bool {
    reap()
    return status == nil
  }

  private func reap() {
    guard status == nil else { return }
    var waited: Int32 = 0
    let result = waitpid(pid, &waited, WNOHANG)
    if result == pid {
      status = waited
    } else if result < 0 && errno == ECHILD {
      status = -1  // reaped by someone else; how it ended is unknown
    }
  }

  /// Reaps the process, waiting up to `seconds`; whether it has exited.
  @discardableResult
  private func waitForExit(_ seconds: Double) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while true {
      reap()
      if status != nil { return true }
      if Date() >= deadline { return false }
      usleep(5_000)
    }
  }

  /// A connected pair of close-on-exec sockets: ours first, gnuplot's second.
  private static func connect(_ pair: inout [Int32]) -> Bool {
    #if os(Linux)
      let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
      return socketpair(AF_UNIX, kind, 0, &pair) == 0
    #else
      guard socketpair(AF_UNIX, SOCK_STREAM, 0, &pair) == 0 else { return false }
      for fd in pair { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
      var on: Int32 = 1
      let size = socklen_t(MemoryLayout<Int32>.size)
      return setsockopt(pair[0], SOL_SOCKET, SO_NOSIGPIPE, &on, size) == 0
    #endif
  }

  enum Written { case written, closed, timedOut }

  /// Writes all of `bytes`, waiting for room in the socket until `deadline`.
  func write(_ bytes: [UInt8], until deadline: Date) -> Written {
    var offset = 0
    while offset < bytes.count {
      guard input >= 0 else { return .closed }
      let sent = bytes.withUnsafeBytes { raw -> Int in
        #if os(Linux)
          return send(input, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        #else
          return send(input, raw.baseAddress! + offset, raw.count - offset, 0)
        #endif
      }
      if sent > 0 {
        offset += sent
        continue
      }
      let error = errno
      if sent < 0 && error == EINTR { continue }
      guard sent < 0 && (error == EAGAIN || error == EWOULDBLOCK) else { return .closed }
      let left = deadline.timeIntervalSinceNow
      if left <= 0 { return .timedOut }
      var wanted = pollfd(fd: input, events: Int16(POLLOUT), revents: 0)
      _ = poll(&wanted, 1, Int32(min(left, 0.1) * 1000) + 1)
    }
    return .written
  }

  func beginBatch() { batchStart = streams.counts() }

  enum Collected {
    case answered(output: [UInt8], errors: [UInt8])
    case timedOut
    /// gnuplot exited; `silent` when it had written nothing since the batch was sent.
    case ended(silent: Bool)
  }

  /// Waits until both outputs have shown `marker` and takes what came before it, or
  /// until gnuplot has ended or `deadline` has passed. Checks every 100 ms whether the
  /// process is still there, since a program gnuplot started may keep its outputs open
  /// after it died.
  func collect(_ marker: [UInt8], until deadline: Date, inputClosed: Bool) -> Collected {
    var endedAt: Date?
    var lastCheck = Date.distantPast
    while true {
      switch streams.wait(for: marker, until: min(deadline, Date(timeIntervalSinceNow: 0.1))) {
      case .found(let output, let errors):
        return .answered(output: output, errors: errors)
      case .closed:
        return .ended(silent: streams.counts() == batchStart)
      case .waiting:
        break
      }
      let now = Date()
      if endedAt == nil && (inputClosed || now.timeIntervalSince(lastCheck) >= 0.1) {
        lastCheck = now
        // Output still on its way when gnuplot exits gets half a second to arrive.
        if !isAlive || inputClosed { endedAt = now }
      }
      if let endedAt, now.timeIntervalSince(endedAt) >= 0.5 {
        return .ended(silent: streams.counts() == batchStart)
      }
      if now >= deadline { return .timedOut }
    }
  }

  /// Why gnuplot ended, for `.died`: the end of what it wrote to stderr during the batch,
  /// or its exit status.
  func endReason() -> String {
    let errors = String(decoding: streams.errors(from: batchStart[1]), as: UTF8.self)
    let lines = errors.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    if !lines.isEmpty { return lines.suffix(10).joined(separator: "\n") }
    waitForExit(0.5)
    guard let status, status != -1 else { return "it ended without a message" }
    let signal = status & 0x7f
    if signal == 0 { return "it exited with status \((status >> 8) & 0xff)" }
    return "it was killed by signal \(signal)"
  }

  /// Ends gnuplot and whatever it started at once (after a timeout or its death).
  func kill() {
    if status == nil {
      sendSignal(SIGKILL, to: -pid)
      sendSignal(SIGKILL, to: pid)
    }
    closeInput()
    waitForExit(2)
  }

  /// Ends gnuplot politely: `quit`, then end of input, then signals to its group.
  func stop() {
    if isAlive {
      _ = write(Array("\nquit\n".utf8), until: Date(timeIntervalSinceNow: 0.2))
    }
    closeInput()
    if waitForExit(1) { return }
    sendSignal(SIGTERM, to: -pid)
    if waitForExit(0.5) { return }
    sendSignal(SIGKILL, to: -pid)
    waitForExit(2)
  }

  private func closeInput() {
    if input >= 0 { close(input) }
    input = -1
  }
}

/// gnuplot's stdout (0) and stderr (1) as they arrive, each read by its own thread so that
/// neither pipe fills while we wait on the other. The threads end, closing their ends, when
/// gnuplot and all it started have exited.
private final class GnuplotStreams: @unchecked Sendable {
  private let condition = NSCondition()
  // Guarded by `condition`.
  private var buffers: [[UInt8]] = [[], []]
  private var closed = [false, false]
  /// Where the marker search resumes in each buffer, so each byte is looked at about once.
  private var scanned = [0, 0]

  func read(_ fd: Int32, into stream: Int) {
    Thread.detachNewThread { [self] in
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = chunk.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        condition.lock()
        if count > 0 {
          buffers[stream].append(contentsOf: chunk[..<count])
        } else {
          closed[stream] = true
        }
        condition.broadcast()
        condition.unlock()
        if count <= 0 { break }
      }
      close(fd)
    }
  }

  func counts() -> [Int] {
    condition.lock()
    defer { condition.unlock() }
    return buffers.map(\.count)
  }

  func errors(from start: Int) -> [UInt8] {
    condition.lock()
    defer { condition.unlock() }
    return Array(buffers[1][min(start, buffers[1].count)...])
  }

  enum Waited {
    case found(output: [UInt8], errors: [UInt8])
    /// Both outputs ended before showing the marker.
    case closed
    case waiting
  }

  /// Waits until `deadline` for `marker` on both outputs; when it is there, removes
  /// everything up to it and gives what came before. The marker may arrive split across
  /// reads and after output without a final newline, so it is looked for in the bytes,
  /// not in lines.
  func wait(for marker: [UInt8], until deadline: Date) -> Waited {
    condition.lock()
    defer { condition.unlock() }
    while true {
      let found = [0, 1].map { find(marker, in: $0) }
      if let out = found[0], let err = found[1] {
        let output = Array(buffers[0][..<out])
        let errors = Array(buffers[1][..<err])
        buffers[0].removeSubrange(..<(out + marker.count))
        buffers[1].removeSubrange(..<(err + marker.count))
        scanned = [0, 0]
        return .found(output: output, errors: errors)
      }
      if closed[0] && closed[1] { return .closed }
      if !condition.wait(until: deadline) { return .waiting }
    }
  }

  private func find(_ marker: [UInt8], in stream: Int) -> Int? {
    let buffer = buffers[stream]
    guard buffer.count >= marker.count else { return nil }
    let last = buffer.count - marker.count
    var start = scanned[stream]
    while start <= last {
      if buffer[start] == marker[0] && buffer[start..<(start + marker.count)].elementsEqual(marker)
      {
        return start
      }
      start += 1
    }
    scanned[stream] = start
    return nil
  }
}

// The C library's calls under names that the methods `kill()` and `read(_:into:)` do not
// shadow. A negative pid signals the whole process group.
private func sendSignal(_ signal: Int32, to pid: pid_t) { _ = kill(pid, signal) }

private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(fd, buffer, count)
}
