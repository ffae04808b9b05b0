import Foundation
import Plotting

/// Where a session's figures go, and the one gnuplot process that draws them (started on
/// the first plot, restarted if it dies).
public final class Plotter {
  /// The `:plot` setting: a kind of output for every figure without a `file:`.
  public enum Setting: String, CaseIterable, Sendable {
    case window, text, png, svg, sixel, off
  }

  /// Chosen with `:plot`; nil decides by itself (GNUTERM, then a window when there is a
  /// display, else text).
  public var setting: Setting?
  /// The size of text figures: the terminal's, asked at each plot.
  public var textSize: () -> PlotSize
  /// Where `:plot png`/`svg` write their numbered files.
  public var directory: String
  private let environment: [String: String]
  private let gnuplot: GnuplotProcess
  private var windowTerminal: String??
  private var written = 0

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    gnuplot: GnuplotProcess = GnuplotProcess(),
    directory: String = FileManager.default.currentDirectoryPath,
    textSize: @escaping () -> PlotSize = { PlotSize(80, 25) }
  ) {
    self.environment = environment
    self.gnuplot = gnuplot
    self.directory = directory
    self.textSize = textSize
  }

  /// Draws `plot`; gives what to print: a text figure, sixel data, or the name of the file
  /// written by `:plot png`/`svg`.
  public func show(_ plot: Plot, file: String?, size: PlotSize?) throws -> String? {
    if let figureSink { return try figureSink(plot, file) }
    let target: PlotTarget
    var note: String?
    if file != nil, !writesFiles { return nil }
    if let file {
      target = .file(path: file, format: try PlotFile.format(of: file))
      // Say where it went: nothing else on the screen would.
      note = "wrote \(file)"
    } else {
      let chosen = effectiveSetting
      switch chosen {
      case .off:
        return nil
      case .png, .svg:
        let format: PlotTarget.FileFormat = chosen == .png ? .png : .svg
        written += 1
        let name = "plot-\(written).\(format.rawValue)"
        target = .file(path: path(of: name), format: format)
        note = "wrote \(name)"
      case .text:
        target = .text
      case .sixel:
        target = .sixel
      case .window, nil:
        target = try windowTarget() ?? .text
      }
    }
    let script = try GnuplotScript.render(
      plot, target: target, size: target == .text ? (size ?? textSize()) : size)
    let reply = try gnuplot.run(script)
    switch target {
    case .text: return Self.tidy(reply.output)
    case .sixel: return reply.output
    default: return note
    }
  }

  /// When set, every figure goes here instead of where `:plot` says, with its `file:`, and
  /// gives a line to print, if any. A Jupyter kernel writes the `file:` by the rules of
  /// notebook replay; the figure itself reaches it as the session's `figure` event.
  public var figureSink: ((Plot, _ file: String?) throws -> String?)?

  /// The running gnuplot's process id (nil before the first plot); tests kill it.
  public var gnuplotProcessIdentifier: Int32? { gnuplot.processIdentifier }

  /// False while replaying a notebook someone else wrote: `file:` is ignored, so a replay
  /// writes nowhere but beside the notebook (its figures still reach the notebook as the
  /// session's `figure` events).
  public var writesFiles = true

  /// `plot` as an SVG document (a notebook's figure), whatever `:plot` says: gnuplot writes
  /// it to its standard output, and the caller writes the file, so gnuplot is never handed
  /// a path (see `NotebookSaving`).
  public func svg(_ plot: Plot) throws -> Data {
    let text = try gnuplot.run(GnuplotScript.renderSVG(plot)).output
    guard let start = text.range(of: "<?xml") ?? text.range(of: "<svg"),
      let end = text.range(of: "</svg>", options: .backwards)
    else { throw PlotError("gnuplot did not draw the figure as SVG") }
    return Data((text[start.lowerBound..<end.upperBound] + "\n").utf8)
  }

  /// `plot` as a PNG image, whatever `:plot` says. gnuplot writes PNG only to a file, so it
  /// draws into a folder of its own made for the purpose, and the file is read back.
  public func png(_ plot: Plot, size: PlotSize? = nil) throws -> Data {
    var template = Array((Self.temporaryFolder + "/gradbook-png.XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw PlotError("no temporary folder for a PNG figure (\(Self.temporaryFolder))")
    }
    let folder = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/figure.png"
    _ = try gnuplot.run(
      GnuplotScript.render(plot, target: .file(path: path, format: .png), size: size))
    guard let data = FileManager.default.contents(atPath: path),
      data.starts(with: Self.pngSignature)
    else {
      throw PlotError("gnuplot did not draw the figure as PNG")
    }
    return data
  }

  /// The eight bytes every PNG file starts with.
  static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// TMPDIR when its name is one gnuplot may be handed, else /tmp.
  private static var temporaryFolder: String {
    let folder = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    let trimmed = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
    let safe = (try? PlotFile.format(of: trimmed + "/x.png")) != nil
    return safe && !trimmed.isEmpty ? trimmed : "/tmp"
  }

  /// Whether figures without a file go to a window.
  public var goesToWindow: Bool { (try? windowTarget()) != nil }

  /// Redraws a changing figure: in the window, or in the one file `plot-live.svg`/`.png`
  /// under `:plot svg`/`png`; text figures are not redrawn.
  public func showLive(_ plot: Plot) throws {
    let target: PlotTarget
    switch effectiveSetting {
    case .png: target = .file(path: path(of: "plot-live.png"), format: .png)
    case .svg: target = .file(path: path(of: "plot-live.svg"), format: .svg)
    case .window, nil:
      guard let window = try windowTarget() else { return }
      target = window
    case .text, .sixel, .off: return
    }
    _ = try gnuplot.run(GnuplotScript.render(plot, target: target))
  }

  /// Where gnuplot writes a file Gradbook names (`plot-3.svg`): the bare name when the
  /// folder is the current one, which gnuplot shares, so that the folder's own name (which
  /// may hold `'`, `&` or `(`) never goes through the check meant for names users type.
  private func path(of name: String) -> String {
    directory == FileManager.default.currentDirectoryPath ? name : directory + "/" + name
  }

  /// The dumb terminal's page without its form feed, trailing spaces and blank last lines.
  static func tidy(_ page: String) -> String {
    var lines = page.replacingOccurrences(of: "\u{0C}", with: "")
      .split(separator: "\n", omittingEmptySubsequences: false)
      .map { line in String(line.reversed().drop { $0 == " " || $0 == "\r" }.reversed()) }
    while lines.last?.isEmpty == true { lines.removeLast() }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `:plot`'s setting, else GNUTERM's.
  private var effectiveSetting: Setting? { setting ?? fromEnvironment() }

  /// The window figures without a file go to, if any: the one asked for (qt when gnuplot
  /// names none), or with no setting the first window terminal when there is a display.
  private func windowTarget() throws -> PlotTarget? {
    switch effectiveSetting {
    case .window: return .window(terminal: try windowTerminalName() ?? "qt")
    case nil: return try windowTerminalName().map { .window(terminal: $0) }
    default: return nil
    }
  }

  /// GNUTERM, read the way gnuplot users set it.
  private func fromEnvironment() -> Setting? {
    guard let term = environment["GNUTERM"]?.split(separator: " ").first.map(String.init)
    else { return nil }
    switch term {
    case "dumb": return .text
    case "sixel", "sixelgd": return .sixel
    case "qt", "wxt", "x11": return .window
    case "png", "pngcairo": return .png
    case "svg": return .svg
    default: return nil
    }
  }

  /// The first window terminal gnuplot has, when there is a display to show it on.
  private func windowTerminalName() throws -> String? {
    if let known = windowTerminal { return known }
    var name: String?
    let display = environment["DISPLAY"] ?? environment["WAYLAND_DISPLAY"] ?? ""
    if !display.isEmpty {
      let terminals = try gnuplot.run("set print '-'\nprint GPVAL_TERMINALS\nset print\n").output
      let names = Set(terminals.split(whereSeparator: \.isWhitespace).map(String.init))
      // A window terminal named by GNUTERM comes first.
      let asked = environment["GNUTERM"]?.split(separator: " ").first.map(String.init)
      name = ([asked].compactMap { $0 } + ["qt", "wxt", "x11"]).first { names.contains($0) }
    }
    windowTerminal = .some(name)
    return name
  }
}
