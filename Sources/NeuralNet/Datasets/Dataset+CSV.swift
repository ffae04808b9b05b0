import Foundation
import TensorEngine

extension Dataset {
  /// The most distinct target values, and one more than the largest target value, that a
  /// CSV's target column may have to be read as class labels.
  static let csvClassLimit = (distinct: 20, largest: 1000)

  /// Loads a data set from a CSV file whose first row names the columns. The column named
  /// `target` becomes y [n, 1]; every other column, in file order, becomes a column of
  /// x [n, features]. Every value must be a finite number.
  ///
  /// Classification or regression is decided from the target column: when every value is a
  /// whole number ≥ 0, there are at most 20 distinct values and the largest is below 1000,
  /// the values are class labels and `classes` = largest + 1; otherwise it is regression and
  /// `classes` is nil. (The bound on the largest value keeps a column of years or ids from
  /// being taken for labels of thousands of classes.)
  ///
  /// The format is RFC 4180: quoted fields may hold commas, line breaks and `""` for a
  /// quote; lines may end in LF or CRLF; blank lines are skipped; a UTF-8 byte order mark is
  /// ignored. Mistakes throw a `DatasetError` that names the place, as
  /// `data.csv:5:2: "abc" is not a number`. The data set is named after the file.
  ///
  /// Errors quote what the file holds (a value, the column names) only when `excerpts` is
  /// set, and then at most `excerptLength` characters with control characters taken out: a
  /// notebook someone else wrote must not be able to copy a local file into its outputs by
  /// loading it (`load("/etc/passwd", target: "y")`). Without excerpts an error still names
  /// the line and column and says what is wrong.
  public static func load(csv path: String, target: String, excerpts: Bool = true) throws
    -> Dataset
  {
    try load(csv: path, targets: [target], excerpts: excerpts)
  }

  /// As above with several target columns: y is `[n, targets.count]`, its columns in the
  /// order `targets` names them, and the data set is regression (several values per sample
  /// are not one class label). One target is read as `load(csv:target:)` reads it.
  public static func load(csv path: String, targets: [String], excerpts: Bool = true) throws
    -> Dataset
  {
    try checkTargets(targets)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DatasetError(file: path, line: nil, column: nil, message: "no such file")
    }
    guard !isDirectory.boolValue else {
      throw DatasetError(
        file: path, line: nil, column: nil, message: "is a directory, not a CSV file")
    }
    // A device or a pipe (`/dev/zero`, a FIFO) would never end or never answer.
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
      throw DatasetError(
        file: path, line: nil, column: nil, message: "is not a regular file, so it is not read")
    }
    // The file's bytes and its text are held at once.
    try MemoryBudget.check(bytes: 2 &* Int(info.st_size), for: "reading \(path)")
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw DatasetError(
        file: path, line: nil, column: nil,
        message: "cannot be read (\(error.localizedDescription))")
    }
    try checkRoom(toParse: data, path: path)
    guard let text = String(data: data, encoding: .utf8) else {
      throw DatasetError(file: path, line: nil, column: nil, message: "is not UTF-8 text")
    }
    return try parse(csv: text, source: path, targets: targets, excerpts: excerpts)
  }

  /// Throws when the fields of `data` (one at each comma and line break, and one value each)
  /// would not fit beside the file's bytes and text in the session's memory limit: a file of
  /// short fields takes about 25 times its size while it is read.
  private static func checkRoom(toParse data: Data, path: String) throws {
    var fields = 1
    for byte in data where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") {
      fields += 1
    }
    let perField = MemoryLayout<CSVReader.Field>.stride + MemoryLayout<Double>.size
    let (parsing, overflow) = fields.multipliedReportingOverflow(by: perField)
    try MemoryBudget.check(
      bytes: overflow ? Int.max : 2 &* data.count &+ parsing, for: "reading \(path)")
  }

  /// The most characters of a file an error quotes.
  public static let excerptLength = 32

  /// `text` as an error may quote it: control characters (line breaks, terminal escapes)
  /// shown as `?`, cut to `excerptLength` characters with `…`.
  public static func excerpt(_ text: String) -> String {
    var out = ""
    for c in text.prefix(excerptLength + 1) {
      out.append(c.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "?" : c)
    }
    return out.count > excerptLength ? String(out.prefix(excerptLength)) + "…" : out
  }

  /// Reads CSV `text` by the rules of `load(csv:target:)`; `source` names it in errors and,
  /// by its last path component, names the data set.
  public static func parse(csv text: String, source: String, target: String, excerpts: Bool = true)
    throws -> Dataset
  {
    try parse(csv: text, source: source, targets: [target], excerpts: excerpts)
  }

  /// Reads CSV `text` by the rules of `load(csv:targets:)`.
  public static func parse(
    csv text: String, source: String, targets: [String], excerpts: Bool = true
  ) throws -> Dataset {
    try checkTargets(targets)
    func fail(_ line: Int, _ column: Int, _ message: String) -> DatasetError {
      DatasetError(file: source, line: line, column: column, message: message)
    }
    let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    let records = try CSVReader.records(in: body, file: source, excerpts: excerpts)
    guard let header = records.first else {
      throw fail(1, 1, "the file is empty; it needs a header row naming the columns")
    }
    let names = header.fields.map { $0.quoted ? $0.text : trimmed($0.text) }
    let targetIndices = try targets.map {
      try column(named: $0, in: names, header: header, fail: fail, excerpts: excerpts)
    }
    guard names.count > targets.count else {
      let only =
        targets.count == 1 ? "the only column is \"\(targets[0])\"" : "every column is a target"
      throw fail(
        header.fields[0].line, 1, "\(only); x needs at least one other column")
    }
    let rows = records.dropFirst()
    guard !rows.isEmpty else {
      throw fail(header.endLine + 1, 1, "the header has no rows of data after it")
    }

    let width = names.count
    // Where each column's value goes: x in file order, or y at its place in `targets`.
    var place = [Int?](repeating: nil, count: width)
    for (k, i) in targetIndices.enumerated() { place[i] = k }
    var x = [Double]()
    var y = [Double]()
    var rowTargets = [Double](repeating: 0, count: targets.count)
    x.reserveCapacity(rows.count * (width - targets.count))
    y.reserveCapacity(rows.count * targets.count)
    for (k, row) in rows.enumerated() {
      if k % 4096 == 4095 { try Cancellation.check() }
      if row.fields.count < width {
        throw fail(row.endLine, row.endColumn, countMessage(row.fields.count, width))
      }
      if row.fields.count > width {
        let extra = row.fields[width]
        throw fail(extra.line, extra.column, countMessage(row.fields.count, width))
      }
      for (i, field) in row.fields.enumerated() {
        let column = excerpts ? "column \"\(excerpt(names[i]))\"" : "column \(i + 1)"
        let value = try number(field, column: column, excerpts: excerpts, fail: fail)
        if let k = place[i] { rowTargets[k] = value } else { x.append(value) }
      }
      y.append(contentsOf: rowTargets)
    }

    let name = source.split(separator: "/").last.map(String.init) ?? source
    return try Dataset(
      name: name, x: Tensor(shape: [rows.count, width - targets.count], scalars: x),
      y: Tensor(shape: [rows.count, targets.count], scalars: y),
      classes: targets.count == 1 ? classCount(y) : nil)
  }

  /// Refuses a list of target columns that names none, or one twice: a mistake in the call,
  /// found before the file is read.
  static func checkTargets(_ targets: [String]) throws {
    guard !targets.isEmpty else {
      throw TensorError(.argument, "target: names no column; give at least one")
    }
    for (k, target) in targets.enumerated() where targets[..<k].contains(target) {
      throw TensorError(
        .argument, "target: names \"\(excerpt(target))\" twice; name each target column once")
    }
  }

  /// The position of the column named `target` in the header, or an error that names the
  /// columns there are (when `excerpts` allows) and the closest one.
  private static func column(
    named target: String, in names: [String], header: CSVReader.Record,
    fail: (Int, Int, String) -> DatasetError, excerpts: Bool
  ) throws -> Int {
    guard let targetIndex = names.firstIndex(of: target) else {
      var message = "no column named \"\(excerpt(target))\""
      guard excerpts else {
        throw fail(
          header.fields[0].line, 1,
          message + " in the header row (its column names are not shown: "
            + "the file is outside the folder of the notebook or script)")
      }
      message += ";"
      if let guess = closestName(to: target, in: names) {
        message += " did you mean \"\(excerpt(guess))\"?"
      }
      let shown = names.prefix(10).map { listed(excerpt($0)) }
      message += " columns are " + shown.joined(separator: ", ")
      if names.count > shown.count { message += " and \(names.count - shown.count) more" }
      throw fail(header.fields[0].line, 1, message)
    }
    if let again = names.indices.dropFirst(targetIndex + 1).first(where: { names[$0] == target }) {
      let field = header.fields[again]
      throw fail(
        field.line, field.column,
        "the header names \"\(target)\" twice; the target must be one column")
    }
    return targetIndex
  }

  /// `largest + 1` when `values` look like class labels (see `load(csv:target:)`), else nil.
  static func classCount(_ values: [Double]) -> Int? {
    var distinct = Set<Double>()
    for v in values {
      guard v >= 0, v == v.rounded(), v < Double(csvClassLimit.largest) else { return nil }
      distinct.insert(v)
      if distinct.count > csvClassLimit.distinct { return nil }
    }
    return distinct.max().map { Int($0) + 1 }
  }

  private static func number(
    _ field: CSVReader.Field, column: String, excerpts: Bool,
    fail: (Int, Int, String) -> DatasetError
  ) throws -> Double {
    let text = trimmed(field.text)
    guard !text.isEmpty else {
      throw fail(field.line, field.column, "the value in \(column) is missing")
    }
    guard let value = Double(text) else {
      let value = excerpts ? "\"\(excerpt(text))\"" : "the value in \(column)"
      throw fail(field.line, field.column, "\(value) is not a number")
    }
    guard value.isFinite else {
      let value = excerpts ? "\"\(excerpt(text))\"" : "the value in \(column)"
      throw fail(field.line, field.column, "\(value) is not a finite number")
    }
    return value
  }

  private static func countMessage(_ values: Int, _ columns: Int) -> String {
    "row has \(values) value\(values == 1 ? "" : "s") but the header has \(columns) columns"
  }

  /// A column name as an error lists it: quoted as in CSV when it is empty or holds a comma,
  /// a quote or a line break, so that the list cannot be misread.
  private static func listed(_ name: String) -> String {
    let plain = !name.isEmpty && !name.contains { $0 == "," || $0 == "\"" || $0.isNewline }
    return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private static func trimmed(_ text: String) -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !blank($0) }),
      let last = text.lastIndex(where: { !blank($0) })
    else { return "" }
    return String(text[first...last])
  }

  /// The column name a misspelt `target` most likely meant: the same name in another case,
  /// or one at most two edits away that is not mostly different (so "y" suggests nothing).
  private static func closestName(to target: String, in names: [String]) -> String? {
    let wanted = Array(target.lowercased())
    var best: (name: String, distance: Int)?
    for name in names {
      let d = editDistance(wanted, Array(name.lowercased()))
      if d <= 2, d <= wanted.count / 2, d < (best?.distance ?? Int.max) { best = (name, d) }
    }
    return best?.name
  }

  /// Levenshtein distance: the fewest insertions, deletions and substitutions from a to b.
  private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
      var current = [i + 1]
      for (j, cb) in b.enumerated() {
        current.append(
          Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }
}
