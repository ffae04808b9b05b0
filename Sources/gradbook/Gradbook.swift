import ArgumentParser
import Foundation
import REPL

/// The `gradbook` command: the REPL on a terminal, or a script from a file or a pipe.
@main
struct Gradbook: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradbook",
    abstract: "A notebook-style REPL for deep learning.",
    discussion: """
      gradbook (or gradbook start) starts the REPL on a terminal, or runs a script; gradbook \
      run and gradbook check replay notebooks.
      """,
    version: version,
    subcommands: [
      Start.self, RunNotebooks.self, CheckNotebooks.self, RecoverNotebook.self, ExportNotebook.self,
      KernelCommand.self,
    ],
    defaultSubcommand: Start.self)

  static let version = "0.3.0"
}

/// The REPL on a terminal, or a script from a file or a pipe.
struct Start: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Start the REPL, or run a script (the default).",
    discussion: """
      On a terminal, gradbook with no arguments starts the REPL (:help inside it lists \
      everything). gradbook FILE.gb runs a script; gradbook - (or a pipe on standard input) runs the \
      script it reads. Errors are printed as FILE:LINE:COL: error: … with a caret under the \
      mistake; the exit status is 1 after an error and 130 when interrupted with Ctrl-C.
      """,
    version: Gradbook.version)

  @Argument(help: "A script to run (.gb), or - for standard input.")
  var file: String?

  @Option(help: "Seed of the random generator.")
  var seed: UInt64 = 42

  @Flag(
    name: .shortAndLong,
    help: "Start the REPL even when standard input is not a terminal (lines are read plainly).")
  var interactive = false

  @OptionGroup var memory: MemoryOption

  private var welcome: String { "Gradbook \(Gradbook.version) · :help for help, Ctrl-D to quit" }

  func run() throws {
    try memory.apply()
    let status: Int32
    if interactive {
      guard file == nil else {
        FileHandle.standardError.write(Data("gradbook: --interactive takes no script\n".utf8))
        throw ExitCode.failure
      }
      status = REPL.runInTerminal(welcome: welcome, seed: seed)
    } else if let file, file.hasSuffix(".nb.md"), isatty(STDIN_FILENO) == 1 {
      status = REPL.runInTerminal(welcome: welcome, seed: seed, notebook: file)
    } else if let file, file.hasSuffix(".nb.md") {
      FileHandle.standardError.write(
        Data(
          "gradbook: \(file) is a notebook: gradbook run \(file) replays it, gradbook check \(file) checks it\n"
            .utf8))
      throw ExitCode.failure
    } else if let file, file != "-" {
      guard let data = FileManager.default.contents(atPath: file),
        let source = String(data: data, encoding: .utf8)
      else {
        let folder = FileManager.default.currentDirectoryPath
        let reason =
          FileManager.default.fileExists(atPath: file)
          ? "it is not UTF-8 text" : "no such file in \(folder)"
        FileHandle.standardError.write(Data("gradbook: cannot read \(file): \(reason)\n".utf8))
        throw ExitCode.failure
      }
      status = ScriptRunner(name: file, source: source, seed: seed).run()
    } else if file == "-" || isatty(STDIN_FILENO) == 0 {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      guard let source = String(data: data, encoding: .utf8) else {
        FileHandle.standardError.write(Data("gradbook: standard input is not UTF-8 text\n".utf8))
        throw ExitCode.failure
      }
      status = ScriptRunner(name: "<stdin>", source: source, seed: seed).run()
    } else {
      status = REPL.runInTerminal(welcome: welcome, seed: seed)
    }
    if status != 0 { throw ExitCode(status) }
  }
}
