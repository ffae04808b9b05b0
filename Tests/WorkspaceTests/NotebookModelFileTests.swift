import Foundation
import NotebookFormat
import Testing
import Workspace

/// A replayed notebook saves models only into its own folder, like its figures, and loads
/// them back from there: `gradbook run` writes beside the notebook, `gradbook check` into a
/// temporary folder it removes, so the source tree stays as it was.
@Suite struct NotebookModelFileTests {
  let cli = CommandLineTests()
  let fm = FileManager.default

  func folder() throws -> URL {
    let url = fm.temporaryDirectory.appendingPathComponent("gb-model-\(UUID().uuidString)")
    try fm.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func names(_ url: URL) throws -> Set<String> {
    Set(try fm.contentsOfDirectory(atPath: url.path))
  }

  let saving = """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    net = dense(2, 3, tanh) >> dense(3, 1, sigmoid)
    fit(net, xor(), epochs: 5, live: false);
    save(net, "xor.safetensors")
    ```
    ```gradbook
    m = load_model("xor.safetensors")
    sum(abs(m(xor().x) - net(xor().x)))
    ```

    """

  @Test func runSavesBesideTheNotebookAndCheckLeavesTheFolderAsItWas() throws {
    let dir = try folder()
    defer { try? fm.removeItem(at: dir) }
    let file = dir.appendingPathComponent("t.nb.md").path
    try saving.write(toFile: file, atomically: true, encoding: .utf8)
    let run = try cli.gradbook(["run", file])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try names(dir) == ["t.nb.md", "xor.safetensors"])
    let written = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8))
    #expect(
      written.cells[1].output == "model · dense 2→3 tanh >> dense 3→1 sigmoid · 13 parameters\n0\n")

    // check replays into a temporary folder (here a private TMPDIR, to see it removed): the
    // notebook saves and loads its model there, and the folder keeps its own file as it was.
    try fm.removeItem(atPath: dir.appendingPathComponent("xor.safetensors").path)
    let tmp = try folder()
    defer { try? fm.removeItem(at: tmp) }
    var environment = ProcessInfo.processInfo.environment
    environment["TMPDIR"] = tmp.path + "/"
    let check = try cli.gradbook(["check", file], environment: environment)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    #expect(try names(dir) == ["t.nb.md"])
    #expect(try names(tmp).isEmpty)
  }

  @Test func checkReadsAModelFromTheNotebooksFolder() throws {
    let dir = try folder()
    defer { try? fm.removeItem(at: dir) }
    let first = dir.appendingPathComponent("train.nb.md").path
    try saving.write(toFile: first, atomically: true, encoding: .utf8)
    #expect(try cli.gradbook(["run", first]).status == 0)
    let second = dir.appendingPathComponent("reuse.nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    load_model("xor.safetensors").layers
    ```

    """.write(toFile: second, atomically: true, encoding: .utf8)
    #expect(try cli.gradbook(["run", second]).status == 0)
    let output =
      try NotebookReader.read(String(contentsOfFile: second, encoding: .utf8))
      .cells[0].output ?? ""
    #expect(output.contains("dense 2→3 tanh"))
    let before = try Data(contentsOf: dir.appendingPathComponent("xor.safetensors"))
    let check = try cli.gradbook(["check", second])
    #expect(check.status == 0, "\(check.stdout)")
    #expect(try Data(contentsOf: dir.appendingPathComponent("xor.safetensors")) == before)
  }

  @Test func aNotebookCannotSaveOutsideItsFolderOrThroughALink() throws {
    let outside = try folder()
    let top = try folder()
    defer {
      try? fm.removeItem(at: outside)
      try? fm.removeItem(at: top)
    }
    let dir = top.appendingPathComponent("nb")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    let victim = outside.appendingPathComponent("victim.safetensors")
    try Data("keep me".utf8).write(to: victim)
    try fm.createSymbolicLink(
      atPath: dir.appendingPathComponent("link.safetensors").path, withDestinationPath: victim.path)
    try fm.createSymbolicLink(
      atPath: dir.appendingPathComponent("away").path, withDestinationPath: outside.path)
    let file = dir.appendingPathComponent("evil.nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    save(dense(2, 1), "\(outside.path)/absolute.safetensors")
    ```
    ```gradbook
    save(dense(2, 1), "../climbed.safetensors")
    ```
    ```gradbook
    save(dense(2, 1), "link.safetensors")
    ```
    ```gradbook
    save(dense(2, 1), "away/through.safetensors")
    ```

    """.write(toFile: file, atomically: true, encoding: .utf8)
    let run = try cli.gradbook(["run", file])
    #expect(run.status == 0, "\(run.stderr)")
    let outputs = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8)).cells
      .map { $0.output ?? "" }
    #expect(outputs[0].contains("a notebook saves only into its own folder"))
    #expect(outputs[1].contains("a notebook saves only into its own folder"))
    #expect(outputs[2].contains("is a symbolic link"))
    #expect(outputs[3].contains("is a symbolic link"))
    #expect(try names(outside) == ["victim.safetensors"])
    #expect(try Data(contentsOf: victim) == Data("keep me".utf8))
    #expect(try names(top) == ["nb"])
    #expect(try names(dir) == ["evil.nb.md", "link.safetensors", "away"])
  }
}
