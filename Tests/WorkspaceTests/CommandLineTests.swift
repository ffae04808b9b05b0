import Foundation
import Testing

/// The built `gradbook` binary, run as a user runs it: from a file and from a pipe.
@Suite struct CommandLineTests {
  static let binary: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent(".build/debug/gradbook")
  }()

  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  func gradbook(
    _ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil
  ) throws -> Outcome {
    let process = Process()
    process.executableURL = Self.binary
    process.arguments = arguments
    if let environment { process.environment = environment }
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
      stderr: String(decoding: err, as: UTF8.self))
  }

  func script(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "gradbook-\(UUID().uuidString).gb")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  @Test func aPipedScriptPrintsItsValues() throws {
    let result = try gradbook([], stdin: "x = [[1, 2], [3, 4]] @ [[1], [1]]\nx[1, 0] * 2\n")
    #expect(result.status == 0)
    #expect(result.stdout == "tensor [2, 1]\n[[3], [7]]\n14\n")
    #expect(result.stderr == "")
  }

  @Test func dashReadsStandardInput() throws {
    let result = try gradbook(["-"], stdin: "1 + 1\n")
    #expect(result.status == 0)
    #expect(result.stdout == "2\n")
  }

  @Test func aScriptFileStopsAtTheFirstErrorWithExitOne() throws {
    let path = try script("a = 1\nb = a +\n  sigmoud(2)\nc = 3\n")
    let result = try gradbook([path])
    #expect(result.status == 1)
    #expect(result.stdout == "1\n")
    #expect(
      result.stderr
        == "\(path):3:3: error: unknown name sigmoud; did you mean sigmoid?\n"
        + "    sigmoud(2)\n    ^~~~~~~\n")
  }

  @Test func syntaxErrorsAreAllReportedAndNothingRuns() throws {
    let result = try gradbook([], stdin: "print(1)\nx = )\ny = (2 +\n")
    #expect(result.status == 1)
    #expect(result.stdout == "")
    #expect(result.stderr.hasPrefix("<stdin>:2:5: error: expected an expression but found ')'\n"))
  }

  @Test func aMissingFileIsAnError() throws {
    let result = try gradbook(["/nonexistent/x.gb"])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("gradbook: cannot read /nonexistent/x.gb: no such file in /"))
  }

  /// `-i` runs the REPL over a pipe, with plain line reading: prompts, values, commands.
  @Test func interactiveOverAPipe() throws {
    let result = try gradbook(["-i"], stdin: "x = [1,\n2]\n:vars\n?zeros\n:quit\n")
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("Gradbook 0.3.0 · :help") == true)
    #expect(lines.dropFirst().first == "gb> ..> tensor [2]")
    #expect(lines.contains("[1, 2]"))
    #expect(lines.contains("gb> x  tensor  [2]"))
    #expect(lines.contains { $0.hasPrefix("gb> zeros(") })
    #expect(result.stdout.hasSuffix("gb> "))
  }

  /// With no gnuplot on PATH, plot says how to install it and the REPL goes on.
  @Test func withoutGnuplotTheSessionGoesOn() throws {
    let result = try gradbook(
      ["-i"], stdin: ":plot text\nplot(xor())\n6 * 7\n", environment: ["PATH": "/nonexistent"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("apt-get install gnuplot-nox"))
    #expect(result.stdout.contains("gb> 42\n"))
  }

  @Test func helpAndVersion() throws {
    let help = try gradbook(["--help"])
    #expect(help.status == 0)
    for line in ["start (default)", "  run ", "  check "] {
      #expect(help.stdout.contains(line), "\(line)")
    }
    let start = try gradbook(["help", "start"])
    #expect(start.stdout.contains("USAGE: gradbook start [<file>] [--seed <seed>]"))
    #expect(start.stdout.contains("starts the REPL"))
    let version = try gradbook(["--version"])
    #expect(version.status == 0)
    #expect(version.stdout == "0.3.0\n")
  }

  @Test func interruptingAScriptExits130() throws {
    let process = Process()
    process.executableURL = Self.binary
    process.arguments = [try script("i = 0\nwhile true { i = i + 1 }\n")]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = Pipe()
    try process.run()
    Thread.sleep(forTimeInterval: 0.5)
    process.interrupt()
    let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(err.hasSuffix(": interrupted\n"))
  }
}
