/// Figures made of small pictures and of counts: a data set's images (with a model's
/// predictions), a layer's filters, a confusion matrix.
extension Plot {
  /// Small images side by side, each with a caption above it.
  public struct ImageGrid: Sendable, Equatable {
    public struct Tile: Sendable, Equatable {
      /// Brightness 0…1 (0 black), channel after channel, each row after row from the top:
      /// `pixels[(channel * height + row) * width + column]`.
      public var pixels: [Double]
      public var caption: String
      /// Drawn in red: a wrong prediction.
      public var marked: Bool

      public init(pixels: [Double], caption: String, marked: Bool = false) {
        self.pixels = pixels
        self.caption = caption
        self.marked = marked
      }
    }

    /// 1 (grey) or 3 (red, green, blue).
    public var channels: Int
    public var height: Int
    public var width: Int
    /// Tiles per row of the grid.
    public var columns: Int
    public var tiles: [Tile]

    public init(channels: Int, height: Int, width: Int, columns: Int, tiles: [Tile]) {
      self.channels = channels
      self.height = height
      self.width = width
      self.columns = columns
      self.tiles = tiles
    }

    /// Rows of tiles.
    public var rows: Int { (tiles.count + max(1, columns) - 1) / max(1, columns) }
  }

  /// Counts in a square table drawn as a heat map with each count written in its cell:
  /// `counts[row * size + column]`, row 0 at the top.
  public struct CountMatrix: Sendable, Equatable {
    public var size: Int
    public var counts: [Int]
    /// The axis names: what the rows and the columns are.
    public var rowLabel: String
    public var columnLabel: String

    public init(size: Int, counts: [Int], rowLabel: String, columnLabel: String) {
      self.size = size
      self.counts = counts
      self.rowLabel = rowLabel
      self.columnLabel = columnLabel
    }

    /// The table as text: the column numbers along the top, the row numbers down the side.
    public var table: [String] {
      let width = max(String(max(0, size - 1)).count, String(counts.max() ?? 0).count) + 1
      func cell(_ text: String) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
      }
      let side = max(5, String(max(0, size - 1)).count + 1)
      func lead(_ text: String) -> String {
        text + String(repeating: " ", count: max(0, side - text.count))
      }
      var lines = [
        "\(rowLabel) (rows) against \(columnLabel) (columns)",
        lead("") + (0..<size).map { cell(String($0)) }.joined(),
      ]
      for r in 0..<size {
        let row = (0..<size).map { c in
          cell(r * size + c < counts.count ? String(counts[r * size + c]) : "")
        }
        lines.append(lead(String(r)) + row.joined())
      }
      return lines
    }
  }
}
