import Plotting

/// One piece of what evaluating an input shows, as a front end receives it: the terminal
/// prints it, the notebook recorder keeps what a notebook keeps, a Jupyter kernel turns it
/// into messages. Here, below the workspace, so that built-ins can say what they show
/// (a timing, a live line) rather than print text that someone must pick apart afterwards.
public enum OutputEvent {
  /// Printed text (`print`, fit's summary line, a command's listing), ending in a newline
  /// unless more of the same line follows. A notebook keeps it.
  case text(String)
  /// The live progress line (fit's `epoch 120/3000 · loss …`), without a newline: each one
  /// replaces the last in place. Never kept in a notebook.
  case progress(String)
  /// The live line is over: a terminal clears it. Sent before the next other output and at
  /// the end of an evaluation that showed one.
  case progressEnd
  /// The value of an expression statement or assignment (a kernel's `execute_result`).
  case value(ShownValue)
  /// A figure a statement drew (`plot`, fit's final decision boundary), as the description
  /// gnuplot draws; a notebook keeps it as a figure file, a kernel renders it as SVG and PNG.
  /// What a terminal prints for it comes as `display`.
  case figure(Plot)
  /// A figure redrawn while work goes on (fit's live loss curve): each event with the same
  /// `id` replaces the last one drawn with it (a kernel's `update_display_data`).
  case liveFigure(Plot, id: Int)
  /// Text for the screen only: a figure drawn as characters, the name of the file it went to.
  /// A notebook keeps the figure itself instead.
  case display(String)
  /// A wall time: fit's ` · 0.04 s` at the end of its line (the line's newline follows as
  /// text), `:time`'s `time: 1.2 ms` line. A terminal prints `text`; a notebook never keeps
  /// it, so the same notebook gives the same file on every machine.
  case timing(seconds: Double, text: String)
  /// What stopped an input: a syntax or runtime error, with the source it points into, so
  /// each front end formats it (caret, colour) its own way.
  case diagnostic(Diagnostic, source: String)
  /// A `:` command or `?name` could not do what was asked; `message` says why and what to
  /// type instead (a terminal prints `error: message`).
  case commandError(String)
  /// The user stopped the input (Ctrl-C, a kernel interrupt) at `at`, when known; bindings
  /// made so far are kept. `source` is the input, to say which line.
  case interrupted(at: SourceRange?, source: String)
}

/// A value as a front end shows it.
public struct ShownValue {
  /// The value itself.
  public var value: Value
  /// Laid out at the front end's width (the terminal's), ending in a newline.
  public var text: String
  /// Laid out at the notebook's width (80 columns), as replay lays it out: what a notebook
  /// and a kernel's `execute_result` keep, the same on every machine.
  public var record: String

  public init(value: Value, text: String, record: String) {
    self.value = value
    self.text = text
    self.record = record
  }
}
