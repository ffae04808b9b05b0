import Foundation
import TensorLanguage

/// The REPL's help: an index of topics and built-ins by group, and one page per built-in,
/// command, keyword and topic, all made from the tables they describe so none can be left
/// out.
public enum Help {
  /// Topics that are not a built-in's name, with their text.
  public static let topics: [(name: String, text: String)] = [
    ("syntax", syntax),
    ("commands", ""),  // made from Command.all
    ("keys", keys),
    ("augment", augment),
    ("stop", stop),
  ]

  /// Every name `:help NAME` knows: topics, groups, commands, keywords and built-ins.
  public static var names: [String] {
    topics.map(\.name) + Builtins.groups + Command.all.map { ":" + $0.name }
      + keywordHelp.keys.sorted() + Builtins.list.map(\.name)
  }

  /// `:help` with no name.
  public static func index(width: Int = 80) -> String {
    var out = "Type :help NAME (or ?NAME) for one topic, command or built-in.\n"
    out += "topics    " + topics.map(\.name).joined(separator: "  ") + "\n"
    out += "commands  " + Command.all.map { ":" + $0.name }.joined(separator: "  ") + "\n"
    out += "keywords  " + keywordHelp.keys.sorted().joined(separator: " ") + "\n"
    out += "\nbuilt-ins, by group:\n"
    let labelWidth = (Builtins.groups.map(\.count).max() ?? 0) + 2
    for group in Builtins.groups {
      let names = Builtins.inGroup(group).map(\.name)
      // Continuation lines start under the first name.
      let label = group.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
      out +=
        wrapWords(
          names.joined(separator: " "), width: width, first: label,
          indent: String(repeating: " ", count: labelWidth)) + "\n"
    }
    return out
  }

  /// The page for `name`, or nil when there is none.
  public static func page(_ name: String, width: Int = 80) -> String? {
    let name = name.trimmingCharacters(in: .whitespaces)
    if let named = Builtins.all[name] {
      // One paragraph per form: `step(x)` and `step(opt, params, E)`.
      return ([named] + named.overloads).map { builtin in
        var out = wrapSignature(builtin.signature, width: width) + "\n"
        out += wrapWords(builtin.summary, width: width, indent: "  ") + "\n"
        out += wrapWords("example: " + builtin.example, width: width, indent: "  ") + "\n"
        if Builtins.groups.contains(builtin.group) {
          out += "  group: \(builtin.group) (:help \(builtin.group))\n"
        }
        return out
      }.joined(separator: "\n")
    }
    if name == "commands" { return commands() }
    if let topic = topics.first(where: { $0.name == name }) { return topic.text }
    if Builtins.groups.contains(name) { return group(name, width: width) }
    if let text = keywordHelp[name] { return text }
    if name.hasPrefix(":"), let command = Command.named(String(name.dropFirst())) {
      return command.usage + "\n  " + command.summary + "\n"
    }
    return nil
  }

  /// A long signature broken after commas, continuation lines under the first parameter.
  static func wrapSignature(_ signature: String, width: Int) -> String {
    guard signature.count > width, let open = signature.firstIndex(of: "(") else {
      return signature
    }
    let indent = String(
      repeating: " ", count: signature.distance(from: signature.startIndex, to: open) + 1)
    var lines: [String] = []
    var line = ""
    for piece in signature.split(separator: ", ", omittingEmptySubsequences: false) {
      let candidate = line.isEmpty ? String(piece) : line + ", " + piece
      if !line.isEmpty, candidate.count > width {
        lines.append(line + ",")
        line = indent + piece
      } else {
        line = candidate
      }
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  /// Text broken between words to fit `width`: the first line starts with `first`, the
  /// others with `indent`. A word longer than a line stays whole.
  static func wrapWords(_ text: String, width: Int, first: String? = nil, indent: String)
    -> String
  {
    var lines: [String] = []
    var start = first ?? indent
    var line = start
    for word in text.split(separator: " ") {
      if line.count > start.count, line.count + 1 + word.count > width {
        lines.append(line)
        start = indent
        line = indent
      }
      line += (line.count > start.count ? " " : "") + word
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  /// What to say when there is no page for `name`.
  public static func missing(_ name: String) -> String {
    var text = "no help for '\(name)'"
    if let close = closestName(to: name, in: names) { text += "; did you mean \(close)?" }
    return text + " (:help lists everything)"
  }

  private static func commands() -> String {
    let width = (Command.all.map(\.usage.count).max() ?? 0) + 2
    return Command.all.map {
      $0.usage.padding(toLength: width, withPad: " ", startingAt: 0) + $0.summary
    }
    .joined(separator: "\n") + "\n?NAME is :help NAME. Ctrl-C stops a running statement.\n"
  }

  /// One line per built-in, its summary wrapped to `width` under the summaries' column.
  private static func group(_ name: String, width: Int) -> String {
    let builtins = Builtins.inGroup(name)
    let column = (builtins.map(\.name.count).max() ?? 0) + 2
    let indent = String(repeating: " ", count: column)
    return builtins.map {
      wrapWords(
        $0.summary, width: width,
        first: $0.name.padding(toLength: column, withPad: " ", startingAt: 0), indent: indent)
    }
    .joined(separator: "\n") + "\n"
  }

  static let keywordHelp: [String: String] = [
    "fn":
      "fn NAME(a, b) = EXPR   or   fn NAME(a, b) { STATEMENTS }\n  defines a function; a block's last expression is its value\n  example: fn logistic(z) = 1 / (1 + exp(-z))\n",
    "if":
      "if CONDITION { … } else { … }\n  runs one block; the condition must be a scalar; its value is the block's value\n  example: if acc == 1 { \"solved\" } else { \"not yet\" }\n",
    "else": "see if\n",
    "for":
      "for NAME in RANGE_OR_TENSOR { … }\n  repeats a block; a range is inclusive\n  example: for i in 1..3 { print(i) }\n",
    "in": "see for\n",
    "while":
      "while CONDITION { … }\n  repeats a block while a scalar condition holds (Ctrl-C stops it)\n  example: while err > 0.01 { err = err / 2 }\n",
    "return":
      "return EXPR\n  leaves the function being run with a value\n  example: fn sign1(x) { if x < 0 { return -1 }\n  1 }\n",
    "true": "true and false are the two bools; comparisons on tensors give 0/1 tensors\n",
    "false": "true and false are the two bools; comparisons on tensors give 0/1 tensors\n",
  ]

  /// fit's `augment:`: what it does and its transforms.
  static let augment = """
    fit(…, augment: [flip(), shift(2), crop(32, pad: 4), pca_color(0.1)])
      transforms each training minibatch as it is drawn, differently each epoch,
      from the session's seed (the same notebook gives the same numbers). Labels
      stay as they are and val: data is never augmented. Samples must be images
      [channels, height, width]; every transform keeps their size, so the model
      trains and evaluates on images of one size. Compiled training stays compiled.
      flip(p: 0.5)        mirrors left to right with probability p
      shift(k)            moves by a random whole offset in -k..k on each axis,
                          filling with 0
      crop(size, pad: p)  pads with p zeros and takes a random size×size window;
                          size is the images' own (crop(32, pad: 4) on 32×32)
      pca_color(sigma)    AlexNet's colour shift along the training set's RGB
                          principal components (RGB images only)
      example: h = fit(net, train, loss: cross_entropy, batch: 32,
                       augment: [flip(), shift(1)])

    """

  /// fit's `stop:`.
  static let stop = """
    fit(…, stop: early(patience: 10, restore: true))
      ends training once the loss has not improved for patience epochs: the
      validation loss when fit has val:, else the training loss. restore: true
      gives the model back the weights of its best epoch. The history and fit's
      line say where it stopped: "stopped early after epoch 37 (best 27)".
      Works with schedule: plateau(…), which watches the same loss.
      example: h = fit(net, train, val: test, epochs: 500,
                       stop: early(patience: 10))

    """

  static let syntax = """
    x = expr                 bind a name (a trailing ; prints nothing)
    a, b = split(data, 0.8)  destructure a tuple
    [[1, 2], [3, 4]]         a tensor; 3 is a rank-0 tensor
    + - * / ^                elementwise, numpy broadcasting;  @ matrix product;  t' transpose
    == != < <= > >=          elementwise, give 0/1;  && || ! on scalars
    dense(2, 4) >> relu      compose layers;  x >> net is net(x)
    t[0]  t[-1]  t[1, :]  t[:, 0]  t[1:3]   zero-based indexing and slices
    x[y == 0]  x[[0, 2]]     select where a comparison holds, or at listed positions
    w[0, 1] = 0.5            write into elements (also x[x < 0] = 0, w[:, 0] = [1, 2])
    net.layers[0].w = [[1, 2]]   set a layer's weights (.w, .b; shapes must match)
      A parameter (a layer's weights, param(…)) changes in place: the model and every
      name for it see the change. A plain tensor is a value: b = a; a[0] = 1 leaves b.
    enc = net.layers[0:2]    a model of those layers, shared with net, not copied: training
                             enc trains net's layers (copy(enc) for separate ones)
    f(a, b, name: value)     call: positional first, then keywords
    fn f(x) = x^2            a function;  fn g(x) { …; last }  with a block
    for i in 1..10 { … }     while c { … }   if c { … } else { … }
    # a comment runs to the end of the line
    A line ending inside ( [ { or after an operator or comma continues on the next (..>).

    """

  static let keys = """
    Enter            run the statement (or continue it on a ..> line when unfinished)
    Tab              complete a name, built-in, keyword argument (fit(net, d, ep<Tab>),
                     member (data.<Tab>), :command or file path
    Up / Down        earlier / later entries;  Ctrl-R search the history
    Ctrl-A / Ctrl-E  start / end of line;  Ctrl-K cut to the end;  Ctrl-Y paste
    Ctrl-C           drop the line; while running, stop at the next step (bindings kept)
    Ctrl-D           quit (on an empty line)
    History is kept in $XDG_STATE_HOME/gradbook/history; ~/.editrc is read (libedit).

    """
}
