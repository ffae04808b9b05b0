import Foundation
import NeuralNet
import Plotting
import TensorEngine

/// A built-in function: its signature, its help, and its implementation.
public struct Builtin: Sendable {
  /// One parameter. Required parameters come first and may be given by position; a
  /// parameter with `keywordOnly` is given only as `name: value`.
  public struct Parameter: Sendable {
    public var name: String
    /// How the signature shows the expected kind, e.g. "tensor", "int", "activation".
    public var kind: String
    /// The default when the argument is left out; nil makes the parameter required.
    public var defaultText: String?
    public var keywordOnly: Bool
    /// Whether this parameter collects every remaining positional argument.
    public var variadic: Bool

    public init(
      _ name: String, _ kind: String, default defaultText: String? = nil,
      keywordOnly: Bool = false, variadic: Bool = false
    ) {
      self.name = name
      self.kind = kind
      self.defaultText = defaultText
      self.keywordOnly = keywordOnly
      self.variadic = variadic
    }

    public var isRequired: Bool { defaultText == nil && !variadic }
  }

  public var name: String
  public var parameters: [Parameter]
  /// The group `:help` lists it under: "tensors", "activations", "layers", "losses",
  /// "gradients", "optimizers", "data", "training", "output".
  public var group: String
  /// One line: what it does.
  public var summary: String
  /// A short example a person can type.
  public var example: String
  public var implementation: @Sendable (inout Arguments, Context) throws -> Value
  /// Other forms under the same name, each taken when its `selects` accepts the arguments
  /// given: `step(x)` is the Heaviside activation, `step(opt, net, E)` an optimizer's update.
  /// `:help` shows every form.
  public var overloads: [Builtin] = []
  /// For a form in `overloads`: whether the arguments, as written, are meant for it.
  public var selects: (@Sendable ([Arguments.Item]) -> Bool)?
  /// The value of a named constant (`pi`): its name stands for this number, not a function.
  public var constant: Double?
  /// The layer this function stands for where a layer is expected (`flatten >> dense(4, 2)`),
  /// as an activation function stands for its layer.
  public var layer: (@Sendable () -> any Layer)?
  /// The loss this built-in is (`mse`, …): `fit(…, loss: mse)` knows it by this, the value's
  /// identity, never by its name.
  public var loss: Loss?

  public init(
    _ name: String, _ parameters: [Parameter], group: String, summary: String, example: String,
    _ implementation: @escaping @Sendable (inout Arguments, Context) throws -> Value
  ) {
    self.name = name
    self.parameters = parameters
    self.group = group
    self.summary = summary
    self.example = example
    self.implementation = implementation
  }

  /// The form the arguments call for: the first overload that selects them, else this one.
  public func form(for items: [Arguments.Item]) -> Builtin {
    overloads.first { $0.selects?(items) == true } ?? self
  }

  /// This built-in with `overloads` as its other forms.
  public func overloaded(by overloads: [Builtin]) -> Builtin {
    var copy = self
    copy.overloads = overloads
    return copy
  }

  /// A named number, such as `pi`, listed and documented like a function.
  public init(
    constant name: String, _ value: Double, group: String, summary: String, example: String
  ) {
    self.init(name, [], group: group, summary: summary, example: example) { _, _ in
      .number(value)
    }
    constant = value
  }

  /// `dense(in, out, activation = identity, w:, b:)`; a constant's signature is its name.
  public var signature: String {
    if constant != nil { return name }
    let parts = parameters.map { p -> String in
      if p.variadic { return "\(p.name)…" }
      var text = p.keywordOnly ? "\(p.name):" : p.name
      if let d = p.defaultText { text += p.keywordOnly ? " \(d)" : " = \(d)" }
      return text
    }
    return "\(name)(\(parts.joined(separator: ", ")))"
  }
}

/// What a built-in can reach besides its arguments.
public protocol Context: AnyObject {
  /// Writes text the user sees (print, training progress). `transient` text is a live line
  /// that a terminal redraws and that is not kept in a notebook.
  func write(_ text: String, transient: Bool)
  /// Whether output goes to a terminal that can redraw a live line.
  var isTerminal: Bool { get }
  /// Shows text that belongs to the screen, not to the record of the session: a figure drawn
  /// as characters, the name of a file a figure went to. A notebook keeps the figure itself.
  func display(_ text: String)
  /// Whether the user asked to stop (Ctrl-C); long work checks it between steps. Ask it at
  /// the same points whatever the display (terminal or not, live plots or not): a notebook
  /// replays an interrupted cell by stopping it at the same count of these checks.
  func shouldCancel() -> Bool
  /// Calls a function value (a built-in or an `fn`) with positional arguments.
  func call(_ function: Function, _ arguments: [Value]) throws -> Value
  /// Draws a figure where this session shows figures, or into `file`. Gives a line or a
  /// text picture to print, if any.
  func show(_ plot: Plot, file: String?, size: PlotSize?) throws -> String?
  /// Redraws a figure that changes while work goes on (fit's loss curve), where such
  /// figures go: a window, or the file of `:plot png`/`svg`. Nothing for text figures,
  /// which would fill the screen.
  func showLive(_ plot: Plot) throws
  /// Whether fit draws its loss curve live unless told otherwise (figures go to a window).
  var livePlotsByDefault: Bool { get }
  /// The folder whose files an error may quote a short excerpt of (the notebook's or the
  /// script's own); nil quotes no file at all.
  var quotableFolder: String? { get }
  /// Whether the program may write files it names (`save`); false while a notebook is
  /// replayed, which writes nowhere but its own notebook and figures.
  var writesFiles: Bool { get }
  /// Writes `data` as the file the program named (`save`), atomically: where the user is,
  /// or, while a notebook is replayed, only inside the notebook's folder.
  func writeFile(_ data: Data, named file: String) throws
  /// Where to read a file the program named (`load_model`, `load_weights`): the name
  /// itself, or, while a notebook is replayed, the file in the folder `save` writes to.
  func pathForReading(_ file: String) -> String
  /// Shows one piece of output as what it is (a live line, a timing): see `OutputEvent`.
  /// Hosts that only print text need not implement it: text, live lines and timings then go
  /// to `write`, screen-only text to `display`, figures nowhere (`show` drew them).
  func emit(_ event: OutputEvent)
}

extension Context {
  public var quotableFolder: String? { nil }
  public var writesFiles: Bool { true }

  public func writeFile(_ data: Data, named file: String) throws {
    guard writesFiles else {
      throw RuntimeError(
        "save writes no file here: a notebook replayed writes only into its own folder")
    }
    try Self.writeAtomically(data, to: file)
  }

  public func pathForReading(_ file: String) -> String { file }

  public func emit(_ event: OutputEvent) {
    switch event {
    case .text(let text): write(text, transient: false)
    case .progress(let line): write(line, transient: true)
    case .timing(_, let text): write(text, transient: false)
    case .display(let text): display(text)
    case .value(let shown): write(shown.text, transient: false)
    case .commandError(let message): write("error: \(message)\n", transient: false)
    case .progressEnd, .figure, .liveFigure, .diagnostic, .interrupted: break
    }
  }

  /// Writes `data` to the path `file`, atomically and never through a link.
  public static func writeAtomically(_ data: Data, to file: String) throws {
    do {
      try SafeTensors.writeAtomically(data, to: file)
    } catch let error as SafeTensors.FormatError {
      throw RuntimeError(error.message)
    }
  }

  public func display(_ text: String) { write(text, transient: false) }

  public func show(_ plot: Plot, file: String?, size: PlotSize?) throws -> String? {
    throw RuntimeError("plots are not available here")
  }
  public func showLive(_ plot: Plot) throws {}
  public var livePlotsByDefault: Bool { false }
}
