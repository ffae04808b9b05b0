/// What completion offers in place of the word before the cursor: the candidates, and where
/// that word lies in the text, so a front end can replace it (the REPL types the rest of a
/// single candidate; a kernel replies `cursor_start`/`cursor_end` and `matches`).
public struct Completions: Equatable, Sendable {
  /// One way to finish the word.
  public struct Candidate: Equatable, Sendable {
    /// The whole word, as listed (it replaces `word`).
    public var text: String
    /// What follows the word when it is the only candidate: "(" after a function, " " after
    /// a keyword argument's colon or a command that takes an argument, "/" after a folder.
    public var suffix: String

    public init(_ text: String, suffix: String = "") {
      self.text = text
      self.suffix = suffix
    }
  }

  /// The end of the text before the cursor that candidates replace (may be empty).
  public var word: String
  /// Every candidate, each starting with `word`, in no promised order.
  public var candidates: [Candidate]
  /// Where `word` starts and ends (the cursor), in Unicode code points from the start of the
  /// text, as Jupyter counts `cursor_pos`.
  public var start: Int
  public var end: Int

  public init(word: String, candidates: [Candidate], start: Int, end: Int) {
    self.word = word
    self.candidates = candidates
    self.start = start
    self.end = end
  }

  /// The candidates' texts, sorted and without repeats (a name bound and built in is one).
  public var matches: [String] { Array(Set(candidates.map(\.text))).sorted() }
}
