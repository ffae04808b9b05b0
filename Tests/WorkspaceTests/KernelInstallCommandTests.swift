import Foundation
import Testing

/// `gradbook kernel install` through the built command. The system-wide default is never
/// run here (it would change the machine); where it goes is `KernelSpecTests`' concern.
@Suite struct KernelInstallCommandTests {
  let cli = CommandLineTests()

  func temporaryFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-kernel-install-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
  }

  func realPath(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  }

  /// `argv` of the kernel.json in `folder`.
  func argv(in folder: String) throws -> [String] {
    let data = try #require(FileManager.default.contents(atPath: folder + "/kernel.json"))
    let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(json["argv"] as? [String])
  }

  @Test func withPrefixItInstallsIntoTheEnvironmentAndStartsThisVeryGradbook() throws {
    let prefix = try temporaryFolder()
    let run = try cli.gradbook(["kernel", "install", "--prefix", prefix])
    #expect(run.status == 0, "\(run.stderr)")
    let folder = prefix + "/share/jupyter/kernels/gradbook"
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "Installed the Jupyter kernel gradbook in \(folder)")
    #expect(
      lines.contains(
        "Jupyter finds it there when that prefix is its own (a virtualenv, conda), or with JUPYTER_PATH=\(prefix)/share/jupyter"
      ))
    #expect(run.stdout.contains("jupyter console --kernel gradbook"))
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(files == ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"])
    let arguments = try argv(in: folder)
    #expect(arguments.count == 3)
    #expect(arguments.dropFirst() == ["kernel", "{connection_file}"])
    // Absolute, so Jupyter finds it from any folder and with any PATH.
    #expect(arguments.first?.hasPrefix("/") == true)
    #expect(realPath(arguments[0]) == realPath(CommandLineTests.binary.path))
    #expect(lines.contains("It starts \(arguments[0]) kernel {connection_file}"))
  }

  @Test func aRelativePrefixIsMadeAbsolute() throws {
    let prefix = try temporaryFolder()
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = ["kernel", "install", "--prefix", "env"]
    process.currentDirectoryURL = URL(fileURLWithPath: prefix)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let folder = prefix + "/env/share/jupyter/kernels/gradbook"
    #expect(FileManager.default.fileExists(atPath: folder + "/kernel.json"))
  }

  @Test func withUserItInstallsWhereJupyterLooksForTheUsersKernels() throws {
    let root = try temporaryFolder()
    let base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    let cases: [([String: String], String)] = [
      (["HOME": root + "/home", "JUPYTER_DATA_DIR": root + "/data"], root + "/data/kernels"),
      (["HOME": root + "/home", "XDG_DATA_HOME": root + "/xdg"], root + "/xdg/jupyter/kernels"),
      (["HOME": root + "/home"], root + "/home/.local/share/jupyter/kernels"),
    ]
    for (environment, kernels) in cases {
      let run = try cli.gradbook(
        ["kernel", "install", "--user"], environment: base.merging(environment) { $1 })
      #expect(run.status == 0, "\(run.stderr)")
      #expect(
        run.stdout.hasPrefix("Installed the Jupyter kernel gradbook in \(kernels)/gradbook\n"))
      #expect(FileManager.default.fileExists(atPath: kernels + "/gradbook/logo-64x64.png"))
    }
  }

  @Test func bothPlacesOrAFileInTheWayIsAClearErrorAndWritesNothing() throws {
    let root = try temporaryFolder()
    let both = try cli.gradbook(["kernel", "install", "--user", "--prefix", root])
    #expect(both.status == 1)
    #expect(both.stderr == "gradbook: --user and --prefix name two places; choose one\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)

    try "x".write(toFile: root + "/share", atomically: true, encoding: .utf8)
    let blocked = try cli.gradbook(["kernel", "install", "--prefix", root])
    #expect(blocked.status == 1)
    #expect(
      blocked.stderr
        == "gradbook: cannot create \(root)/share/jupyter/kernels: \(root)/share is a file, not a folder\n"
    )
    #expect(blocked.stdout.isEmpty)
  }

  /// `gradbook ARGUMENTS…` as an ordinary user: as root (who may write anywhere) through
  /// util-linux's setpriv as nobody; nil when root has no setpriv.
  func gradbookWithoutPrivileges(_ arguments: [String]) throws -> CommandLineTests.Outcome? {
    let process = Process()
    if getuid() == 0 {
      let setpriv = "/usr/bin/setpriv"
      guard FileManager.default.isExecutableFile(atPath: setpriv) else { return nil }
      process.executableURL = URL(fileURLWithPath: setpriv)
      process.arguments =
        ["--reuid=65534", "--regid=65534", "--clear-groups", CommandLineTests.binary.path]
        + arguments
    } else {
      process.executableURL = CommandLineTests.binary
      process.arguments = arguments
    }
    // A home nobody can write: whatever is tried, nothing lands in a real one.
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return .init(
      status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
      stderr: String(decoding: err, as: UTF8.self))
  }

  @Test func aFolderYouCannotWriteIsNamedAndTheSystemDefaultSuggestsUser() throws {
    let root = try temporaryFolder()
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: root)
    guard let denied = try gradbookWithoutPrivileges(["kernel", "install", "--prefix", root])
    else {
      Issue.record("running as root without /usr/bin/setpriv: cannot drop privileges")
      return
    }
    #expect(denied.status == 1)
    #expect(
      denied.stderr
        == "gradbook: cannot create \(root)/share/jupyter/kernels: \(root) is not writable by you\n"
    )
    #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)

    // The default, for everyone, needs root; an ordinary user is told what to do instead.
    if !FileManager.default.fileExists(atPath: "/usr/local/share/jupyter/kernels/gradbook") {
      let system = try #require(try gradbookWithoutPrivileges(["kernel", "install"]))
      #expect(system.status == 1)
      #expect(
        system.stderr.hasSuffix(
          "not writable by you; install it for yourself with gradbook kernel install "
            + "--user, or into an environment with --prefix DIR\n"), "\(system.stderr)")
      #expect(system.stderr.hasPrefix("gradbook: cannot create /usr/local/share/jupyter/kernels"))
    }
  }
}
