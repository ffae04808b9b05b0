import LineEditing

/// Lines as a person would type them, one per prompt, with the prompts that were shown.
final class ScriptedReader: LineReader {
  private var inputs: [LineInput]
  private(set) var prompts: [String] = []
  private(set) var history: [String] = []

  init(_ lines: [String]) { inputs = lines.map { .line($0) } }
  init(inputs: [LineInput]) { self.inputs = inputs }

  func readLine(prompt: Prompt) -> LineInput {
    prompts.append(prompt.text)
    return inputs.isEmpty ? .endOfInput : inputs.removeFirst()
  }

  func addHistory(_ entry: String) {
    if history.last != entry { history.append(entry) }
  }
}

/// Runs a REPL over `reader` and gives everything it printed (live lines left out).
func transcript(_ reader: ScriptedReader) -> String {
  var out = ""
  let repl = REPLUnderTest(reader: reader) { text, transient in
    if !transient { out += text }
  }
  _ = repl.run()
  return out
}
