/// A mistake in a data file, with its place, printed the way compilers print theirs so that
/// editors and terminals can jump to it:
///
/// ```
/// data.csv:4:3: row has 2 values but the header has 3 columns
/// ```
///
/// `line` and `column` count from 1; the column counts characters of that line. Both are nil
/// for a mistake about the whole file (it does not exist, or is not text), printed as
/// `data.csv: no such file`.
public struct DatasetError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file as it was named, or the source name given to `Dataset.parse`.
  public let file: String
  public let line: Int?
  public let column: Int?
  public let message: String

  public init(file: String, line: Int?, column: Int?, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    guard let line, let column else { return "\(file): \(message)" }
    return "\(file):\(line):\(column): \(message)"
  }
}
