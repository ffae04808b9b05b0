import Foundation

extension NotebookExport {
  /// The Jupyter version written: nbformat 4.5, the first to require cell ids, which we
  /// can give deterministically (`md-1`, `cell-1`) so two exports of one notebook diff clean.
  public static let nbformat = 4
  public static let nbformatMinor = 5

  /// `notebook` as a Jupyter notebook (nbformat 4.5) with its figures embedded, so it opens
  /// in Jupyter, VS Code or on GitHub without the assets folder beside it.
  ///
  /// Prose becomes markdown cells; each gradbook cell a code cell numbered from 1, its output
  /// one `stdout` stream and each figure a `display_data` (SVG as text, PNG as base64, the
  /// title as `text/plain` for viewers that show no images). Keys are sorted, so the same
  /// notebook always gives the same bytes.
  ///
  /// - Parameter figures: the bytes of each figure file, keyed by `Figure.path`.
  /// - Throws: `ExportError` when a figure's bytes are missing, its kind is neither SVG nor
  ///   PNG, or an SVG is not UTF-8.
  public static func ipynb(_ notebook: Notebook, figures: [String: Data]) throws -> String {
    var cells: [[String: Any]] = []
    var markdownCount = 0
    var codeCount = 0
    for block in notebook.blocks {
      switch block {
      case .prose(let text):
        guard let prose = trimmedProse(text) else { continue }
        markdownCount += 1
        cells.append([
          "cell_type": "markdown", "id": "md-\(markdownCount)", "metadata": [String: Any](),
          "source": lines(prose),
        ])
      case .cell(let cell):
        codeCount += 1
        var outputs: [[String: Any]] = []
        if let output = cell.output, !output.isEmpty {
          outputs.append(["output_type": "stream", "name": "stdout", "text": lines(output)])
        }
        for figure in cell.figures {
          outputs.append(try displayData(figure, figures: figures))
        }
        // Options such as {tolerance=1e-6} mean nothing to Jupyter, but keeping them lets
        // the notebook be read back into Gradbook terms.
        let metadata: [String: Any] =
          cell.options.isEmpty ? [:] : ["gradbook": ["options": cell.options]]
        cells.append([
          "cell_type": "code", "id": "cell-\(codeCount)", "metadata": metadata,
          "source": lines(cell.source), "execution_count": codeCount, "outputs": outputs,
        ])
      }
    }
    let document: [String: Any] = [
      "nbformat": nbformat, "nbformat_minor": nbformatMinor, "cells": cells,
      "metadata": [
        "kernelspec": ["name": "gradbook", "display_name": "Gradbook", "language": "gradbook"],
        "language_info": ["name": "gradbook", "file_extension": ".gb"],
        // The seed the outputs were made with: replaying needs it.
        "gradbook": ["format": Notebook.format, "seed": notebook.seed],
      ],
    ]
    let data = try JSONSerialization.data(
      withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// One figure as a `display_data` output.
  static func displayData(_ figure: Figure, figures: [String: Data]) throws -> [String: Any] {
    guard let bytes = figures[figure.path] else {
      throw ExportError(message: "figure \(figure.path) was not loaded")
    }
    guard let type = mediaType(of: figure) else {
      throw ExportError(
        message: "figure \(figure.path) is neither SVG nor PNG; only those can be embedded")
    }
    let image: Any
    if type == "image/png" {
      image = bytes.base64EncodedString()
    } else {
      guard let svg = String(data: bytes, encoding: .utf8) else {
        throw ExportError(message: "figure \(figure.path) is not UTF-8 text, so not an SVG")
      }
      image = lines(svg)
    }
    return [
      "output_type": "display_data", "metadata": [String: Any](),
      "data": [type: image, "text/plain": figure.title],
    ]
  }
}
