import ArgumentParser
import Foundation
import TensorEngine

/// `--memory SIZE`: the most memory the session's tensors may hold together (see
/// `MemoryBudget`), for every command that evaluates code.
struct MemoryOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The most memory the session's tensors may hold together, as 8G or 512M (default: "
        + "\(Tensor.formatBytes(MemoryBudget.defaultLimit)), half this machine's memory "
        + "and at most 4G; or set \(MemoryBudget.environmentVariable)).",
      valueName: "size"))
  var memory: String?

  /// Sets the limit from the option, else from the environment; a size that cannot be read
  /// stops the command before anything runs.
  /// Every command that evaluates code passes here first, so this is also where the heap
  /// is told to keep large freed blocks (`HeapPolicy`).
  func apply() throws {
    HeapPolicy.reuseLargeBlocks()
    do {
      try MemoryBudget.configure(option: memory)
    } catch let error as TensorError {
      FileHandle.standardError.write(Data("gradbook: \(error.message)\n".utf8))
      throw ExitCode.failure
    }
  }
}
