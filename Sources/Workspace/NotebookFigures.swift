import Foundation
import NotebookFormat
import Plotting

/// A notebook's figures: named after their cell, hashed from their data, drawn as SVG into
/// `NAME.nb.assets/` beside the notebook (`NotebookSaving` writes them with the notebook).
public enum NotebookFigures {
  /// The figures for the plots one cell drew: `NAME.nb.assets/cell-N.svg`, then
  /// `cell-N-2.svg`, ….
  public static func figures(for plots: [Plot], cell: Int, notebookName: String) -> [Figure] {
    plots.enumerated().map { k, plot in
      let file = k == 0 ? "cell-\(cell).svg" : "cell-\(cell)-\(k + 1).svg"
      return Figure(
        title: plot.caption, path: "\(notebookName).nb.assets/\(file)", cell: cell,
        kind: plot.kind.rawValue, hash: Figure.hash(of: plot.fingerprint))
    }
  }

  /// `notebook` with each cell's figures made from the plots it drew (`plots[k]` for the
  /// k-th cell), and the figures with the plots to draw them from.
  public static func attach(_ plots: [[Plot]], to notebook: Notebook, notebookName: String)
    -> (Notebook, [(Figure, Plot)])
  {
    var result = notebook
    var drawn: [(Figure, Plot)] = []
    var number = 0
    for (index, block) in notebook.blocks.enumerated() {
      guard case .cell(var cell) = block else { continue }
      let cellPlots = number < plots.count ? plots[number] : []
      number += 1
      cell.figures = figures(for: cellPlots, cell: number, notebookName: notebookName)
      drawn += zip(cell.figures, cellPlots).map { ($0, $1) }
      result.blocks[index] = .cell(cell)
    }
    return (result, drawn)
  }
}
