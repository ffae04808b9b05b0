import Foundation
import NotebookFormat
import Plotting
import TensorLanguage

/// Replays notebooks: every cell in order in one fresh session seeded as the notebook says,
/// its output recorded as the file keeps it (no colour, no timings).
public enum NotebookReplay {
  /// A replay: the notebook as it is now, and the figures its cells drew with their plots.
  public struct Result {
    public var notebook: Notebook
    public var drawn: [(Figure, Plot)]
    /// The plotter that drew them, to render the figures with.
    public var plotter: Plotter
  }

  /// The notebook `name` (as in NAME.nb.md) with every cell's output and figures as they
  /// are now. Figures are recorded, not shown. Errors quote excerpts only of files in
  /// `folder` (the notebook's), and of none without it. The files its cells save and load
  /// by name are in `files`' folders; without them, `save` is refused.
  public static func run(
    _ notebook: Notebook, name: String = "notebook", folder: String? = nil,
    files: NotebookFiles? = nil
  ) -> Result {
    let recorder = CellRecorder()
    let plotter = Plotter()
    plotter.setting = .off
    plotter.writesFiles = false
    let session = Session(seed: notebook.seed, plotter: plotter, events: recorder.record)
    session.quotableFolder = folder
    session.notebookFiles = files
    var result = notebook
    var plots: [[Plot]] = []
    for (index, block) in notebook.blocks.enumerated() {
      guard case .cell(var cell) = block else { continue }
      let run = runCell(
        cell.source, options: cell.options, in: session, recorder: recorder,
        evaluate: session.evaluate)
      cell.output = run.output
      cell.options = run.options
      plots.append(run.plots)
      result.blocks[index] = .cell(cell)
    }
    let (withFigures, drawn) = NotebookFigures.attach(plots, to: result, notebookName: name)
    return Result(notebook: withFigures, drawn: drawn, plotter: plotter)
  }

  /// Runs one cell with `evaluate` (the session's, or a front end's around it, given the
  /// check to stop at): its evaluation, the output the file keeps from what `recorder`
  /// caught (the session's events must reach it), its options and the figures it drew.
  ///
  /// A cell recorded as interrupted (`{interrupted=N}`) is stopped at the same check again;
  /// a cell interrupted now gets that option, and one that ran to its end loses it.
  public static func runCell(
    _ source: String, options: [String] = [], in session: Session, recorder: CellRecorder,
    evaluate: (String, Int?) -> Evaluation
  ) -> (evaluation: Evaluation, output: String?, options: [String], plots: [Plot]) {
    recorder.start()
    defer { recorder.stop() }
    var cell = Cell(source: source, options: options)
    let evaluation = evaluate(source, cell.interruptedAt)
    let plots = recorder.plots
    if case .interrupted = evaluation {
      cell.interruptedAt = session.interruptedAtCheck
    } else {
      cell.interruptedAt = nil
    }
    return (
      evaluation, cellOutput(recorder.text, evaluation, source: source), cell.options, plots
    )
  }

  /// What a cell leaves in the file: what it printed (which holds no timing: those are events
  /// of their own), then its error; nil when it printed nothing.
  public static func cellOutput(_ printed: String, _ evaluation: Evaluation, source: String)
    -> String?
  {
    var text = printed
    let formatter = DiagnosticFormatter()
    switch evaluation {
    case .complete: break
    case .incomplete:
      text += formatter.format(.unfinished(source), in: source)
    case .failed(let diagnostics):
      for d in diagnostics { text += formatter.format(d, in: source) }
    case .interrupted: text += "interrupted\n"
    }
    return text.isEmpty ? nil : text
  }

  /// Each checked cell whose output changed, as a unified diff of its lines.
  public static func differences(recorded: Notebook, now: Notebook, name: String) -> [String] {
    var diffs: [String] = []
    for (number, (old, new)) in zip(recorded.cells, now.cells).enumerated() where old.isChecked {
      let header =
        "--- \(name) cell \(number + 1), recorded\n+++ \(name) cell \(number + 1), now\n"
      if !sameOutput(old.output, new.output, tolerance: old.tolerance) {
        diffs.append(unifiedDiff(old.output ?? "", new.output ?? "", header: header))
      }
      // Figures compare by the hash of their data, never by the image; in a cell with a
      // tolerance the data may differ in its last digits, so only what was drawn counts.
      func line(_ f: Figure) -> String {
        "figure \(f.path) \(f.kind)" + (old.tolerance == nil ? " data-sha256=\(f.hash)" : "")
      }
      let before = old.figures.map(line)
      let after = new.figures.map(line)
      if before != after {
        diffs.append(
          unifiedDiff(
            before.map { $0 + "\n" }.joined(), after.map { $0 + "\n" }.joined(), header: header))
      }
    }
    if recorded.cells.count != now.cells.count {
      diffs.append("\(name): \(recorded.cells.count) cells recorded, \(now.cells.count) now\n")
    }
    return diffs
  }

  /// Equal text, or with a tolerance, equal once numbers within it are taken as equal.
  static func sameOutput(_ a: String?, _ b: String?, tolerance: Double?) -> Bool {
    if a == b { return true }
    guard let tolerance, let a, let b else { return false }
    let pattern = #"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"#
    let regex = try? NSRegularExpression(pattern: pattern)
    /// The text with each number replaced by `#`, and the numbers.
    func split(_ s: String) -> (String, [Double]) {
      let range = NSRange(s.startIndex..., in: s)
      let matches = regex?.matches(in: s, range: range) ?? []
      let numbers = matches.compactMap { Range($0.range, in: s).flatMap { Double(s[$0]) } }
      let text = regex?.stringByReplacingMatches(in: s, range: range, withTemplate: "#") ?? s
      return (text, numbers)
    }
    let (ta, na) = split(a)
    let (tb, nb) = split(b)
    guard ta == tb, na.count == nb.count else { return false }
    return zip(na, nb).allSatisfy { abs($0 - $1) <= tolerance * Swift.max(1, abs($0), abs($1)) }
  }
}

/// The notebook recorder, a sink of a session's events: while a cell runs (between `start`
/// and `stop`) it keeps what a notebook keeps — printed text, values at the notebook's width,
/// figures — and never a live line, a timing or screen-only text.
public final class CellRecorder {
  /// The text the cell printed so far.
  public private(set) var text = ""
  /// The figures the cell drew so far.
  public private(set) var plots: [Plot] = []
  private var recording = false

  public init() {}

  /// Starts a cell: forgets the last one's output and keeps what follows.
  public func start() {
    text = ""
    plots = []
    recording = true
  }

  /// Ends a cell: what follows (a command's output) is not kept.
  public func stop() { recording = false }

  /// Keeps `event` if a notebook would.
  public func record(_ event: OutputEvent) {
    guard recording else { return }
    switch event {
    case .text(let printed): text += printed
    case .value(let shown): text += shown.record
    case .figure(let plot): plots.append(plot)
    case .progress, .progressEnd, .liveFigure, .display, .timing, .diagnostic, .commandError,
      .interrupted:
      break
    }
  }
}

/// The lines of `old` and `new` as a unified diff (one hunk with all lines, `-` removed,
/// `+` added, a space kept), from their longest common subsequence.
public func unifiedDiff(_ old: String, _ new: String, header: String) -> String {
  let a = old.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
    old.hasSuffix("\n") ? 1 : 0
  ).map(String.init)
  let b = new.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
    new.hasSuffix("\n") ? 1 : 0
  ).map(String.init)
  // lcs[i][j]: the longest common subsequence of a[i...] and b[j...].
  var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
  for i in stride(from: a.count - 1, through: 0, by: -1) {
    for j in stride(from: b.count - 1, through: 0, by: -1) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : Swift.max(lcs[i + 1][j], lcs[i][j + 1])
    }
  }
  var out = header + "@@ -1,\(a.count) +1,\(b.count) @@\n"
  var i = 0
  var j = 0
  while i < a.count || j < b.count {
    if i < a.count, j < b.count, a[i] == b[j] {
      out += " \(a[i])\n"
      i += 1
      j += 1
    } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
      // Removed lines before added ones, as diff prints them.
      out += "-\(a[i])\n"
      i += 1
    } else {
      out += "+\(b[j])\n"
      j += 1
    }
  }
  return out
}
