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

/// Figures in notebooks, and notebooks from strangers.
@Suite struct NotebookFigureTests {
  let cli = CommandLineTests()

  func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-nb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func runDrawsFiguresBesideTheNotebookAndCheckComparesTheirHashes() throws {
    let dir = try folder()
    let file = dir.appendingPathComponent("curves.nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    plot([relu, tanh], -2..2)
    ```
    ```gradbook
    plot(xor())
    ```

    """.write(toFile: file, atomically: true, encoding: .utf8)
    #expect(try cli.gradbook(["run", file]).status == 0)
    let text = try String(contentsOfFile: file, encoding: .utf8)
    let notebook = try NotebookReader.read(text)
    let figures = notebook.cells.flatMap(\.figures)
    #expect(figures.map(\.path) == ["curves.nb.assets/cell-1.svg", "curves.nb.assets/cell-2.svg"])
    #expect(figures.map(\.kind) == ["functions", "points"])
    #expect(figures.map(\.title) == ["relu, tanh", "xor"])
    #expect(figures.allSatisfy { $0.hash.count == 64 })
    for figure in figures {
      let svg = try String(
        contentsOf: dir.appendingPathComponent(figure.path), encoding: .utf8)
      #expect(svg.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</svg>"))
    }
    #expect(try cli.gradbook(["check", file]).status == 0)
    // A changed hash means the figure's data changed: check says so.
    let first = try #require(figures.first)
    try text.replacingOccurrences(of: first.hash, with: String(repeating: "0", count: 64))
      .write(toFile: file, atomically: true, encoding: .utf8)
    let check = try cli.gradbook(["check", file])
    #expect(check.status == 1)
    #expect(check.stdout.contains("-figure curves.nb.assets/cell-1.svg functions data-sha256=000"))
    // A figure no cell links to any more is removed when the notebook is run again.
    try "<!-- gradbook notebook format=1 seed=42 -->\n```gradbook\n1\n```\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    #expect(try cli.gradbook(["run", file]).status == 0)
    let left = try FileManager.default.contentsOfDirectory(
      atPath: dir.appendingPathComponent("curves.nb.assets").path)
    #expect(left.isEmpty)
  }

  /// A stranger's notebook: figure links leaving the folder, a plot to a file elsewhere,
  /// titles trying gnuplot's shell escapes. Replaying writes only beside the notebook and
  /// runs nothing.
  @Test func aHostileNotebookWritesNothingOutsideItsFolderAndRunsNothing() throws {
    let outside = try folder()
    let top = try folder()
    // Two levels down, so that ../../x.svg would land in `top`, which must stay as it is.
    let dir = top.appendingPathComponent("a/b")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let marker = outside.appendingPathComponent("pwned").path
    let file = dir.appendingPathComponent("evil.nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    plot(xor(), file: "\(outside.path)/written.svg", title: "');system('touch \(marker)');#")
    ```
    ![x](../../x.svg)
    <!-- figure cell=1 kind=points data-sha256=00 -->
    ```gradbook
    plot(xor(), title: "`touch \(marker)`")
    ```
    ![y](\(outside.path)/y.svg)
    <!-- figure cell=2 kind=points data-sha256=00 -->

    """.write(toFile: file, atomically: true, encoding: .utf8)
    let check = try cli.gradbook(["check", file])
    #expect(check.status == 1)  // the recorded figures differ from the replay's
    let run = try cli.gradbook(["run", file])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: top.path) == ["a"])
    // The figures now live in the assets folder, under names of the notebook's own.
    let paths = try NotebookReader.read(String(contentsOfFile: file, encoding: .utf8)).cells
      .flatMap(\.figures).map(\.path)
    #expect(paths == ["evil.nb.assets/cell-1.svg", "evil.nb.assets/cell-2.svg"])
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
    #expect(names == ["evil.nb.md", "evil.nb.assets"])
  }

  @Test func figurePathsMustStayInTheAssetsFolder() {
    func figure(_ path: String) -> Figure {
      Figure(title: "t", path: path, cell: 1, kind: "loss", hash: "00")
    }
    #expect(figure("xor.nb.assets/cell-1.svg").isSafe(notebookName: "xor"))
    for bad in [
      "../../x.svg", "/etc/x.svg", "xor.nb.assets/../x.svg", "xor.nb.assets/a/b.svg",
      "other.nb.assets/cell-1.svg", "xor.nb.assets/.hidden", "xor.nb.assets/",
    ] {
      #expect(!figure(bad).isSafe(notebookName: "xor"), "\(bad)")
    }
  }
}

@Suite struct JournalTests {
  @Test func eachCellIsOnDiskAsSoonAsItIsAppended() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-journal-\(UUID().uuidString)")
    let journal = try Journal(folder: folder, seed: 7)
    journal.append(.cell(Cell(source: "1 + 1", output: "2\n")))
    // Read while the journal is still open: it is flushed already.
    let text = try String(contentsOf: journal.url, encoding: .utf8)
    #expect(
      text
        == "<!-- gradbook notebook format=1 seed=7 -->\n```gradbook\n1 + 1\n```\n```output\n2\n```\n"
    )
    #expect(Journal.journals(in: folder) == [journal.url])
  }

  @Test func aCellCutShortByAKillIsDroppedAndTheRestKept() throws {
    let text = """
      <!-- gradbook notebook format=1 seed=42 -->
      ```gradbook
      a = 1
      ```
      ```output
      1
      ```
      ```gradbook
      b = [1,
      """
    let (notebook, problems) = try Journal.recover(text)
    #expect(notebook.cells == [Cell(source: "a = 1", output: "1\n")])
    #expect(
      problems == [
        "line 8: this block is never closed with ```; the block from here to the end is dropped"
      ])
    let cutInOutput =
      "<!-- gradbook notebook format=1 seed=42 -->\n```gradbook\na = 1\n```\n```output\n1"
    // Cut inside its output: the statement is kept, its output is lost.
    #expect(try Journal.recover(cutInOutput).notebook.cells == [Cell(source: "a = 1")])
    #expect(throws: NotebookError.self) { try Journal.recover("garbage") }
  }
}
