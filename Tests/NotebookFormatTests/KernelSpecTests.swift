import Foundation
import Testing

@testable import NotebookFormat

@Suite struct KernelSpecTests {
  func temporaryFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-kernelspec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
  }

  @Test func kernelJSONStartsTheGivenExecutableWithTheConnectionFile() throws {
    let text = KernelSpec.kernelJSON(executable: "/opt/gb/bin/gradbook")
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(json["argv"] as? [String] == ["/opt/gb/bin/gradbook", "kernel", "{connection_file}"])
    #expect(json["display_name"] as? String == "Gradbook")
    #expect(json["language"] as? String == "gradbook")
    #expect(json["interrupt_mode"] as? String == "message")
    #expect(Set(json.keys) == ["argv", "display_name", "language", "interrupt_mode"])
  }

  /// Width and height from a PNG's IHDR chunk, which follows the 8-byte signature.
  func pngSize(_ data: Data) -> (Int, Int)? {
    let bytes = [UInt8](data)
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count > 24, Array(bytes[0..<8]) == signature,
      String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR"
    else { return nil }
    func big(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (big(16), big(20))
  }

  @Test func theLogosAreAPNGOfEachSizeAndTheCommittedSVG() throws {
    let files = KernelSpec.files(executable: "/x/gradbook")
    #expect(
      Set(files.keys) == ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"])
    let small = try #require(files["logo-32x32.png"].flatMap(pngSize))
    let large = try #require(files["logo-64x64.png"].flatMap(pngSize))
    #expect(small == (32, 32))
    #expect(large == (64, 64))
    // The SVG in the binary is the one Scripts/kernel-logo/make-logos was run on: had
    // logo.svg changed without rerunning it, the PNGs would show an older logo.
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Scripts/kernel-logo/logo.svg")
    let committed = try String(contentsOf: source, encoding: .utf8)
    let svg = try #require(files["logo-svg.svg"])
    #expect(String(decoding: svg, as: UTF8.self) + "\n" == committed)
  }

  @Test func theKernelsFolderIsWhereJupyterLooks() {
    let home = "/home/ada"
    func folder(_ location: KernelSpec.Location, _ environment: [String: String] = [:]) -> String {
      KernelSpec.kernelsFolder(at: location, environment: environment, home: home)
    }
    #expect(folder(.system) == "/usr/local/share/jupyter/kernels")
    #expect(folder(.system, ["JUPYTER_DATA_DIR": "/j"]) == "/usr/local/share/jupyter/kernels")
    #expect(folder(.prefix("/venv")) == "/venv/share/jupyter/kernels")
    #expect(folder(.prefix("/venv/")) == "/venv/share/jupyter/kernels")
    #expect(folder(.user, ["JUPYTER_DATA_DIR": "/j"]) == "/j/kernels")
    #if os(macOS)
      #expect(folder(.user) == "/home/ada/Library/Jupyter/kernels")
    #else
      #expect(folder(.user) == "/home/ada/.local/share/jupyter/kernels")
      #expect(folder(.user, ["JUPYTER_DATA_DIR": ""]) == "/home/ada/.local/share/jupyter/kernels")
      #expect(folder(.user, ["XDG_DATA_HOME": "/x"]) == "/x/jupyter/kernels")
      #expect(
        folder(.user, ["XDG_DATA_HOME": "/x", "JUPYTER_DATA_DIR": "/j"]) == "/j/kernels")
    #endif
  }

  @Test func installWritesTheFolderAndAReinstallReplacesItsFiles() throws {
    let root = try temporaryFolder()
    let kernels = root + "/share/jupyter/kernels"
    let folder = try KernelSpec.install(executable: "/old/gradbook", into: kernels)
    #expect(folder == kernels + "/gradbook")
    try "stale".write(toFile: folder + "/logo-svg.svg", atomically: true, encoding: .utf8)
    _ = try KernelSpec.install(executable: "/new/gradbook", into: kernels)
    let written = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(written == ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"])
    for (name, data) in KernelSpec.files(executable: "/new/gradbook") {
      #expect(FileManager.default.contents(atPath: folder + "/" + name) == data, "\(name)")
    }
  }

  @Test func aFileInTheWayOrALinkedFolderIsAnErrorAndNothingIsWrittenThroughIt() throws {
    let root = try temporaryFolder()
    try "x".write(toFile: root + "/share", atomically: true, encoding: .utf8)
    #expect(
      throws: KernelSpec.InstallError(
        message:
          "cannot create \(root)/share/jupyter/kernels: \(root)/share is a file, not a folder"
      )
    ) {
      try KernelSpec.install(executable: "/x/gradbook", into: root + "/share/jupyter/kernels")
    }

    if getuid() != 0 {
      let locked = root + "/locked"
      try FileManager.default.createDirectory(
        atPath: locked, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o555])
      #expect(
        throws: KernelSpec.InstallError(
          message: "cannot write in \(locked): it is not writable by you")
      ) {
        try KernelSpec.install(executable: "/x/gradbook", into: locked)
      }
    }

    // gradbook/ pointing elsewhere (at someone's home, say) is refused, not followed.
    let elsewhere = try temporaryFolder()
    let kernels = root + "/kernels"
    try FileManager.default.createDirectory(atPath: kernels, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: kernels + "/gradbook", withDestinationPath: elsewhere)
    #expect(throws: KernelSpec.InstallError.self) {
      try KernelSpec.install(executable: "/x/gradbook", into: kernels)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
  }
}
