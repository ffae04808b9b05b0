/// A REPL command: `:name argument`. Commands are not part of the language; they talk to
/// the REPL itself.
public struct Command: Sendable {
  public var name: String
  /// How the argument is written in help, e.g. "[NAME]"; empty for none.
  public var argument: String
  public var summary: String

  /// The commands this version has, in the order `:help commands` lists them.
  public static let all: [Command] = [
    Command(name: "help", argument: "[NAME]", summary: "list topics and built-ins, or explain one"),
    Command(name: "vars", argument: "", summary: "list the names you have bound, with their kind"),
    Command(name: "reset", argument: "", summary: "forget every binding"),
    Command(name: "history", argument: "[N]", summary: "show the last N entries (all by default)"),
    Command(name: "time", argument: "STATEMENT", summary: "run a statement and show its wall time"),
    Command(name: "md", argument: "TEXT", summary: "add a Markdown note to the notebook"),
    Command(
      name: "open", argument: "FILE.nb.md",
      summary: "replay a notebook into this session and continue it"),
    Command(
      name: "save", argument: "[FILE.nb.md]",
      summary: "save the session as a notebook (again to the same file without FILE)"),
    Command(
      name: "plot", argument: "[window|text|png|svg|sixel|off|auto]",
      summary: "where figures go (auto: a window on a display, else text)"),
    Command(name: "quit", argument: "", summary: "leave Gradbook (also :q, :exit, Ctrl-D)"),
  ]

  /// Other spellings people type out of habit.
  static let aliases = ["q": "quit", "exit": "quit", "h": "help", "?": "help"]

  /// The command `name` spells, by its name, an alias, or a prefix only one command has
  /// (`:his` is `:history`).
  public static func named(_ name: String) -> Command? {
    let name = aliases[name] ?? name
    if let exact = all.first(where: { $0.name == name }) { return exact }
    let starting = all.filter { $0.name.hasPrefix(name) }
    return !name.isEmpty && starting.count == 1 ? starting[0] : nil
  }

  /// `:time STATEMENT`
  public var usage: String { argument.isEmpty ? ":\(name)" : ":\(name) \(argument)" }
}
