/// Writes a notebook as `.nb.md` text: the header, prose as it was, each cell as a
/// `gradbook` fence with its `output` fence right after.
public enum NotebookWriter {
  public static func write(_ notebook: Notebook) -> String {
    var out = "<!-- gradbook notebook format=\(Notebook.format) seed=\(notebook.seed) -->\n"
    for block in notebook.blocks { write(block, to: &out) }
    return out
  }

  /// One block as it stands in the file; a journal appends blocks one at a time.
  public static func write(_ block: Notebook.Block, to out: inout String) {
    switch block {
    case .prose(let text):
      // Line by line, so a line that would open or close a cell's fence stays prose.
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      let last = lines.removeLast()
      for line in lines { out += NotebookReader.escapedProse(line) + "\n" }
      out += NotebookReader.escapedProse(last)
    case .cell(let cell):
      let options = cell.options.isEmpty ? "" : " {" + cell.options.joined(separator: " ") + "}"
      let fence = self.fence(for: cell.source)
      out += "\(fence)gradbook\(options)\n\(cell.source)\n\(fence)\n"
      if let output = cell.output {
        let fence = self.fence(for: output)
        let body = output.hasSuffix("\n") || output.isEmpty ? output : output + "\n"
        out += "\(fence)output\n\(body)\(fence)\n"
      }
      for figure in cell.figures {
        out += "![\(linkText(figure.title))](\(figure.path))\n"
        out +=
          "<!-- figure cell=\(figure.cell) kind=\(figure.kind) data-sha256=\(figure.hash) -->\n"
      }
    }
  }

  /// A title as a Markdown link's text: brackets, backslashes and line breaks taken out.
  static func linkText(_ title: String) -> String {
    String(title.filter { !"[]\\\n\r".contains($0) })
  }

  /// Three backquotes, or more than the longest run inside the text, so the text cannot
  /// close its own block.
  static func fence(for text: String) -> String {
    var longest = 0
    var run = 0
    for c in text {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    return String(repeating: "`", count: max(3, longest + 1))
  }
}
