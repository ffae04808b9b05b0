import Foundation
import NeuralNet
import TensorEngine
import Testing

struct DatasetCSVTests {
  /// A fresh directory under the system's temporary directory, removed by `body`'s end.
  private static func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("gradbook-dataset-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
  }

  /// The text of the `DatasetError` that parsing `text` throws, or nil if it throws none.
  private static func parseError(_ text: String, target: String = "y") -> String? {
    do {
      _ = try Dataset.parse(csv: text, source: "data.csv", target: target)
      return nil
    } catch let error as DatasetError {
      return error.description
    } catch {
      return "not a DatasetError: \(error)"
    }
  }

  // MARK: - good files

  @Test func aFileLoadsWithItsShapesValuesAndClasses() throws {
    try Self.withTemporaryDirectory { directory in
      let path = directory.appendingPathComponent("data.csv").path
      try "x1,x2,label\n0.5,1,0\n-2,3.25,2\n1e2,0,1\n".write(
        toFile: path, atomically: true, encoding: .utf8)
      let data = try Dataset.load(csv: path, target: "label")
      #expect(data.name == "data.csv")
      #expect(data.x.shape == [3, 2])
      #expect(data.y.shape == [3, 1])
      #expect(data.x.scalars == [0.5, 1, -2, 3.25, 100, 0])
      #expect(data.y.scalars == [0, 2, 1])
      #expect(data.classes == 3)
    }
  }

  @Test func theTargetMayBeAnyColumnAndTheOthersKeepFileOrder() throws {
    let data = try Dataset.parse(csv: "a,y,b,c\n1,0,2,3\n4,1,5,6\n", source: "t", target: "y")
    #expect(data.x.shape == [2, 3])
    #expect(data.x.scalars == [1, 2, 3, 4, 5, 6])
    #expect(data.y.scalars == [0, 1])
    #expect(data.classes == 2)
  }

  @Test func classesAreTheLargestLabelPlusOne() throws {
    let data = try Dataset.parse(csv: "x,y\n1,0\n2,4\n3,4.0\n", source: "t", target: "y")
    #expect(data.classes == 5)
  }

  @Test(arguments: [
    ("x,y\n1,0.5\n2,1\n", "a fraction"),
    ("x,y\n1,-1\n2,1\n", "a negative value"),
    ("x,y\n" + (0..<21).map { "1,\($0)\n" }.joined(), "21 distinct values"),
    ("x,y\n1,2001\n2,2002\n", "values of 1000 or more"),
  ])
  func targetsThatAreNotLabelsMakeARegression(_ text: String, _ why: String) throws {
    let data = try Dataset.parse(csv: text, source: "t", target: "y")
    #expect(data.classes == nil, "\(why)")
  }

  @Test func twentyDistinctWholeValuesAreStillClasses() throws {
    let text = "x,y\n" + (0..<20).map { "1,\($0)\n" }.joined()
    #expect(try Dataset.parse(csv: text, source: "t", target: "y").classes == 20)
    let big = try Dataset.parse(csv: "x,y\n1,999\n2,0\n", source: "t", target: "y")
    #expect(big.classes == 1000)
  }

  @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
    let text = "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n\"1.5\",\"2\",0\n 3 , \"4\" ,1\n"
    let data = try Dataset.parse(csv: text, source: "t", target: "two\nlines")
    #expect(data.x.scalars == [1.5, 2, 3, 4])
    #expect(data.y.scalars == [0, 1])
    #expect(try Dataset.parse(csv: text, source: "t", target: "a,b").y.scalars == [1.5, 3])
    #expect(try Dataset.parse(csv: text, source: "t", target: "say \"hi\"").y.scalars == [2, 4])
  }

  @Test func crlfLineEndingsBlankLinesAndAByteOrderMark() throws {
    let text = "\u{FEFF}x,y\r\n1,0\r\n\r\n2,1\r\n\r\n\r\n"
    let data = try Dataset.parse(csv: text, source: "t", target: "y")
    #expect(data.x.scalars == [1, 2])
    #expect(data.y.scalars == [0, 1])
    let noFinalBreak = try Dataset.parse(csv: "x,y\n1,0\n2,1", source: "t", target: "y")
    #expect(noFinalBreak.count == 2)
  }

  @Test func spacesAroundNamesAndNumbersAreIgnored() throws {
    let data = try Dataset.parse(csv: " x1 , y \n 1 ,\t0\n", source: "t", target: "y")
    #expect(data.x.scalars == [1])
    #expect(data.y.scalars == [0])
  }

  // MARK: - errors

  @Test func aShortRowPointsJustAfterItsLastCharacter() {
    #expect(
      Self.parseError("x1,x2,y\n1,2,0\n3,4\n")
        == "data.csv:3:4: row has 2 values but the header has 3 columns")
    #expect(
      Self.parseError("x1,x2,y\n5\n")
        == "data.csv:2:2: row has 1 value but the header has 3 columns")
  }

  @Test func aLongRowPointsAtItsFirstExtraField() {
    #expect(
      Self.parseError("x1,x2,y\n1,2,0,9\n")
        == "data.csv:2:7: row has 4 values but the header has 3 columns")
  }

  @Test func aValueThatIsNotANumberPointsAtItsField() {
    #expect(
      Self.parseError("x1,x2,y\n1,2,0\n3,4,1\n5,6,0\n1,abc,0\n")
        == "data.csv:5:3: \"abc\" is not a number")
    #expect(Self.parseError("x,y\n1,  two\n") == "data.csv:2:3: \"two\" is not a number")
    #expect(Self.parseError("x,y\ninf,0\n") == "data.csv:2:1: \"inf\" is not a finite number")
    #expect(Self.parseError("x,y\n,0\n") == "data.csv:2:1: the value in column \"x\" is missing")
    #expect(Self.parseError("x,y\n1,\n") == "data.csv:2:3: the value in column \"y\" is missing")
  }

  @Test func positionsCountLinesOfQuotedFieldsAndCharactersNotBytes() {
    // The header's first field spans two lines, so the bad row is on line 4.
    #expect(
      Self.parseError("\"multi\nline\",y\n1,0\n1,abc\n") == "data.csv:4:3: \"abc\" is not a number")
    // "naïve" with a combining diaeresis is 5 characters but 6 scalars and 7 bytes.
    #expect(
      Self.parseError("\"nai\u{308}ve\",y,y\n1,0,0\n")
        == "data.csv:1:11: the header names \"y\" twice; the target must be one column")
    #expect(Self.parseError("x,y\r\n1,abc\r\n") == "data.csv:2:3: \"abc\" is not a number")
  }

  @Test func aMissingTargetListsTheColumnsAndSuggestsACloseOne() {
    #expect(
      Self.parseError("x1,x2,y\n1,2,0\n", target: "label")
        == "data.csv:1:1: no column named \"label\"; columns are x1, x2, y")
    #expect(
      Self.parseError("x,label\n1,0\n", target: "lable")
        == "data.csv:1:1: no column named \"lable\"; did you mean \"label\"? columns are x, label")
    #expect(
      Self.parseError("x,Label\n1,0\n", target: "label")
        == "data.csv:1:1: no column named \"label\"; did you mean \"Label\"? columns are x, Label")
    // Names that would make the list ambiguous are quoted as in CSV.
    #expect(
      Self.parseError("\"a,b\",\"say \"\"hi\"\"\",\"\",y\n1,2,3,0\n", target: "z")
        == "data.csv:1:1: no column named \"z\"; columns are \"a,b\", \"say \"\"hi\"\"\", \"\", y")
  }

  @Test func emptyAndHeaderOnlyTextsAreRefused() {
    let empty = "data.csv:1:1: the file is empty; it needs a header row naming the columns"
    #expect(Self.parseError("") == empty)
    #expect(Self.parseError("\n\r\n\n") == empty)
    #expect(Self.parseError("x,y\n") == "data.csv:2:1: the header has no rows of data after it")
    #expect(
      Self.parseError("y\n1\n")
        == "data.csv:1:1: the only column is \"y\"; x needs at least one other column")
  }

  @Test func brokenQuotesAreRefused() {
    #expect(
      Self.parseError("x,y\n1,\"0\n2,1\n")
        == "data.csv:2:3: this quoted field has no closing quote")
    #expect(
      Self.parseError("x,y\n\"1\"a,0\n")
        == "data.csv:2:4: expected a comma or the end of the line after the closing quote, "
        + "not \"a\"")
  }

  @Test func fileErrorsNameTheFile() throws {
    try Self.withTemporaryDirectory { directory in
      let missing = directory.appendingPathComponent("nope.csv").path
      #expect(throws: DatasetError(file: missing, line: nil, column: nil, message: "no such file"))
      {
        try Dataset.load(csv: missing, target: "y")
      }
      let error = #expect(throws: DatasetError.self) {
        try Dataset.load(csv: missing, target: "y")
      }
      #expect(error?.description == "\(missing): no such file")

      #expect(
        throws: DatasetError(
          file: directory.path, line: nil, column: nil, message: "is a directory, not a CSV file")
      ) { try Dataset.load(csv: directory.path, target: "y") }

      let empty = directory.appendingPathComponent("empty.csv").path
      try Data().write(to: URL(fileURLWithPath: empty))
      let emptyError = #expect(throws: DatasetError.self) {
        try Dataset.load(csv: empty, target: "y")
      }
      #expect(
        emptyError?.description
          == "\(empty):1:1: the file is empty; it needs a header row naming the columns")

      let binary = directory.appendingPathComponent("binary.csv").path
      try Data([0x78, 0x2C, 0x79, 0x0A, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: binary))
      let binaryError = #expect(throws: DatasetError.self) {
        try Dataset.load(csv: binary, target: "y")
      }
      #expect(binaryError?.description == "\(binary): is not UTF-8 text")

      let bad = directory.appendingPathComponent("bad.csv").path
      try "x1,x2,y\n1,2,0\n3,4\n".write(toFile: bad, atomically: true, encoding: .utf8)
      let badError = #expect(throws: DatasetError.self) {
        try Dataset.load(csv: bad, target: "y")
      }
      #expect(badError?.description == "\(bad):3:4: row has 2 values but the header has 3 columns")
      #expect(badError?.file == bad)
      #expect(badError?.line == 3)
      #expect(badError?.column == 4)
    }
  }
}
