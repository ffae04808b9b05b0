import Foundation
import NotebookFormat
import Testing
import Workspace

/// `gradbook run` and `gradbook check` on notebook files, through the built command.
@Suite struct NotebookCommandTests {
  let cli = CommandLineTests()

  func notebook(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-\(UUID().uuidString).nb.md")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  let source = """
    <!-- gradbook notebook format=1 seed=42 -->
    # Sums

    ```gradbook
    a = [1, 2, 3]
    ```
    ```gradbook
    sum(a) * 2
    ```
    ```gradbook
    fit(dense(2, 1, sigmoid), xor(), epochs: 5)
    ```

    """

  @Test func runFillsOutputsThenCheckPassesThenAnEditedOutputFailsWithADiff() throws {
    let file = try notebook(source)
    let run = try cli.gradbook(["run", file])
    #expect(run.status == 0)
    let written = try String(contentsOfFile: file, encoding: .utf8)
    #expect(written.contains("```gradbook\nsum(a) * 2\n```\n```output\n12\n```\n"))
    // No timing in the file: the training summary ends at its accuracy.
    #expect(written.contains("```output\nepoch 5/5 · loss "))
    #expect(!written.contains(" s\n"))
    // Round trip: the written notebook reads and writes back to the same bytes.
    #expect(NotebookWriter.write(try NotebookReader.read(written)) == written)

    let check = try cli.gradbook(["check", file])
    #expect(check.status == 0)
    #expect(check.stdout.hasSuffix("3 cells, every output as recorded\n"))

    // Someone edits an output by hand.
    try written.replacingOccurrences(of: "```output\n12\n```", with: "```output\n13\n```")
      .write(toFile: file, atomically: true, encoding: .utf8)
    let failed = try cli.gradbook(["check", file])
    #expect(failed.status == 1)
    #expect(failed.stdout.contains("cell 2, recorded\n"))
    #expect(failed.stdout.contains("\n-13\n+12\n"))
    #expect(failed.stdout.hasSuffix("1 of 3 cells differ (--update accepts them)\n"))
    // check wrote nothing.
    #expect(try String(contentsOfFile: file, encoding: .utf8).contains("```output\n13\n```"))

    let update = try cli.gradbook(["check", "--update", file])
    #expect(update.status == 0)
    #expect(try String(contentsOfFile: file, encoding: .utf8) == written)
    #expect(try cli.gradbook(["check", file]).status == 0)
  }

  @Test func aToleranceAcceptsSmallDifferencesAndNoCheckAnything() throws {
    let file = try notebook(
      """
      <!-- gradbook notebook format=1 seed=42 -->
      ```gradbook {tolerance=1e-3}
      print(1 / 3, digits: 8)
      ```
      ```output
      0.3334
      ```
      ```gradbook {no-check}
      rand(1)
      ```
      ```output
      anything at all
      ```

      """)
    let check = try cli.gradbook(["check", file])
    #expect(check.status == 0, "\(check.stdout)")
    let strict = try notebook(
      """
      <!-- gradbook notebook format=1 seed=42 -->
      ```gradbook {tolerance=1e-6}
      print(1 / 3, digits: 8)
      ```
      ```output
      0.3334
      ```

      """)
    #expect(try cli.gradbook(["check", strict]).status == 1)
  }

  @Test func aMalformedNotebookNamesItsLine() throws {
    let file = try notebook("<!-- gradbook notebook format=1 seed=42 -->\n```gradbook\nx = 1\n")
    let check = try cli.gradbook(["check", file])
    #expect(check.status == 1)
    #expect(check.stderr == "gradbook: \(file):2: this block is never closed with ```\n")
  }

  /// Every notebook of the course reads and writes back to the same bytes.
  @Test func theCourseNotebooksRoundTrip() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Notebooks").standardized
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".nb.md") }
    #expect(names.count >= 2)
    for name in names {
      let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      #expect(NotebookWriter.write(try NotebookReader.read(text)) == text, "\(name)")
    }
  }
}
