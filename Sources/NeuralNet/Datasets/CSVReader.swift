import TensorEngine

/// A small RFC 4180 reader that remembers where every field starts.
///
/// Hand-written rather than taken from a package (yaslab/CSV.swift was considered): that reader
/// does not report the line and column of a field, and errors in Gradbook must point at the
/// place of the mistake (`data.csv:5:2: "abc" is not a number`). A dependency would also have
/// to be added to Package.swift for what is about a hundred lines here.
///
/// Accepted: fields separated by commas; records ended by LF, CRLF or a lone CR; quoted fields
/// in which `""` stands for one quote and commas and line breaks are literal; spaces before an
/// opening quote and after a closing one. A quote inside an unquoted field is kept as text.
/// Columns count Swift characters (grapheme clusters), which is what a person sees.
struct CSVReader {
  struct Field {
    var text: String
    var line: Int
    var column: Int
    /// Whether the field was quoted, so that its text is kept as written (not trimmed).
    var quoted: Bool
  }

  struct Record {
    var fields: [Field]
    /// The position just after the record's last character, for errors about missing fields.
    var endLine: Int
    var endColumn: Int

    /// A line with nothing on it, which the reader skips.
    var isBlank: Bool {
      fields.count == 1 && !fields[0].quoted && fields[0].text.isEmpty
    }
  }

  private enum State {
    case fieldStart, unquoted, quoted, afterQuote, afterClosingQuote
  }

  /// The non-blank records of `text`; `file` names the source in errors.
  static func records(in text: String, file: String, excerpts: Bool = true) throws -> [Record] {
    var records = [Record]()
    var fields = [Field]()
    var current = Field(text: "", line: 1, column: 1, quoted: false)
    var state = State.fieldStart
    var line = 1
    var column = 1

    func endField() {
      fields.append(current)
      current = Field(text: "", line: line, column: column, quoted: false)
    }
    func endRecord() {
      endField()
      let record = Record(fields: fields, endLine: line, endColumn: column)
      if !record.isBlank { records.append(record) }
      fields = []
    }

    for ch in text {
      let isBreak = ch == "\n" || ch == "\r\n" || ch == "\r"
      if state == .fieldStart {
        current.line = line
        current.column = column
      }
      switch state {
      case .fieldStart, .unquoted:
        if ch == "," {
          endField()
          state = .fieldStart
        } else if isBreak {
          endRecord()
          state = .fieldStart
        } else if ch == "\"", current.text.allSatisfy({ $0 == " " || $0 == "\t" }) {
          current.text = ""
          current.quoted = true
          state = .quoted
        } else {
          current.text.append(ch)
          state = .unquoted
        }
      case .quoted:
        if ch == "\"" { state = .afterQuote } else { current.text.append(ch) }
      case .afterQuote, .afterClosingQuote:
        if ch == "\"" && state == .afterQuote {
          current.text.append("\"")  // "" inside quotes is one quote
          state = .quoted
        } else if ch == "," {
          endField()
          state = .fieldStart
        } else if isBreak {
          endRecord()
          state = .fieldStart
        } else if ch == " " || ch == "\t" {
          state = .afterClosingQuote
        } else {
          throw DatasetError(
            file: file, line: line, column: column,
            message: "expected a comma or the end of the line after the closing quote"
              + (excerpts ? ", not \"\(Dataset.excerpt(String(ch)))\"" : ""))
        }
      }
      // The position of the next character.
      if isBreak {
        // A large file takes seconds to read: stop when the user asks to.
        if line % 4096 == 0 { try Cancellation.check() }
        line += 1
        column = 1
      } else {
        column += 1
      }
    }

    switch state {
    case .quoted:
      throw DatasetError(
        file: file, line: current.line, column: current.column,
        message: "this quoted field has no closing quote")
    case .fieldStart where fields.isEmpty:
      break  // the text ended with a line break, or is empty
    case .fieldStart:
      current.line = line
      current.column = column
      endRecord()
    case .unquoted, .afterQuote, .afterClosingQuote:
      endRecord()
    }
    return records
  }
}
