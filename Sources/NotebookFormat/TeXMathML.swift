/// TeX mathematics as MathML Core, which browsers render natively: a page can show
/// `\frac{1}{2}\sum_i (t_i - o_i)^2` with no script and nothing to fetch.
///
/// The subset is what a course writes: letters, numbers and operators; `_` and `^` with
/// braces; `\frac`, `\sqrt`, `\binom`; `\sum`, `\prod`, `\int`, `\lim`, `\max` with limits;
/// Greek letters; relations, arrows and dots (`\cdot \times \leq \approx \to \in` …);
/// `\infty \partial \nabla`; `\sin \log \exp` …; `\left( … \right)`; `\mathbf`, `\mathrm`,
/// `\mathbb`, `\text`, `\operatorname`; accents `\hat \bar \tilde \vec \dot \overline`;
/// spaces; and the environments `matrix`, `pmatrix`, `bmatrix`, `Bmatrix`, `vmatrix`,
/// `Vmatrix` and `cases`. Anything else is an error, so the caller can show the source
/// instead of a guess.
///
/// All text that reaches the MathML is HTML-escaped: what a span says cannot become markup.
enum TeXMathML {
  /// Why a span could not be converted, e.g. "unknown command \foo".
  struct Failure: Error, Equatable {
    let message: String
  }

  /// Deeper nesting than this is refused, so no input can exhaust the stack.
  static let maxDepth = 40

  /// `tex` as one `<math>` element; `display` for a block (`$$…$$`), where sums take their
  /// limits above and below. The source is kept as a TeX annotation, which browsers do not
  /// show but copy and assistive tools read.
  static func math(_ tex: String, display: Bool) throws(Failure) -> String {
    var parser = Parser(characters: Array(tex), display: display)
    let nodes = try parser.row()
    if let stop = parser.peek {
      throw Failure(message: "unexpected \(stop == "}" ? "}" : parser.describeStop())")
    }
    let open = display ? "<math display=\"block\">" : "<math>"
    return "\(open)<semantics>\(mrow(nodes))"
      + "<annotation encoding=\"application/x-tex\">\(escape(tex))</annotation>"
      + "</semantics></math>"
  }

  static func mrow(_ nodes: [String]) -> String {
    nodes.count == 1 ? nodes[0] : "<mrow>\(nodes.joined())</mrow>"
  }

  static func escape(_ text: String) -> String { NotebookExport.escape(text) }

  /// How letters and digits are drawn inside `\mathbf{…}`, `\mathrm{…}`, `\mathbb{…}`.
  enum Variant {
    case standard, bold, upright, doubleStruck
  }

  /// A recursive-descent parser over the characters of one span.
  struct Parser {
    let characters: [Character]
    let display: Bool
    var index = 0
    var depth = 0
    var variant = Variant.standard

    init(characters: [Character], display: Bool) {
      self.characters = characters
      self.display = display
    }

    var peek: Character? { index < characters.count ? characters[index] : nil }

    mutating func skipSpaces() {
      while let c = peek, c.isWhitespace { index += 1 }
    }

    /// The name of the command at `index` (which holds a backslash) without consuming it:
    /// letters, or the one character after the backslash.
    func commandName(at start: Int) -> String {
      var end = start + 1
      while end < characters.count, characters[end].isASCII, characters[end].isLetter { end += 1 }
      if end == start + 1, end < characters.count { end += 1 }
      return String(characters[(start + 1)..<end])
    }

    mutating func readCommand() -> String {
      let name = commandName(at: index)
      index += 1 + name.count
      return name
    }

    /// Whether the character at `index` ends a row: `}`, `&`, `\\`, `\right`, `\end`.
    var atStop: Bool {
      guard let c = peek else { return true }
      if c == "}" || c == "&" { return true }
      if c == "\\" { return ["\\", "right", "end"].contains(commandName(at: index)) }
      return false
    }

    func describeStop() -> String {
      guard let c = peek else { return "end" }
      return c == "\\" ? "\\" + commandName(at: index) : String(c)
    }

    mutating func nest() throws(Failure) {
      depth += 1
      if depth > TeXMathML.maxDepth {
        throw Failure(message: "nested more than \(TeXMathML.maxDepth) deep")
      }
    }

    /// Atoms up to the next stop, which is left for the caller.
    mutating func row() throws(Failure) -> [String] {
      var nodes: [String] = []
      while true {
        skipSpaces()
        if atStop { return nodes }
        nodes.append(try atom())
      }
    }

    /// A `{…}` group's contents as one node.
    mutating func group() throws(Failure) -> String {
      try nest()
      defer { depth -= 1 }
      index += 1  // {
      let nodes = try row()
      guard peek == "}" else { throw Failure(message: "missing } before \(describeStop())") }
      index += 1
      return mrow(nodes)
    }

    /// A command's argument: a group, or one character or command (`x^2`, `\frac12`).
    mutating func argument(of command: String) throws(Failure) -> String {
      skipSpaces()
      if peek == "{" { return try group() }
      if atStop || peek == "^" || peek == "_" {
        throw Failure(message: "\(command) needs an argument")
      }
      try nest()
      defer { depth -= 1 }
      return try base(oneDigit: true).node
    }

    /// A base with its subscript, superscript and primes.
    mutating func atom() throws(Failure) -> String {
      var node = "<mrow></mrow>"
      var limits = false
      if peek != "^" && peek != "_" {
        (node, limits) = try base(oneDigit: false)
      }
      var sub: String?
      var sup: String?
      var primes = ""
      while true {
        skipSpaces()
        switch peek {
        case "'":
          guard sup == nil else { throw Failure(message: "a prime after a superscript") }
          primes += "′"
          index += 1
        case "^":
          guard sup == nil else { throw Failure(message: "double superscript; use braces") }
          index += 1
          sup = try argument(of: "^")
        case "_":
          guard sub == nil else { throw Failure(message: "double subscript; use braces") }
          index += 1
          sub = try argument(of: "_")
        default:
          if !primes.isEmpty {
            let prime = "<mo>\(primes)</mo>"
            sup = sup.map { "<mrow>\(prime)\($0)</mrow>" } ?? prime
          }
          return scripted(node, sub: sub, sup: sup, limits: limits && display)
        }
      }
    }

    func scripted(_ base: String, sub: String?, sup: String?, limits: Bool) -> String {
      switch (sub, sup) {
      case (nil, nil): return base
      case (let sub?, nil):
        return limits ? "<munder>\(base)\(sub)</munder>" : "<msub>\(base)\(sub)</msub>"
      case (nil, let sup?):
        return limits ? "<mover>\(base)\(sup)</mover>" : "<msup>\(base)\(sup)</msup>"
      case (let sub?, let sup?):
        return limits
          ? "<munderover>\(base)\(sub)\(sup)</munderover>"
          : "<msubsup>\(base)\(sub)\(sup)</msubsup>"
      }
    }

    /// One base: a group, a number, a letter, an operator or a command. `limits` says that
    /// in display its scripts go above and below (`\sum`, `\lim`).
    mutating func base(oneDigit: Bool) throws(Failure) -> (node: String, limits: Bool) {
      guard let c = peek else { throw Failure(message: "unexpected end") }
      if c == "{" { return (try group(), false) }
      if c == "\\" { return try command() }
      index += 1
      if c.isASCII, c.isNumber {
        var digits = String(c)
        while !oneDigit, let next = peek, next.isASCII, next.isNumber || next == "." {
          // A point belongs to the number only when a digit follows it: "2." ends a sentence.
          if next == ".",
            !(index + 1 < characters.count && characters[index + 1].isASCII
              && characters[index + 1].isNumber)
          {
            break
          }
          digits.append(next)
          index += 1
        }
        return ("<mn>\(styled(digits))</mn>", false)
      }
      if c.isLetter { return (identifier(String(c)), false) }
      switch c {
      case "(", ")", "[", "]": return ("<mo stretchy=\"false\">\(c)</mo>", false)
      // An absolute value's bars hug what they hold, as in TeX.
      case "|": return ("<mo stretchy=\"false\" lspace=\"0\" rspace=\"0\">|</mo>", false)
      case "-": return ("<mo>−</mo>", false)
      case "*": return ("<mo>∗</mo>", false)
      case "~": return (space("0.3333em"), false)
      case "$", "#", "%": throw Failure(message: "\(c) must be written \\\(c)")
      default: return ("<mo>\(escape(String(c)))</mo>", false)
      }
    }

    /// A letter or name as `<mi>`, drawn in the current variant.
    func identifier(_ name: String) -> String {
      if variant == .upright && name.count == 1 {
        return "<mi mathvariant=\"normal\">\(escape(name))</mi>"
      }
      return "<mi>\(styled(name))</mi>"
    }

    /// `text` with ASCII letters and digits replaced by the Unicode mathematical bold or
    /// double-struck ones: MathML Core draws those, but not `mathvariant="bold"`.
    func styled(_ text: String) -> String {
      switch variant {
      case .standard, .upright: return escape(text)
      case .bold: return escape(String(String.UnicodeScalarView(text.unicodeScalars.map(bold))))
      case .doubleStruck:
        return escape(String(String.UnicodeScalarView(text.unicodeScalars.map(doubleStruck))))
      }
    }

    func bold(_ s: Unicode.Scalar) -> Unicode.Scalar {
      offset(s, upper: 0x1D400, lower: 0x1D41A, digit: 0x1D7CE)
    }

    func doubleStruck(_ s: Unicode.Scalar) -> Unicode.Scalar {
      // Letters with an older code point are holes in the mathematical block.
      let holes: [Unicode.Scalar: Unicode.Scalar] = [
        "C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ",
      ]
      return holes[s] ?? offset(s, upper: 0x1D538, lower: 0x1D552, digit: 0x1D7D8)
    }

    func offset(_ s: Unicode.Scalar, upper: UInt32, lower: UInt32, digit: UInt32) -> Unicode.Scalar
    {
      let v = s.value
      let mapped: UInt32? =
        switch v {
        case 0x41...0x5A: upper + v - 0x41
        case 0x61...0x7A: lower + v - 0x61
        case 0x30...0x39: digit + v - 0x30
        default: nil
        }
      return mapped.flatMap(Unicode.Scalar.init) ?? s
    }

    func space(_ width: String) -> String { "<mspace width=\"\(width)\"></mspace>" }

    mutating func command() throws(Failure) -> (node: String, limits: Bool) {
      let name = readCommand()
      if let letter = Symbols.greek[name] { return (identifier(letter), false) }
      if let letter = Symbols.upperGreek[name] {
        return ("<mi mathvariant=\"normal\">\(letter)</mi>", false)
      }
      if let symbol = Symbols.identifiers[name] { return ("<mi>\(symbol)</mi>", false) }
      if let symbol = Symbols.operators[name] { return ("<mo>\(escape(symbol))</mo>", false) }
      if let symbol = Symbols.fences[name] {
        return ("<mo stretchy=\"false\">\(escape(symbol))</mo>", false)
      }
      if let symbol = Symbols.largeOperators[name] {
        return ("<mo largeop=\"true\" movablelimits=\"false\">\(symbol)</mo>", name != "int")
      }
      if Symbols.functions.contains(name) { return ("<mi>\(name)</mi>", false) }
      if Symbols.limitFunctions.contains(name) { return ("<mi>\(name)</mi>", true) }
      if let width = Symbols.spaces[name] { return (space(width), false) }
      switch name {
      case "frac", "dfrac", "tfrac":
        let numerator = try argument(of: "\\" + name)
        let denominator = try argument(of: "\\" + name)
        return ("<mfrac>\(numerator)\(denominator)</mfrac>", false)
      case "binom":
        let n = try argument(of: "\\binom")
        let k = try argument(of: "\\binom")
        return (
          "<mrow><mo>(</mo><mfrac linethickness=\"0\">\(n)\(k)</mfrac><mo>)</mo></mrow>", false
        )
      case "sqrt":
        skipSpaces()
        if peek == "[" {
          try nest()
          defer { depth -= 1 }
          index += 1
          var degree: [String] = []
          while peek != "]" {
            skipSpaces()
            if peek == "]" { break }
            if atStop { throw Failure(message: "\\sqrt[ needs a closing ]") }
            degree.append(try atom())
          }
          index += 1
          let radicand = try argument(of: "\\sqrt")
          return ("<mroot>\(radicand)\(mrow(degree))</mroot>", false)
        }
        return ("<msqrt>\(try argument(of: "\\sqrt"))</msqrt>", false)
      case "mathbf", "boldsymbol", "bm": return (try styledArgument(.bold, of: name), false)
      case "mathrm", "operatorname": return (try styledArgument(.upright, of: name), false)
      case "mathbb": return (try styledArgument(.doubleStruck, of: name), false)
      case "mathit": return (try styledArgument(.standard, of: name), false)
      case "text", "textrm", "mbox", "textit", "textbf": return (try text(of: name), false)
      case "left": return (try fenced(), false)
      case "begin": return (try environment(), false)
      default:
        if let accent = Symbols.accents[name] {
          let body = try argument(of: "\\" + name)
          let stretchy = name.hasPrefix("wide") || name == "overline" ? "true" : "false"
          return (
            "<mover accent=\"true\">\(body)<mo stretchy=\"\(stretchy)\">\(accent)</mo></mover>",
            false
          )
        }
        throw Failure(message: "unknown command \\\(name)")
      }
    }

    mutating func styledArgument(_ style: Variant, of name: String) throws(Failure) -> String {
      let outer = variant
      variant = style
      defer { variant = outer }
      if name == "operatorname" {
        // A name such as argmax reads as one word, not a product of letters.
        skipSpaces()
        guard peek == "{" else { return try argument(of: "\\" + name) }
        return "<mi>\(escape(try rawGroup(of: name)))</mi>"
      }
      return try argument(of: "\\" + name)
    }

    /// `\text{…}`: the words as they are, with TeX's escaped characters unescaped.
    mutating func text(of name: String) throws(Failure) -> String {
      skipSpaces()
      guard peek == "{" else { throw Failure(message: "\\\(name) needs {text}") }
      return "<mtext>\(escape(try rawGroup(of: name)))</mtext>"
    }

    /// The characters of a `{…}` group, braces inside kept balanced and `\{ \} \$ \% \& \_
    /// \#` read as the character.
    mutating func rawGroup(of name: String) throws(Failure) -> String {
      index += 1
      var level = 0
      var out = ""
      while let c = peek {
        index += 1
        if c == "\\", let next = peek, "{}$%&_# \\".contains(next) {
          out.append(next == "\\" ? " " : next)
          index += 1
          continue
        }
        if c == "{" {
          level += 1
          continue
        }
        if c == "}" {
          if level == 0 { return out }
          level -= 1
          continue
        }
        out.append(c)
      }
      throw Failure(message: "\\\(name){ needs a closing }")
    }

    /// A delimiter after `\left`, `\right`: a character, `.` for none, or `\{ \langle` ….
    mutating func delimiter(after command: String) throws(Failure) -> String {
      skipSpaces()
      guard let c = peek else { throw Failure(message: "\\\(command) needs a delimiter") }
      if c == "\\" {
        let name = readCommand()
        if let symbol = Symbols.fences[name] { return escape(symbol) }
        throw Failure(message: "\\\(name) is not a delimiter for \\\(command)")
      }
      guard "()[]|./".contains(c) else {
        throw Failure(message: "\(c) is not a delimiter for \\\(command)")
      }
      index += 1
      return c == "." ? "" : String(c)
    }

    /// `\left( … \right)`: fences that stretch to what they hold.
    mutating func fenced() throws(Failure) -> String {
      try nest()
      defer { depth -= 1 }
      let open = try delimiter(after: "left")
      let body = try row()
      guard peek == "\\", commandName(at: index) == "right" else {
        throw Failure(message: "\\left without \\right")
      }
      _ = readCommand()
      let close = try delimiter(after: "right")
      return "<mrow>\(fence(open))\(body.joined())\(fence(close))</mrow>"
    }

    func fence(_ symbol: String) -> String {
      symbol.isEmpty ? "" : "<mo fence=\"true\" stretchy=\"true\">\(symbol)</mo>"
    }

    /// The name in `{…}` after `\begin` or `\end`.
    mutating func environmentName(after command: String) throws(Failure) -> String {
      skipSpaces()
      guard peek == "{" else { throw Failure(message: "\\\(command) needs {name}") }
      return try rawGroup(of: command)
    }

    /// `\begin{bmatrix} a & b \\ c & d \end{bmatrix}` and its kin, as an `<mtable>`.
    mutating func environment() throws(Failure) -> String {
      try nest()
      defer { depth -= 1 }
      let name = try environmentName(after: "begin")
      guard let (open, close) = Symbols.environments[name] else {
        throw Failure(message: "unknown environment \(name)")
      }
      var rows: [[String]] = [[]]
      while true {
        let cell = try row()
        rows[rows.count - 1].append(mrow(cell))
        guard let c = peek else { throw Failure(message: "\\begin{\(name)} without \\end") }
        if c == "&" {
          index += 1
        } else if c == "\\", commandName(at: index) == "\\" {
          index += 2
          rows.append([])
        } else if c == "\\", commandName(at: index) == "end" {
          _ = readCommand()
          let end = try environmentName(after: "end")
          guard end == name else {
            throw Failure(message: "\\begin{\(name)} ended by \\end{\(end)}")
          }
          break
        } else {
          throw Failure(message: "unexpected \(describeStop()) in \(name)")
        }
      }
      // A trailing \\ leaves an empty last row, which TeX does not draw either.
      if rows.count > 1, rows[rows.count - 1] == ["<mrow></mrow>"] { rows.removeLast() }
      let align = name == "cases" ? " columnalign=\"left\"" : ""
      let table =
        "<mtable\(align)>"
        + rows.map { "<mtr>" + $0.map { "<mtd>\($0)</mtd>" }.joined() + "</mtr>" }.joined()
        + "</mtable>"
      return "<mrow>\(fence(open))\(table)\(fence(close))</mrow>"
    }
  }
}
