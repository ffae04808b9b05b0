import TensorEngine
import TensorLanguage
import Testing
import Workspace

/// Random token soup through the whole session: whatever it is, evaluation must come back
/// with an answer — no trap, no hang (loops are cut off through the cancel check).
@Suite(.serialized) struct FuzzTests {
  static let vocabulary = [
    "x", "y", "t", "net", "data", "0", "1", "2", "0.5", "1e308", "-", "+", "*", "/", "^", "@",
    "(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "==", "<", "&&", "!", "..", ".", "'",
    ">>", "\"s\"", "\"", "fn", "if", "else", "for", "in", "while", "return", "true", "\n",
    "relu", "dense", "fit", "xor()", "sum", "zeros", "shape", "w", "grad", "param", "#", "\\",
    "epochs:", "axis:", "split", "print", "summary", "T", "layers", "mse",
  ]

  @Test func randomProgramsNeverCrash() {
    var generator = RandomGenerator(seed: 2026)
    let r = Recorder()
    r.cancelAfterChecks = 2_000
    r.run("x = [[1, 2], [3, 4]]\nt = 2\nnet = dense(2, 2) >> relu\ndata = xor()")
    var outcomes: [String: Int] = [:]
    for _ in 0..<3_000 {
      let length = 1 + generator.index(below: 24)
      let program = (0..<length).map { _ in
        Self.vocabulary[generator.index(below: Self.vocabulary.count)]
      }.joined(separator: " ")
      r.resetChecks()
      let kind: String
      switch r.run(program) {
      case .complete: kind = "complete"
      case .incomplete: kind = "incomplete"
      case .failed(let diagnostics):
        kind = "failed"
        // Every diagnostic can be rendered under its line.
        for d in diagnostics {
          #expect(!DiagnosticFormatter().format(d, in: program).isEmpty)
        }
      case .interrupted: kind = "interrupted"
      }
      outcomes[kind, default: 0] += 1
    }
    // The soup exercises every answer but interruptions, which need a long loop.
    #expect(outcomes["complete", default: 0] > 0)
    #expect(outcomes["failed", default: 0] > 0)
    #expect(outcomes["incomplete", default: 0] > 0)
  }
}
