import ArgumentParser
import Foundation
import Kernel

/// `gradbook kernel`: Gradbook as a Jupyter kernel.
struct KernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernel",
    abstract: "Gradbook as a Jupyter kernel.",
    subcommands: [
      ServeKernel.self, KernelInstall.self,
    ],
    defaultSubcommand: ServeKernel.self)
}

/// Serves the Jupyter messaging protocol on the sockets a connection file names.
struct ServeKernel: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the Jupyter protocol on the sockets of a connection file (the default).",
    discussion: """
      Jupyter starts this itself (the kernelspec's argv is gradbook kernel {connection_file}). \
      The kernel binds only to the address in the file, signs with its key, and runs cells \
      with the rules of notebook replay: files are written only in the folder it was started \
      in (the notebook's), and there is no shell.
      """)

  @Argument(help: "The connection file Jupyter wrote (JSON: ip, ports, key).")
  var connectionFile: String

  @Option(help: "Seed of the random generator.")
  var seed: UInt64 = 42

  @OptionGroup var memory: MemoryOption

  func run() throws {
    try memory.apply()
    let connection: ConnectionFile
    do {
      connection = try ConnectionFile.read(connectionFile)
    } catch {
      FileHandle.standardError.write(Data("gradbook kernel: \(error)\n".utf8))
      throw ExitCode.failure
    }
    let backend = WorkspaceKernelBackend(
      folder: FileManager.default.currentDirectoryPath, seed: seed)
    SignalInterrupts.listen { [backend] in backend.interrupt() }
    ParentWatch.start()
    let server: KernelServer
    do {
      server = try KernelServer(
        connection: connection, backend: backend,
        info: .init(implementationVersion: Gradbook.version, languageVersion: Gradbook.version))
    } catch {
      FileHandle.standardError.write(Data("gradbook kernel: \(error)\n".utf8))
      throw ExitCode.failure
    }
    server.run()
  }
}
