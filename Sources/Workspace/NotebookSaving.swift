import Foundation
import NotebookFormat
import Plotting

/// Saving a notebook with its figures as one unit, safe against the two things that went
/// wrong when figures were drawn straight into place: links planted in a notebook's folder
/// (a cloned repository can hold `NAME.nb.assets` → `~` or `cell-1.svg` → `~/.bashrc`), and
/// two sessions saving the same notebook at once.
///
/// Every figure is drawn first, in memory (gnuplot writes SVG to its standard output and
/// never sees a path). Then, holding a lock on the notebook's folder: each figure is written
/// under a name unique to this save and renamed into place, the notebook is written last
/// (also through a unique name and a rename), and only then are the figures no one links
/// any more removed. A link where a figure or the assets folder goes is refused with an
/// error before anything is written; nothing is ever written or deleted through a link.
public enum NotebookSaving {
  /// A figure gnuplot could not draw (it is missing, or failed); nothing was written.
  public struct DrawingError: Error, Sendable {
    public var message: String
  }

  /// Writes `notebook` to `file` and `drawn` into its assets folder.
  public static func save(
    _ notebook: Notebook, drawn: [(Figure, Plot)], to file: String, plotter: Plotter
  ) throws {
    let name = Figure.notebookName(of: file)
    let notebookName = URL(fileURLWithPath: file).lastPathComponent
    let assetsName = "\(name).nb.assets"
    var images: [(file: String, data: Data)] = []
    for (figure, plot) in drawn {
      guard figure.isSafe(notebookName: name) else {
        throw PlotError("a figure's path must stay in \(assetsName)/, not \(figure.path)")
      }
      let data: Data
      do {
        data = try plotter.svg(plot)
      } catch let error as GnuplotError {
        throw DrawingError(message: "cannot draw figure \(figure.path): \(error)")
      } catch let error as PlotError {
        throw DrawingError(message: "cannot draw figure \(figure.path): \(error.message)")
      }
      images.append((String(figure.path.dropFirst(assetsName.count + 1)), data))
    }
    let text = Data(NotebookWriter.write(notebook).utf8)
    do {
      let folder = try SafeFolder(NotebookFile.folderPath(of: file))
      try folder.locked {
        try folder.checkReplaceable(notebookName)
        // The assets folder is looked at (and refused when it is a link) even when this
        // save draws nothing: its stale figures are removed below.
        let present = folder.kind(of: assetsName) != nil
        let assets =
          present || !images.isEmpty ? try folder.subfolder(assetsName, create: true) : nil
        if let assets {
          for image in images { try assets.checkReplaceable(image.file) }
          var staged: [(String, String)] = []
          do {
            for image in images {
              staged.append((try assets.stage(image.data, for: image.file), image.file))
            }
          } catch {
            for (temporary, _) in staged { assets.discard(temporary) }
            throw error
          }
          for (temporary, final) in staged { try assets.commit(temporary, as: final) }
        }
        try folder.write(text, as: notebookName)
        if let assets {
          let linked = Set(images.map(\.file))
          for stale in assets.names() where stale.hasPrefix("cell-") && !linked.contains(stale) {
            assets.remove(stale)
          }
        }
      }
    } catch let refusal as SafeFolder.Refusal {
      throw PlotError(refusal.message)
    }
  }
}
