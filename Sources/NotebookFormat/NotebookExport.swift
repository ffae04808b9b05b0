import Foundation

/// Exporting a notebook for people who do not run Gradbook: a Jupyter notebook
/// (`ipynb(_:figures:)`) or a single HTML page (`html(_:figures:title:)`).
///
/// Both are pure: the caller reads the figure files (and decides which ones it may read, see
/// `Figure.isSafe(notebookName:)`) and passes their bytes keyed by `Figure.path`, so these
/// functions never touch the file system and the same notebook always gives the same bytes.
public enum NotebookExport {
  /// A notebook that cannot be exported as it is: a figure whose bytes were not given, of a
  /// kind that cannot be embedded, or an SVG that is not UTF-8 text.
  public struct ExportError: Error, Sendable, Equatable {
    public var message: String

    public init(message: String) {
      self.message = message
    }
  }

  /// The media type a figure is embedded as, from its file's extension: SVG or PNG, the only
  /// kinds both Jupyter and every browser show inline; nil for anything else.
  public static func mediaType(of figure: Figure) -> String? {
    switch (figure.path as NSString).pathExtension.lowercased() {
    case "svg": "image/svg+xml"
    case "png": "image/png"
    default: nil
    }
  }

  /// `text` cut into lines that keep their newline, the way Jupyter stores multi-line
  /// strings, so the file diffs line by line.
  static func lines(_ text: String) -> [String] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      String($0) + "\n"
    }
    if let last = lines.last {
      lines[lines.count - 1] = String(last.dropLast())
      if lines[lines.count - 1].isEmpty { lines.removeLast() }
    }
    return lines
  }

  /// Prose without its leading and trailing blank lines: in the `.nb.md` file they only
  /// separate it from the cells around it. Nil when nothing but blank lines is left.
  static func trimmedProse(_ text: String) -> String? {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
    while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }
}
