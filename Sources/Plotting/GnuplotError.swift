/// Why a batch sent to gnuplot gave no reply. Every case leaves the session usable: the
/// next `run` works on the same process or on a fresh one.
public enum GnuplotError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No gnuplot executable on PATH (or at the path given); plots need it installed.
  case notInstalled
  /// gnuplot reported an error for this batch: its message lines, the command it was
  /// reading and a caret under the place it stopped when gnuplot shows them. gnuplot
  /// itself goes on and the next batch runs on the same process.
  case failed(String)
  /// No answer within this many seconds; gnuplot (with anything it started) was killed,
  /// and the next batch starts a fresh one.
  case timedOut(Double)
  /// gnuplot exited while the batch ran: its last error output, or how it ended when it
  /// wrote none. The next batch starts a fresh one.
  case died(String)

  public var description: String {
    switch self {
    case .notInstalled:
      return "gnuplot is not installed: apt-get install gnuplot-nox (or gnuplot for plot windows)"
    case .failed(let message):
      return "gnuplot: \(message)"
    case .timedOut(let seconds):
      let shown =
        seconds == seconds.rounded() && abs(seconds) < 1e9 ? "\(Int(seconds))" : "\(seconds)"
      return
        "gnuplot did not answer within \(shown) s, so it was stopped; the next plot starts it again"
    case .died(let reason):
      return "gnuplot stopped unexpectedly: \(reason)"
    }
  }
}
