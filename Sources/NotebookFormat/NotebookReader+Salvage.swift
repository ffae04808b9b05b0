extension NotebookReader {
  /// Reads as much of `text` as can be read, for a journal a crash may have cut short or a
  /// file damaged by hand: gives the notebook and each place that could not be read.
  ///
  /// A cell or output block never closed (a process killed while writing it) is dropped
  /// with everything after it, since it runs to the end of the text. Any other line that
  /// stops reading (an `output` fence with no cell before it, a broken figure comment) is
  /// kept as prose, and reading goes on: no readable cell after it is lost. Only a missing
  /// header line throws.
  public static func salvage(_ text: String) throws -> (Notebook, [NotebookError]) {
    var lines = withUnixLineEndings(text).split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    var problems: [NotebookError] = []
    while true {
      do {
        return (try read(lines.joined(separator: "\n")), problems)
      } catch let error as NotebookError where error.line > 1 && error.line <= lines.count {
        let i = error.line - 1
        if let (fence, _, _) = openingFence(lines[i]), !lines[(i + 1)...].contains(fence) {
          problems.append(
            NotebookError(
              line: error.line, "\(error.message); the block from here to the end is dropped"))
          lines = Array(lines.prefix(i))
        } else {
          problems.append(NotebookError(line: error.line, "\(error.message); kept as text"))
          // A backslash makes the line prose; a fence line reads back without it.
          lines[i] = "\\" + lines[i]
        }
      }
    }
  }
}
