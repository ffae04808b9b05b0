import Foundation

extension NotebookExport {
  /// The Jupyter version written: nbformat 4.5, the first to require cell ids, which we
  /// can give deterministically (`md-1`, `cell-1`) so two exports of one notebook diff clean.
  public static let nbformat = 4
  public static let nbformatMinor = 5

  /// `notebook` as a Jupyter notebook (nbformat 4.5) with its figures embedded, so it opens
  /// in Jupyter, VS Code or on GitHub without the assets folder beside it, and names the
  /// kernelspec `gradbook kernel install` writes (`KernelSpec`), so Jupyter re-runs it.
  ///
  /// Prose becomes markdown cells; each gradbook cell a code cell numbered from 1, its output
  /// one `stdout` stream and each figure a `display_data` (SVG as text, PNG as base64, the
  /// title as `text/plain` for viewers that show no images). It is written the way
  /// nbformat writes (keys sorted, one-space indent, text split into lines), so the same
  /// notebook gives the same bytes everywhere, and rewriting it with nbformat changes none.
  ///
  /// - Parameter figures: the bytes of each figure file, keyed by `Figure.path`.
  /// - Throws: `ExportError` when a figure's bytes are missing, its kind is neither SVG nor
  ///   PNG, or an SVG is not UTF-8.
  public static func ipynb(_ notebook: Notebook, figures: [String: Data]) throws -> String {
    var cells: [JSON] = []
    var markdownCount = 0
    var codeCount = 0
    for block in notebook.blocks {
      switch block {
      case .prose(let text):
        guard let prose = trimmedProse(text) else { continue }
        markdownCount += 1
        cells.append(
          .object([
            "cell_type": .string("markdown"), "id": .string("md-\(markdownCount)"),
            "metadata": .object([:]), "source": .strings(lines(prose)),
          ]))
      case .cell(let cell):
        codeCount += 1
        var outputs: [JSON] = []
        if let output = cell.output, !output.isEmpty {
          outputs.append(
            .object([
              "output_type": .string("stream"), "name": .string("stdout"),
              "text": .strings(lines(output)),
            ]))
        }
        for figure in cell.figures {
          outputs.append(try displayData(figure, figures: figures))
        }
        // Options such as {tolerance=1e-6} mean nothing to Jupyter, but keeping them keeps
        // what the author said about the cell.
        let metadata: [String: JSON] =
          cell.options.isEmpty ? [:] : ["gradbook": .object(["options": .strings(cell.options)])]
        cells.append(
          .object([
            "cell_type": .string("code"), "id": .string("cell-\(codeCount)"),
            "metadata": .object(metadata), "source": .strings(lines(cell.source)),
            "execution_count": .integer(Int64(codeCount)), "outputs": .array(outputs),
          ]))
      }
    }
    let document = JSON.object([
      "nbformat": .integer(Int64(nbformat)), "nbformat_minor": .integer(Int64(nbformatMinor)),
      "cells": .array(cells),
      "metadata": .object([
        // The kernelspec `gradbook kernel install` writes, so Jupyter re-runs it with Gradbook.
        "kernelspec": KernelSpec.notebookKernelspec,
        "language_info": KernelSpec.notebookLanguageInfo,
        // The seed the outputs were made with: replaying needs it.
        "gradbook": .object([
          "format": .integer(Int64(Notebook.format)), "seed": .unsigned(notebook.seed),
        ]),
      ]),
    ])
    return document.text
  }

  /// One figure as a `display_data` output.
  static func displayData(_ figure: Figure, figures: [String: Data]) throws -> JSON {
    guard let bytes = figures[figure.path] else {
      throw ExportError(message: "figure \(figure.path) was not loaded")
    }
    guard let type = mediaType(of: figure) else {
      throw ExportError(
        message: "figure \(figure.path) is neither SVG nor PNG; only those can be embedded")
    }
    let image: JSON
    if type == "image/png" {
      image = .string(bytes.base64EncodedString())
    } else {
      guard let svg = String(data: bytes, encoding: .utf8) else {
        throw ExportError(message: "figure \(figure.path) is not UTF-8 text, so not an SVG")
      }
      image = .strings(lines(svg))
    }
    return .object([
      "output_type": .string("display_data"), "metadata": .object([:]),
      "data": .object([type: image, "text/plain": .strings(lines(figure.title))]),
    ])
  }
}
