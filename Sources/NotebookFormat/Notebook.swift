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

  public init(source: String, options: [String] = [], output: String? = nil) {
    self.source = source
    self.options = options
    self.output = output
  }

  /// `{no-check}`: the output is not expected to repeat.
  public var isChecked: Bool { !options.contains("no-check") }

  /// `{tolerance=1e-6}`: numbers in the output may differ by this much.
  public var tolerance: Double? {
    options.lazy.compactMap { option -> Double? in
      guard option.hasPrefix("tolerance=") else { return nil }
      return Double(option.dropFirst("tolerance=".count))
    }.first
  }
}
