import Foundation
import NotebookFormat
import TensorLanguage

/// Where a notebook being replayed keeps the files it names (`save(net, "m.safetensors")`,
/// `load_model("m.safetensors")`): like its figures, only inside its own folder. A notebook
/// from someone else must not write anywhere else, so a name that is absolute, climbs out
/// with `..`, or passes a symbolic link is refused.
///
/// `gradbook run` writes into the notebook's folder; `gradbook check`, which must leave the
/// source tree as it was, writes into a temporary folder and reads a name there first, then
/// in the notebook's folder.
public struct NotebookFiles: Sendable {
  /// The folder `save` writes into.
  public var writeFolder: String
  /// The folders a name is looked up in, in order.
  public var readFolders: [String]

  public init(writeFolder: String, readFolders: [String]? = nil) {
    self.writeFolder = writeFolder
    self.readFolders = readFolders ?? [writeFolder]
  }

  /// The parts of a relative name inside the folder, or the reason it is refused.
  static func parts(of name: String) throws -> [String] {
    let refusal =
      "a notebook saves only into its own folder, like its figures: give a name such as "
      + "\"model.safetensors\", not \(name)"
    guard !name.isEmpty, !name.hasPrefix("/"), !name.hasPrefix("~") else {
      throw RuntimeError(refusal)
    }
    let parts = name.split(separator: "/").map(String.init).filter { $0 != "." }
    guard !parts.isEmpty, !parts.contains("..") else { throw RuntimeError(refusal) }
    return parts
  }

  /// Writes `data` as `name` inside the write folder, through no link.
  func write(_ data: Data, named name: String) throws {
    let parts = try Self.parts(of: name)
    do {
      var folder = try SafeFolder(writeFolder)
      for part in parts.dropLast() {
        if folder.kind(of: part) == .link {
          throw RuntimeError(
            "cannot save \(name): \(folder.shown(part)) is a symbolic link, and a notebook "
              + "never saves through one")
        }
        folder = try folder.subfolder(part)
      }
      // parts is not empty (checked above).
      try folder.write(data, as: parts[parts.count - 1])
    } catch let refusal as SafeFolder.Refusal {
      throw RuntimeError("cannot save \(name): \(refusal.message)")
    }
  }

  /// The path of `name` in the first read folder that has it (the write folder's when none
  /// has it, so the error names where it was looked for); an absolute name is kept.
  func path(for name: String) -> String {
    guard !name.hasPrefix("/") else { return name }
    let candidates = readFolders.map { Self.joined($0, name) }
    return candidates.first { FileManager.default.fileExists(atPath: $0) }
      ?? Self.joined(writeFolder, name)
  }

  private static func joined(_ folder: String, _ name: String) -> String {
    folder.isEmpty || folder == "."
      ? name : folder.hasSuffix("/") ? folder + name : "\(folder)/\(name)"
  }
}
