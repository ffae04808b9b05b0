import Foundation
import NotebookFormat
import Plotting
import TensorLanguage
import Testing

@testable import Workspace

/// A sink that keeps every event, in order.
final class EventList: OutputSink {
  var events: [OutputEvent] = []

  func emit(_ event: OutputEvent) { events.append(event) }

  /// Each event as a short tag and its text, for checking the order.
  var tags: [(String, String)] {
    events.map { event in
      switch event {
      case .text(let text): ("text", text)
      case .progress(let line): ("progress", line)
      case .progressEnd: ("progressEnd", "")
      case .value(let shown): ("value", shown.record)
      case .figure: ("figure", "")
      case .liveFigure(_, let id): ("liveFigure", "\(id)")
      case .display(let text): ("display", text)
      case .timing(_, let text): ("timing", text)
      case .diagnostic(let d, _): ("diagnostic", d.message)
      case .commandError(let message): ("commandError", message)
      case .interrupted: ("interrupted", "")
      }
    }
  }

  func first(_ tag: String) -> Int? { tags.firstIndex { $0.0 == tag } }
  func last(_ tag: String) -> Int? { tags.lastIndex { $0.0 == tag } }
}

/// A workspace whose figures are recorded but drawn nowhere.
func quietWorkspace(isTerminal: Bool = false) -> Workspace {
  let workspace = Workspace(isTerminal: isTerminal)
  workspace.plotter.setting = .off
  return workspace
}

/// The workspace as a front end sees it: events, completion, help, history, cancellation.
@Suite(.serialized) struct WorkspaceTests {
  static let xor = """
    data = xor();
    net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
    """

  /// A fit on a terminal shows its live line, then its summary with the timing apart, then
  /// the value; the notebook cell keeps the text and the value but neither the live line nor
  /// the timing.
  @Test func aFitSendsTextProgressValueAndTimingInOrderAndTheCellKeepsNoTiming() throws {
    let workspace = quietWorkspace(isTerminal: true)
    let sink = EventList()
    #expect(workspace.run(Self.xor, to: sink) == .ok)
    sink.events = []
    // Long enough (about a second here) for the live line, drawn after 0.1 s.
    let source = """
      print("training")
      h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 300000);
      accuracy(net, data)
      """
    #expect(workspace.run(source, to: sink) == .ok)
    let tags = sink.tags
    let printed = try #require(tags.firstIndex { $0 == ("text", "training\n") })
    let progress = try #require(sink.first("progress"))
    let end = try #require(sink.first("progressEnd"))
    let summary = try #require(tags.firstIndex { $0.0 == "text" && $0.1.hasPrefix("epoch 300000") })
    let timing = try #require(sink.first("timing"))
    let value = try #require(sink.first("value"))
    #expect(printed < progress)
    #expect(progress < end && sink.last("progress").map { $0 < end } == true)
    #expect(end < summary)
    #expect(summary + 1 == timing)
    #expect(tags[timing + 1] == ("text", "\n"))
    #expect(timing < value)
    #expect(tags[value].1 == "1\n")
    #expect(tags[timing].1.range(of: #"^ · [0-9.]+ s$"#, options: .regularExpression) != nil)
    let line = tags[summary].1
    #expect(line.hasSuffix(" · accuracy 1"))
    // The timing is the run's wall time, as the history keeps it.
    guard case .timing(let seconds, _) = sink.events[timing],
      case .history(let h)? = workspace.session.bindings["h"]
    else {
      Issue.record("no timing event or no history")
      return
    }
    #expect(seconds == h.seconds)
    let cell = try #require(workspace.notebook.cells.last)
    #expect(cell.output == "training\n" + line + "\n1\n")
    #expect(workspace.notebook.cells.count == 2)
  }

  /// A value is shown at the front end's width and kept at the notebook's 80 columns.
  @Test func aValueIsShownAtTheFrontEndsWidthAndRecordedAt80Columns() throws {
    let workspace = Workspace(width: { 120 })
    let sink = EventList()
    workspace.run("linspace(0, 1, 50)", to: sink)
    guard case .value(let shown)? = sink.events.first else {
      Issue.record("no value: \(sink.tags)")
      return
    }
    let screen = shown.text.split(separator: "\n")
    let record = shown.record.split(separator: "\n")
    #expect(screen.count < record.count)
    #expect(screen.allSatisfy { $0.count <= 120 } && record.allSatisfy { $0.count <= 80 })
    #expect(workspace.notebook.cells.first?.output == shown.record)
  }

  /// A figure comes as an event with its plot, which the session's gnuplot renders as an SVG
  /// document and as PNG data.
  @Test func aFigureEventRendersAsSVGAndPNG() throws {
    let workspace = quietWorkspace()
    let sink = EventList()
    #expect(workspace.run("plot([1, 4, 9, 16], title: \"squares\")", to: sink) == .ok)
    let plots = sink.events.compactMap { if case .figure(let p) = $0 { p } else { nil } }
    let plot = try #require(plots.first)
    #expect(plots.count == 1)
    #expect(plot.title == "squares")
    let svg = String(decoding: try workspace.plotter.svg(plot), as: UTF8.self)
    #expect(svg.contains("<svg"))
    #expect(svg.contains("squares"))
    #expect(svg.hasSuffix("</svg>\n"))
    let png = try workspace.plotter.png(plot)
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    // The IHDR chunk follows: a real image, wider than a thumbnail.
    #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
    let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
    #expect(width >= 320)
    // The notebook's cell keeps the figure's plot for :save.
    let saved = FileManager.default.temporaryDirectory.appendingPathComponent(
      "figure-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: saved, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: saved) }
    workspace.run(":save \(saved.path)/f.nb.md", to: sink)
    let text = try String(contentsOfFile: saved.path + "/f.nb.md", encoding: .utf8)
    #expect(text.contains("![squares](f.nb.assets/cell-1.svg)"))
    #expect(FileManager.default.fileExists(atPath: saved.path + "/f.nb.assets/cell-1.svg"))
  }

  /// A live loss curve is one figure with an identity, redrawn; the next statement's is
  /// another.
  @Test func aLiveCurveKeepsItsIdentityWithinAStatement() {
    let workspace = quietWorkspace()
    let sink = EventList()
    workspace.run(Self.xor, to: sink)
    sink.events = []
    workspace.run("fit(net, data, opt: sgd(lr: 0.5), epochs: 300000, live: true);", to: sink)
    let first = sink.tags.filter { $0.0 == "liveFigure" }.map(\.1)
    workspace.run("fit(net, data, opt: sgd(lr: 0.5), epochs: 10, live: true);", to: sink)
    let all = sink.tags.filter { $0.0 == "liveFigure" }.map(\.1)
    #expect(first.count >= 2)
    #expect(Set(first).count == 1)
    let second = Set(all.dropFirst(first.count))
    #expect(second.count == 1 && second != Set(first))
    // A live curve is never a notebook's figure.
    #expect(!sink.tags.contains { $0.0 == "figure" })
  }

  /// Completion at a cursor in the middle of a line: only the text before it counts, and
  /// the word's place is in code points (α and β are one each).
  @Test func completionAtACursorInTheMiddleOfALine() {
    let workspace = Workspace()
    workspace.run("learning_rate = 0.5", to: EventList())
    let text = "α = 2\nβ = learn * acc + α"
    // After "acc": 6 (first line) + 4 ("β = ") + 8 ("learn * ") + 3.
    let c = workspace.complete(text, cursor: 21)
    #expect(c.word == "acc")
    #expect(c.start == 18 && c.end == 21)
    #expect(c.matches.contains("accuracy"))
    #expect(c.matches.allSatisfy { $0.hasPrefix("acc") })
    let d = workspace.complete(text, cursor: 15)
    #expect(d.word == "learn" && d.start == 10 && d.end == 15)
    #expect(d.matches == ["learning_rate"])
    // Keyword arguments of the call the cursor is in, with what follows them.
    let k = workspace.complete("fit(net, data, ep) + 1", cursor: 17)
    #expect(k.candidates == [Completions.Candidate("epochs:", suffix: " ")])
    // A cursor past the end is the end.
    #expect(workspace.complete(":va", cursor: 99).matches == [":vars"])
  }

  /// Help for the name under a cursor, or for the call the cursor is in.
  @Test func helpForTheNameUnderACursor() throws {
    let workspace = Workspace()
    let text = "h = fit(net, data, epochs: 5)"
    let inName = try #require(workspace.help(at: 5, in: text))
    #expect(inName.name == "fit")
    #expect(inName.text == Help.page("fit"))
    #expect(workspace.help(at: 7, in: text)?.name == "fit")
    // Inside the call's arguments, on no name: the call's built-in.
    #expect(workspace.help(at: 12, in: text)?.name == "fit")
    // On a keyword argument, which has no page of its own, the call's.
    #expect(Help.names(at: 22, in: text) == ["epochs", "fit"])
    #expect(workspace.help(at: 22, in: text)?.name == "fit")
    #expect(workspace.help(at: 2, in: ":save x.nb.md")?.text == Help.page(":save"))
    #expect(workspace.help(at: 0, in: "h = 1") == nil)
    #expect(workspace.help(at: 3, in: "12345") == nil)
    #expect(workspace.help(at: 4, in: "acc")?.name == nil)
  }

  /// A cancel from another thread stops a long fit at its next step: the model keeps its
  /// last finished step, every binding survives, the cell records where it stopped, and the
  /// next input runs.
  @Test func cancellingFromAnotherThreadStopsALongFit() throws {
    let workspace = quietWorkspace()
    let sink = EventList()
    workspace.run(Self.xor + "\nbefore = 7;", to: sink)
    let token = workspace.cancellation
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { token.cancel() }
    let started = Date()
    let outcome = workspace.run(
      "h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 10000000)", to: sink)
    #expect(outcome == .interrupted)
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(sink.tags.contains { $0.0 == "text" && $0.1.hasPrefix("interrupted in epoch ") })
    #expect(sink.last("interrupted") != nil)
    let cell = try #require(workspace.notebook.cells.last)
    #expect(cell.interruptedAt != nil)
    #expect(cell.output?.hasSuffix("interrupted\n") == true)
    for name in ["data", "net", "before", "h"] {
      #expect(workspace.session.bindings[name] != nil, "\(name) was lost")
    }
    // The token is cleared before the next input, and the model is usable.
    let after = EventList()
    #expect(workspace.run("accuracy(net, data)", to: after) == .ok)
    guard case .value(let shown)? = after.events.last else {
      Issue.record("no value after the interruption")
      return
    }
    #expect(shown.value.kindName == "a number")
  }

  /// A token is set by `cancel()` or by its check, and `clear` forgets a `cancel()`.
  /// (Ctrl-C's path, SIGINT to the global flag, is tested through a pseudo-terminal in
  /// Tests/TerminalTests: raising SIGINT here would stop other suites' REPLs running at once.)
  @Test func aTokenIsSetByCancelOrItsCheckAndCleared() {
    let token = CancellationToken()
    #expect(!token.isCancelled)
    token.cancel()
    #expect(token.isCancelled)
    token.clear()
    #expect(!token.isCancelled)
    var asked = false
    let checked = CancellationToken(check: { asked })
    #expect(!checked.isCancelled)
    asked = true
    #expect(checked.isCancelled)
  }

  /// The history of inputs: numbered from 1, with tail, range and glob search; unfinished
  /// input and input run without storing are not kept.
  @Test func historyTailRangeAndSearch() {
    let workspace = Workspace()
    let sink = EventList()
    for input in ["a = 1", "b = [1,", ":vars", "a = 1", "fit_me = 3", "?fit"] {
      workspace.run(input, to: sink)
    }
    workspace.run("secret = 1", to: sink, storeHistory: false, recording: false)
    // Run all the same, but neither in the history nor in the notebook.
    #expect(workspace.session.bindings["secret"] != nil)
    #expect(!workspace.notebook.cells.contains { $0.source == "secret = 1" })
    #expect(workspace.notebook.cells.map(\.source) == ["a = 1", "a = 1", "fit_me = 3"])
    let inputs = workspace.history.entries.map(\.input)
    #expect(inputs == ["a = 1", ":vars", "a = 1", "fit_me = 3", "?fit"])
    #expect(workspace.history.entries.map(\.number) == [1, 2, 3, 4, 5])
    #expect(workspace.history.tail(2).map(\.input) == ["fit_me = 3", "?fit"])
    #expect(workspace.history.tail(0).isEmpty)
    #expect(workspace.history.range(from: 2, to: 4).map(\.number) == [2, 3])
    #expect(workspace.history.range(from: 4).map(\.number) == [4, 5])
    #expect(workspace.history.search("*fit*").map(\.input) == ["fit_me = 3", "?fit"])
    #expect(workspace.history.search("a = ?").map(\.number) == [1, 3])
    #expect(workspace.history.search("a = ?", unique: true).map(\.number) == [3])
    #expect(workspace.history.search("*", last: 1).map(\.input) == ["?fit"])
    // :history lists the workspace's own inputs unless a front end gives its own.
    let listed = EventList()
    workspace.run(":history 2", to: listed)
    #expect(listed.tags.map(\.1) == ["5  ?fit\n", "6  :history 2\n"])
  }

  /// Commands run through the workspace and say what went wrong as command errors.
  @Test func commandsAndTheirErrorsComeAsEvents() {
    let workspace = Workspace()
    let sink = EventList()
    #expect(workspace.run(":vaars", to: sink) == .failed)
    #expect(sink.tags.last?.0 == "commandError")
    #expect(sink.tags.last?.1.contains("did you mean :vars?") == true)
    #expect(workspace.run("1 +", to: sink) == .incomplete)
    #expect(workspace.run("1 + )", to: sink) == .failed)
    #expect(sink.tags.last?.0 == "diagnostic")
    #expect(workspace.run(":time 6 * 7", to: sink) == .ok)
    #expect(sink.tags.suffix(2).map(\.0) == ["value", "timing"])
    #expect(sink.tags.last?.1.hasPrefix("time: ") == true)
    #expect(workspace.run(":quit", to: sink) == .quit)
    #expect(workspace.isComplete("?fit") == .complete)
    #expect(workspace.isComplete("fit(") == .incomplete)
    #expect(workspace.isComplete("1 + )") == .invalid)
    // Only statements are cells; the failed one is kept with its error.
    #expect(workspace.notebook.cells.map(\.source) == ["1 + )"])
  }
}
