import ArgumentParser
import Foundation
import NotebookFormat

/// `gradbook export FILE.nb.md --to ipynb|html`: the notebook as a Jupyter notebook or a
/// single HTML page with its figures embedded, for readers without Gradbook.
struct ExportNotebook: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export a notebook as a Jupyter notebook (.ipynb) or a single HTML page.",
    discussion: """
      Figures are read from the notebook's assets folder (NAME.nb.assets/) and embedded. \
      A figure linked from anywhere else is refused, so exporting a notebook someone else \
      wrote never reads other files.
      """)

  /// The formats, spelled as `--to` takes them.
  enum Format: String, CaseIterable {
    case ipynb, html
  }

  @Argument(help: "The notebook to export (.nb.md).")
  var file: String

  // A plain string rather than an enum, so a wrong format is reported as `gradbook: …` with
  // exit status 1 like every other error of the notebook commands.
  @Option(help: "The format: ipynb or html.")
  var to: String?

  @Option(
    name: .shortAndLong,
    help: "Where to write it (default: beside the notebook, .nb.md replaced by .ipynb or .html).")
  var output: String?

  func run() throws {
    try reportingFailures {
      let destination = try export()
      print("\(file): exported to \(destination)")
    }
  }

  /// Exports the notebook and returns where it was written. Everything is checked and read
  /// before anything is written, so a refused export leaves no file behind.
  func export() throws -> String {
    guard let to else {
      throw CommandFailure(message: "say which format: --to ipynb or --to html")
    }
    guard let format = Format(rawValue: to) else {
      throw CommandFailure(message: "cannot export to \(to): --to takes ipynb or html")
    }
    let suffix = ".nb.md"
    let fileName = URL(fileURLWithPath: file).lastPathComponent
    guard fileName.hasSuffix(suffix), fileName.count > suffix.count else {
      throw CommandFailure(message: "\(file) is not a notebook: export takes a .nb.md file")
    }
    let destination = output ?? String(file.dropLast(suffix.count)) + "." + format.rawValue
    guard !sameFile(destination, file) else {
      throw CommandFailure(
        message: "\(destination) is the notebook itself; choose another --output")
    }
    let notebook = try NotebookFile.read(file)
    let figures = try loadFigures(of: notebook, notebookName: Figure.notebookName(of: file))
    let text: String
    switch format {
    case .ipynb:
      do {
        text = try NotebookExport.ipynb(notebook, figures: figures)
      } catch let error as NotebookExport.ExportError {
        throw CommandFailure(message: "\(file): \(error.message)")
      }
    case .html:
      text = NotebookExport.html(notebook, figures: figures, title: fileName)
    }
    try NotebookFile.write(text, to: destination)
    return destination
  }

  /// The bytes of every figure the notebook links, keyed by its path as written.
  ///
  /// The notebook may come from someone else, so a path is only followed when it names a
  /// plain file directly inside the notebook's own assets folder: no `..`, no absolute path,
  /// no symbolic link (which could point anywhere and would put that file into the export),
  /// nothing but a regular file (a FIFO would hang the read).
  func loadFigures(of notebook: Notebook, notebookName: String) throws -> [String: Data] {
    let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    var figures: [String: Data] = [:]
    for figure in notebook.cells.flatMap(\.figures) where figures[figure.path] == nil {
      guard figure.isSafe(notebookName: notebookName) else {
        throw CommandFailure(
          message:
            "\(file): figure \(figure.path) is not inside \(notebookName).nb.assets/; "
            + "refusing to read it")
      }
      guard NotebookExport.mediaType(of: figure) != nil else {
        throw CommandFailure(
          message: "\(file): figure \(figure.path) is neither SVG nor PNG; export embeds only those"
        )
      }
      let url = folder.appendingPathComponent(figure.path)
      for (path, expected) in [
        (url.deletingLastPathComponent().path, FileAttributeType.typeDirectory),
        (url.path, .typeRegular),
      ] {
        // attributesOfItem does not follow a symbolic link: it describes the link itself.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
          throw CommandFailure(message: "\(file): figure \(url.path) is missing")
        }
        guard attributes[.type] as? FileAttributeType == expected else {
          throw CommandFailure(
            message:
              "\(file): \(path) is a link or a special file, not a plain "
              + (expected == .typeDirectory ? "folder" : "file") + "; refusing to read it")
        }
      }
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw CommandFailure(message: "\(file): cannot read figure \(url.path)")
      }
      figures[figure.path] = data
    }
    return figures
  }

  /// Whether two paths name the same file, so `--output` cannot overwrite the notebook.
  func sameFile(_ a: String, _ b: String) -> Bool {
    func resolved(_ path: String) -> String {
      URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
    return resolved(a) == resolved(b)
  }
}
