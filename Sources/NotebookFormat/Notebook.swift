/// A notebook: a Markdown file of prose and cells, each cell what was typed with what it
/// printed (design/NOTEBOOK.md). Prose is kept as written, line for line, so reading then
/// writing a notebook gives the same bytes.
public struct Notebook: Sendable, Equatable {
  /// The format version this code reads and writes.
  public static let format = 1

  /// The seed of the session the cells run in.
  public var seed: UInt64
  public var blocks: [Block]

  public enum Block: Sendable, Equatable {
    /// Markdown lines, verbatim (each with its newline).
    case prose(String)
    case cell(Cell)
  }

  public init(seed: UInt64 = 42, blocks: [Block] = []) {
    self.seed = seed
    self.blocks = blocks
  }

  /// The cells, in order.
  public var cells: [Cell] {
    blocks.compactMap { if case .cell(let c) = $0 { c } else { nil } }
  }
}

/// One cell: a statement or block as typed, and what it printed.
public struct Cell: Sendable, Equatable {
  /// The source, without a final newline.
  public var source: String
  /// Options written after the fence tag, e.g. `tolerance=1e-6` or `no-check`.
  public var options: [String]
  /// What it printed, each line ending in a newline; nil when the cell has no output block.
  public var output: String?
  /// The figures it drew, in order.
  public var figures: [Figure]

  public init(
    source: String, options: [String] = [], output: String? = nil, figures: [Figure] = []
  ) {
    self.source = source
    self.options = options
    self.output = output
    self.figures = figures
  }

  /// `{no-check}`: the output is not expected to repeat.
  public var isChecked: Bool { !options.contains("no-check") }

  /// `{interrupted=N}`: the cell was stopped with Ctrl-C at its Nth check for an interruption
  /// (each statement, loop iteration and training step is checked once); replay stops it at
  /// the same check, so a long `fit` stopped by hand replays the epochs that ran, not all it
  /// asked for. Setting nil removes the option.
  public var interruptedAt: Int? {
    get {
      options.lazy.compactMap { option -> Int? in
        guard option.hasPrefix(Cell.interrupted) else { return nil }
        return Int(option.dropFirst(Cell.interrupted.count)).flatMap { $0 > 0 ? $0 : nil }
      }.first
    }
    set {
      options.removeAll { $0.hasPrefix(Cell.interrupted) }
      if let newValue { options.append(Cell.interrupted + String(newValue)) }
    }
  }

  private static let interrupted = "interrupted="

  /// `{tolerance=1e-6}`: numbers in the output may differ by this much.
  public var tolerance: Double? {
    options.lazy.compactMap { option -> Double? in
      guard option.hasPrefix("tolerance=") else { return nil }
      return Double(option.dropFirst("tolerance=".count))
    }.first
  }
}

/// A figure a cell drew, kept beside the notebook in `NAME.nb.assets/` and linked from it:
///
///     ![decision boundary](xor.nb.assets/cell-2.svg)
///     <!-- figure cell=2 kind=boundary data-sha256=9f2c… -->
public struct Figure: Sendable, Equatable {
  /// The link's text: the figure's title or what it shows.
  public var title: String
  /// Relative to the notebook's folder, inside its assets folder.
  public var path: String
  /// The number of the cell that drew it, from 1.
  public var cell: Int
  /// What kind of plot: `loss`, `boundary`, `functions`, `points`, `errors`, `fit`, `unit`.
  public var kind: String
  /// SHA-256 of the numbers that were plotted (hex); replay compares it, never the image.
  public var hash: String

  public init(title: String, path: String, cell: Int, kind: String, hash: String) {
    self.title = title
    self.path = path
    self.cell = cell
    self.kind = kind
    self.hash = hash
  }

  /// Whether `path` stays inside the assets folder of `notebookName` (`xor` for
  /// xor.nb.md): relative, no `..`, no backslash, a plain file name after the folder.
  public func isSafe(notebookName: String) -> Bool {
    let prefix = notebookName + ".nb.assets/"
    guard path.hasPrefix(prefix) else { return false }
    let name = path.dropFirst(prefix.count)
    // Only letters, digits, - _ and . (so no / or \\), and no leading dot (so not . or ..).
    return !name.isEmpty && !name.hasPrefix(".")
      && name.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
  }
}
