import Foundation
import NotebookFormat
import Testing
import Workspace

/// Issue 13: how `gradbook run` and `check --update` write a notebook and its figures
/// (against real links and folders in a temporary folder), what `load` errors quote, and
/// how journals are kept.
@Suite struct SafeSavingTests {
  let cli = CommandLineTests()
  let fm = FileManager.default

  func folder(_ name: String = "gb-safe") throws -> URL {
    let url = fm.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try fm.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  let plotting = """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    plot(xor())
    ```
    ```gradbook
    plot(moons(20))
    ```

    """

  @Test(arguments: ["Bob's notebooks", "a&b", "x(1)", "semi;colon $HOME `x`"])
  func foldersWithPunctuationHoldFigures(_ name: String) throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let dir = root.appendingPathComponent(name)
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("p.nb.md").path
    try plotting.write(toFile: file, atomically: true, encoding: .utf8)
    let run = try cli.gradbook(["run", file])
    #expect(run.status == 0, "\(run.stderr)")
    for figure in ["cell-1.svg", "cell-2.svg"] {
      let svg = try String(
        contentsOf: dir.appendingPathComponent("p.nb.assets/\(figure)"), encoding: .utf8)
      #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
    }
    // Only the figures: no temporary file is left behind.
    #expect(
      try fm.contentsOfDirectory(atPath: dir.appendingPathComponent("p.nb.assets").path).sorted()
        == ["cell-1.svg", "cell-2.svg"])
    #expect(try cli.gradbook(["check", file]).status == 0)
  }

  @Test func withoutGnuplotSaveKeepsTheWorkAndLinksNoMissingFigure() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let file = root.appendingPathComponent("g.nb.md").path
    let run = try cli.gradbook(
      ["-i"], stdin: ":plot off\nplot(xor())\n6 * 7\n:save \(file)\n",
      environment: ["PATH": "/nonexistent", "XDG_STATE_HOME": root.path])
    #expect(
      run.stdout.contains(
        "gb> saved 2 cells to \(file) without figures: cannot draw figure "
          + "g.nb.assets/cell-1.svg: "), "\(run.stdout)")
    let saved = try NotebookFile.read(file)
    #expect(saved.cells.map(\.source) == ["plot(xor())", "6 * 7"])
    #expect(saved.cells.allSatisfy { $0.figures.isEmpty })
    #expect(!fm.fileExists(atPath: root.appendingPathComponent("g.nb.assets").path))
  }

  @Test func recoverSaysWhatItCouldNotReadAndKeepsTheCellsAfterIt() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let journal = root.appendingPathComponent("session-20260101-000000-1.nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    a = 1
    ```

    ```output

    ```gradbook
    b = 2
    ```

    """.write(toFile: journal, atomically: true, encoding: .utf8)
    let target = root.appendingPathComponent("r.nb.md").path
    let run = try cli.gradbook(["recover", journal, "-o", target])
    #expect(run.status == 0)
    #expect(run.stdout == "recovered 2 cells from \(journal) into \(target)\n")
    #expect(
      run.stderr
        == "gradbook: \(journal): could not read line 6: an output block must follow its "
        + "gradbook cell directly; kept as text\n")
    #expect(try NotebookFile.read(target).cells.map(\.source) == ["a = 1", "b = 2"])
  }

  /// `:plot svg` names its files itself; the folder they go to may have any name.
  @Test func plotFilesGoIntoACurrentFolderWithPunctuation() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let dir = root.appendingPathComponent("Bob's (1) & co")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = ["-i"]
    process.currentDirectoryURL = dir
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(":plot svg\nplot(xor())\n".utf8))
    try input.fileHandleForWriting.close()
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(out.contains("gb> wrote plot-1.svg\n"), "\(out)")
    let svg = try String(contentsOf: dir.appendingPathComponent("plot-1.svg"), encoding: .utf8)
    #expect(svg.hasPrefix("<?xml"))
  }

  @Test func aLinkedFigureOrAssetsFolderIsRefusedAndNothingIsWritten() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let target = root.appendingPathComponent("bashrc")
    try "keep me\n".write(to: target, atomically: true, encoding: .utf8)
    let file = root.appendingPathComponent("n.nb.md").path
    try plotting.write(toFile: file, atomically: true, encoding: .utf8)
    let assets = root.appendingPathComponent("n.nb.assets")
    try fm.createDirectory(at: assets, withIntermediateDirectories: true)
    // The second figure is the link: the first is not written either.
    try fm.createSymbolicLink(
      atPath: assets.appendingPathComponent("cell-2.svg").path, withDestinationPath: target.path)
    let run = try cli.gradbook(["run", file])
    #expect(run.status == 1)
    #expect(
      run.stderr
        == "gradbook: \(file): \(assets.path)/cell-2.svg is a symbolic link; Gradbook never "
        + "writes through a link (remove it); nothing was written\n")
    #expect(try String(contentsOf: target, encoding: .utf8) == "keep me\n")
    #expect(try fm.contentsOfDirectory(atPath: assets.path) == ["cell-2.svg"])
    #expect(try String(contentsOfFile: file, encoding: .utf8) == plotting)

    // The folder itself a link: refused, and no cell-* file in its target is removed.
    try fm.removeItem(at: assets)
    let elsewhere = root.appendingPathComponent("elsewhere")
    try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
    try "mine\n".write(
      to: elsewhere.appendingPathComponent("cell-9.svg"), atomically: true, encoding: .utf8)
    try fm.createSymbolicLink(atPath: assets.path, withDestinationPath: elsewhere.path)
    let again = try cli.gradbook(["check", "--update", file])
    #expect(again.status == 1)
    #expect(again.stderr.contains("n.nb.assets is a symbolic link"))
    #expect(try fm.contentsOfDirectory(atPath: elsewhere.path) == ["cell-9.svg"])
  }

  @Test func staleFiguresAreRemovedAndAStaleLinkWithoutItsTarget() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let target = root.appendingPathComponent("precious.txt")
    try "precious\n".write(to: target, atomically: true, encoding: .utf8)
    let file = root.appendingPathComponent("n.nb.md").path
    try plotting.write(toFile: file, atomically: true, encoding: .utf8)
    let assets = root.appendingPathComponent("n.nb.assets")
    try fm.createDirectory(at: assets, withIntermediateDirectories: true)
    try "old".write(
      to: assets.appendingPathComponent("cell-7.svg"), atomically: true, encoding: .utf8)
    try fm.createSymbolicLink(
      atPath: assets.appendingPathComponent("cell-8.svg").path, withDestinationPath: target.path)
    try "notes".write(
      to: assets.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    #expect(try cli.gradbook(["run", file]).status == 0)
    #expect(
      try fm.contentsOfDirectory(atPath: assets.path).sorted()
        == ["cell-1.svg", "cell-2.svg", "notes.txt"])
    #expect(try String(contentsOf: target, encoding: .utf8) == "precious\n")
  }

  /// A save waits for another process's save of the same folder to finish.
  @Test func aSaveWaitsForTheFolderLock() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let file = root.appendingPathComponent("n.nb.md").path
    try plotting.write(toFile: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = CommandLineTests.binary
    process.arguments = ["run", file]
    process.standardOutput = FileHandle.nullDevice
    try SafeFolder(root.path).locked {
      try process.run()
      // Long enough to replay two small cells and draw two figures many times over.
      Thread.sleep(forTimeInterval: 3)
      #expect(try String(contentsOfFile: file, encoding: .utf8) == plotting)
      #expect(!fm.fileExists(atPath: root.appendingPathComponent("n.nb.assets").path))
    }
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(try String(contentsOfFile: file, encoding: .utf8) != plotting)
  }

  @Test func aWindowsNotebookIsRunAndSaidToBeWrittenBackWithLF() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let file = root.appendingPathComponent("w.nb.md").path
    try "<!-- gradbook notebook format=1 seed=42 -->\r\n# W\r\n\r\n```gradbook\r\n1 + 1\r\n```\r\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    let run = try cli.gradbook(["run", file])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("\(file): its Windows line endings (CRLF) were written back as LF"))
    #expect(
      try String(contentsOfFile: file, encoding: .utf8)
        == "<!-- gradbook notebook format=1 seed=42 -->\n# W\n\n```gradbook\n1 + 1\n```\n```output\n2\n```\n"
    )
  }

  @Test func loadErrorsQuoteAShortCleanExcerptOnlyOfAFileInTheNotebooksFolder() throws {
    let root = try folder()
    defer { try? fm.removeItem(at: root) }
    let course = root.appendingPathComponent("course")
    try fm.createDirectory(at: course, withIntermediateDirectories: true)
    // A 5 MB field with a terminal escape in it, in the notebook's own folder.
    let huge = "\u{1B}[31m" + String(repeating: "x", count: 5_000_000)
    try "a,y\n1,0\n\(huge),1\n".write(
      to: course.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
    try "secret-column,other\n1,2\n".write(
      to: root.appendingPathComponent("outside.csv"), atomically: true, encoding: .utf8)
    let file = course.appendingPathComponent("l.nb.md").path
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    ```gradbook
    load("\(course.path)/big.csv", target: "y")
    ```
    ```gradbook
    load("\(root.path)/outside.csv", target: "y")
    ```

    """.write(toFile: file, atomically: true, encoding: .utf8)
    #expect(try cli.gradbook(["run", file]).status == 0)
    let cells = try NotebookFile.read(file).cells
    let big = try #require(cells[0].output)
    #expect(big.count < 400)
    #expect(
      big.hasPrefix(
        "error: \(course.path)/big.csv:3:1: \"?[31m" + String(repeating: "x", count: 27)
          + "…\" is not a number\n"))
    let outside = try #require(cells[1].output)
    #expect(
      outside.hasPrefix(
        "error: \(root.path)/outside.csv:1:1: no column named \"y\" in the header row (its "
          + "column names are not shown: the file is outside the folder of the notebook or "
          + "script)\n"))
    #expect(!outside.contains("secret"))
  }

  @Test func loadReadsNoDeviceOrPipe() throws {
    let script = try cli.script("load(\"/dev/zero\", target: \"y\")\n")
    let run = try cli.gradbook([script])
    #expect(run.status == 1)
    #expect(run.stderr.contains("/dev/zero: is not a regular file, so it is not read"))
  }
}

@Suite struct JournalKeepingTests {
  let fm = FileManager.default

  @Test func theREPLSaysWhenItCannotKeepAJournal() throws {
    let blocker = fm.temporaryDirectory.appendingPathComponent("gb-not-a-folder-\(UUID())")
    try "".write(to: blocker, atomically: true, encoding: .utf8)
    defer { try? fm.removeItem(at: blocker) }
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_STATE_HOME"] = blocker.path
    let run = try CommandLineTests().gradbook(["-i"], stdin: "6 * 7\n", environment: environment)
    #expect(run.status == 0)
    #expect(
      run.stdout.hasPrefix(
        "Gradbook \(try #require(run.stdout.split(separator: " ").dropFirst().first)) · :help for help, "
          + "Ctrl-D to quit\nwarning: no journal for this session: cannot write in "
          + "\(blocker.path)/gradbook/sessions ("))
    #expect(run.stdout.contains("); a crash would lose the session, so :save often\ngb> 42\n"))
  }

  func journalFolder() throws -> URL {
    let url = fm.temporaryDirectory.appendingPathComponent("gb-journals-\(UUID().uuidString)")
    try fm.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func write(_ name: String, in folder: URL, cells: Bool, age days: Double = 0) throws -> URL {
    let url = folder.appendingPathComponent(name)
    let text =
      "<!-- gradbook notebook format=1 seed=1 -->\n"
      + (cells ? "```gradbook\nx = 1\n```\n" : "")
    try text.write(to: url, atomically: true, encoding: .utf8)
    try fm.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: -days * 24 * 3600)], ofItemAtPath: url.path)
    return url
  }

  @Test func manySessionsInARowKeepACrashedJournalAndALiveOne() throws {
    let folder = try journalFolder()
    defer { try? fm.removeItem(at: folder) }
    let crashed = try write("session-20200101-000000-1.nb.md", in: folder, cells: true, age: 2)
    let ancient = try write("session-20190101-000000-2.nb.md", in: folder, cells: true, age: 40)
    let empty = try write("session-20200102-000000-3.nb.md", in: folder, cells: false, age: 1)
    // A session that is still running holds its journal, empty so far.
    let live = try Journal(folder: folder, seed: 1)
    for _ in 0..<25 { _ = try Journal(folder: folder, seed: 1) }
    let left = Set(Journal.journals(in: folder))
    #expect(left.contains(crashed))
    #expect(left.contains(live.url))
    #expect(!left.contains(ancient))
    #expect(!left.contains(empty))
    // Empty sessions that ended are not kept, so they cannot push anything out.
    #expect(left.count <= 3)
    // recover's default is the newest journal with cells, not the newest empty one.
    #expect(Journal.latest(in: folder) == crashed)
  }

  /// A replayed notebook writes nowhere but its own file and figures: `save` is refused (and
  /// says why) instead of writing the path a stranger's notebook names.
  @Test func aReplayedNotebookSavesNoModel() throws {
    let target = fm.temporaryDirectory.appendingPathComponent("gb-\(UUID().uuidString).safetensors")
    let notebook = try NotebookReader.read(
      """
      <!-- gradbook notebook format=1 seed=42 -->
      ```gradbook
      save(dense(2, 1), "\(target.path)")
      ```
      """)
    let output = NotebookReplay.run(notebook).notebook.cells.first?.output ?? ""
    #expect(output.contains("save writes no file while a notebook is replayed"))
    #expect(!fm.fileExists(atPath: target.path))
  }
}
