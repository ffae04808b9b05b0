import Foundation
import Testing

/// `gradbook export` through the built command, the Jupyter notebook checked by the real
/// `nbformat` package.
@Suite struct ExportCommandTests {
  let cli = CommandLineTests()

  let svg = """
    <svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">
    <circle cx="20" cy="20" r="15" fill="teal"/>
    </svg>

    """

  /// A notebook `xor.nb.md` in a new folder (`depth` folders down in it), its one figure
  /// linked as `figurePath`, the SVG written at `xor.nb.assets/cell-1.svg`.
  func notebook(figurePath: String = "xor.nb.assets/cell-1.svg", depth: Int = 0) throws -> URL {
    var folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-export-\(UUID().uuidString)")
    for level in 0..<depth { folder.appendPathComponent("level\(level)") }
    let assets = folder.appendingPathComponent("xor.nb.assets")
    try FileManager.default.createDirectory(at: assets, withIntermediateDirectories: true)
    try svg.write(
      to: assets.appendingPathComponent("cell-1.svg"), atomically: true, encoding: .utf8)
    let file = folder.appendingPathComponent("xor.nb.md")
    try """
    <!-- gradbook notebook format=1 seed=42 -->
    # XOR

    A circle, drawn by hand.

    ```gradbook
    plot(xor())
    ```
    ```output
    <done> & "quoted"
    ```
    ![a circle](\(figurePath))
    <!-- figure cell=1 kind=points data-sha256=abc -->

    """.write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  struct Run {
    var status: Int32
    var stderr: String
  }

  /// `python3 ARGUMENTS…`; its standard output is dropped, so a chatty pip cannot fill a pipe
  /// nobody reads.
  func python(_ arguments: [String]) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stderr: String(decoding: err, as: UTF8.self))
  }

  /// Whether `nbformat` can be imported, installing it with pip when it is missing (a fresh
  /// machine has python3 but not nbformat); records an issue when it cannot be had.
  func nbformatIsAvailable() throws -> Bool {
    if try python(["-c", "import nbformat"]).status == 0 { return true }
    let install = try python(["-m", "pip", "install", "--quiet", "nbformat"])
    guard install.status == 0, try python(["-c", "import nbformat"]).status == 0 else {
      Issue.record("cannot install nbformat with python3 -m pip: \(install.stderr)")
      return false
    }
    return true
  }

  @Test func anIpynbExportIsValidForNbformatAndWrittenAsNbformatWritesIt() throws {
    let file = try notebook()
    let run = try cli.gradbook(["export", file.path, "--to", "ipynb"])
    let exported = file.deletingLastPathComponent().appendingPathComponent("xor.ipynb")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "\(file.path): exported to \(exported.path)\n")
    let text = try String(contentsOf: exported, encoding: .utf8)
    #expect(text.contains(#""image/svg+xml": ["#))
    #expect(text.contains(#""<circle cx=\"20\" cy=\"20\" r=\"15\" fill=\"teal\"/>\n""#))

    guard try nbformatIsAvailable() else { return }
    // Reading quietly adds the ids nbformat 4.5 requires when they are missing; a missing id
    // must fail here instead.
    let validate = try python([
      "-c",
      "import nbformat,sys,warnings; "
        + "warnings.simplefilter('error', nbformat.warnings.MissingIDFieldWarning); "
        + "nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); "
        // Jupyter starts the kernel this names: the kernelspec `gradbook kernel install` writes.
        + "assert nb.metadata.kernelspec == {'name': 'gradbook', 'display_name': 'Gradbook', "
        + "'language': 'gradbook'}, nb.metadata.kernelspec; "
        + "assert nb.metadata.language_info == {'name': 'gradbook', 'file_extension': '.gb', "
        + "'mimetype': 'text/x-gradbook', 'pygments_lexer': 'text'}, nb.metadata.language_info",
      exported.path,
    ])
    #expect(validate.status == 0, "\(validate.stderr)")
    // Rewriting it with nbformat changes no byte: the export is already in Jupyter's form.
    let rewrite = try python([
      "-c",
      "import nbformat,sys; t=open(sys.argv[1], encoding='utf-8').read(); "
        + "sys.exit(0 if nbformat.writes(nbformat.reads(t, as_version=4)) + '\\n' == t else 3)",
      exported.path,
    ])
    #expect(rewrite.status == 0, "\(rewrite.stderr)")
  }

  @Test func anHTMLExportEmbedsTheFigureAndEscapesTheOutput() throws {
    let file = try notebook()
    let page = file.deletingLastPathComponent().appendingPathComponent("page.html")
    let run = try cli.gradbook(["export", file.path, "--to", "html", "--output", page.path])
    #expect(run.status == 0, "\(run.stderr)")
    let html = try String(contentsOf: page, encoding: .utf8)
    #expect(
      html.contains(
        "<img src=\"data:image/svg+xml;base64,\(Data(svg.utf8).base64EncodedString())\" alt=\"a circle\">"
      ))
    #expect(html.contains("<pre class=\"output\">&lt;done&gt; &amp; &quot;quoted&quot;</pre>"))
    #expect(html.contains("<title>XOR</title>"))
  }

  @Test(arguments: ["../../x.svg", "/etc/hostname", "xor.nb.assets/../../x.svg"])
  func aFigureOutsideTheAssetsFolderIsRefusedAndNothingIsWritten(path: String) throws {
    let file = try notebook(figurePath: path, depth: 2)
    // The file the notebook points at exists: the refusal is not for want of it.
    let root = file.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    try svg.write(to: root.appendingPathComponent("x.svg"), atomically: true, encoding: .utf8)
    for format in ["ipynb", "html"] {
      let run = try cli.gradbook(["export", file.path, "--to", format])
      #expect(run.status == 1)
      #expect(
        run.stderr
          == "gradbook: \(file.path): figure \(path) is not inside xor.nb.assets/; refusing to read it\n"
      )
      let output = file.deletingLastPathComponent().appendingPathComponent("xor.\(format)")
      #expect(!FileManager.default.fileExists(atPath: output.path))
    }
  }

  @Test func aFigureThatIsASymbolicLinkIsRefused() throws {
    let file = try notebook()
    let figure = file.deletingLastPathComponent().appendingPathComponent(
      "xor.nb.assets/cell-1.svg")
    try FileManager.default.removeItem(at: figure)
    try FileManager.default.createSymbolicLink(
      atPath: figure.path, withDestinationPath: "/etc/passwd")
    let run = try cli.gradbook(["export", file.path, "--to", "html"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("\(figure.path) is a link or a special file"))
    let output = file.deletingLastPathComponent().appendingPathComponent("xor.html")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }

  @Test func aMissingFigureIsAnErrorNamingTheFile() throws {
    let file = try notebook(figurePath: "xor.nb.assets/gone.svg")
    let run = try cli.gradbook(["export", file.path, "--to", "ipynb"])
    let missing = file.deletingLastPathComponent().appendingPathComponent("xor.nb.assets/gone.svg")
    #expect(run.status == 1)
    #expect(run.stderr == "gradbook: \(file.path): figure \(missing.path) is missing\n")
  }

  @Test func anUnknownOrMissingFormatIsAClearError() throws {
    let file = try notebook()
    let pdf = try cli.gradbook(["export", file.path, "--to", "pdf"])
    #expect(pdf.status == 1)
    #expect(pdf.stderr == "gradbook: cannot export to pdf: --to takes ipynb or html\n")
    let none = try cli.gradbook(["export", file.path])
    #expect(none.status == 1)
    #expect(none.stderr == "gradbook: say which format: --to ipynb or --to html\n")
    let itself = try cli.gradbook(["export", file.path, "--to", "html", "-o", file.path])
    #expect(itself.status == 1)
    #expect(itself.stderr.hasSuffix("is the notebook itself; choose another --output\n"))
  }
}
