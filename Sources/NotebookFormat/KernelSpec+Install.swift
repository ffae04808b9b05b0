import Foundation

extension KernelSpec {
  /// Where a kernelspec goes, as `jupyter kernelspec install` chooses.
  public enum Location: Equatable, Sendable {
    /// For every user of the machine: Jupyter's first system data folder.
    case system
    /// For the current user only: Jupyter's user data folder.
    case user
    /// Into an environment (a virtualenv, conda or a folder on `JUPYTER_PATH`).
    case prefix(String)
  }

  /// Why the kernelspec could not be written, said so that the user knows what to do.
  public struct InstallError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  /// The folder that holds kernelspec folders at `location`, as jupyter_core's paths name
  /// it: `/usr/local/share/jupyter/kernels` for the system; for the user
  /// `$JUPYTER_DATA_DIR/kernels`, else `$XDG_DATA_HOME/jupyter/kernels`, else
  /// `~/.local/share/jupyter/kernels` (`~/Library/Jupyter/kernels` on macOS); and
  /// `PREFIX/share/jupyter/kernels` for a prefix.
  public static func kernelsFolder(
    at location: Location, environment: [String: String], home: String
  ) -> String {
    func nonEmpty(_ key: String) -> String? {
      guard let value = environment[key], !value.isEmpty else { return nil }
      return value
    }
    switch location {
    case .system:
      return "/usr/local/share/jupyter/kernels"
    case .prefix(let prefix):
      return join(prefix, "share/jupyter/kernels")
    case .user:
      if let data = nonEmpty("JUPYTER_DATA_DIR") { return join(data, "kernels") }
      #if os(macOS)
        return join(home, "Library/Jupyter/kernels")
      #else
        let shared = nonEmpty("XDG_DATA_HOME") ?? join(home, ".local/share")
        return join(shared, "jupyter/kernels")
      #endif
    }
  }

  /// Writes the kernelspec folder `gradbook/` into `kernelsFolder` (made when missing),
  /// replacing the files of an earlier install, and returns the folder's path.
  ///
  /// - Throws: `InstallError` naming the folder and the reason when it cannot be made or
  ///   written, or when `gradbook/` there is a symbolic link (never written through).
  public static func install(executable: String, into kernelsFolder: String) throws -> String {
    let destination = join(kernelsFolder, name)
    do {
      try FileManager.default.createDirectory(
        atPath: kernelsFolder, withIntermediateDirectories: true)
    } catch {
      throw InstallError(
        message: "cannot create \(kernelsFolder): \(reason(error, near: kernelsFolder))")
    }
    // Said plainly here, rather than as the failed mkdir of gradbook/ inside it.
    guard FileManager.default.isWritableFile(atPath: kernelsFolder) else {
      throw InstallError(
        message: "cannot write in \(kernelsFolder): it is not writable by you")
    }
    do {
      let folder = try SafeFolder(kernelsFolder).subfolder(name, create: true)
      // Sorted, so a failure always stops at the same file.
      for (file, data) in files(executable: executable).sorted(by: { $0.key < $1.key }) {
        try folder.write(data, as: file)
      }
    } catch let refusal as SafeFolder.Refusal {
      throw InstallError(message: refusal.message)
    }
    return destination
  }

  /// What stopped a folder from being made, in words: the first missing permission on the
  /// way is the usual reason, and the one worth naming.
  static func reason(_ error: Error, near path: String) -> String {
    var existing = path
    while !existing.isEmpty, existing != "/", !FileManager.default.fileExists(atPath: existing) {
      existing = (existing as NSString).deletingLastPathComponent
    }
    if !existing.isEmpty, !FileManager.default.isWritableFile(atPath: existing) {
      return "\(existing) is not writable by you"
    }
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: existing, isDirectory: &isFolder),
      !isFolder.boolValue
    {
      return "\(existing) is a file, not a folder"
    }
    return (error as NSError).localizedDescription
  }

  static func join(_ folder: String, _ rest: String) -> String {
    folder.hasSuffix("/") ? folder + rest : folder + "/" + rest
  }
}
