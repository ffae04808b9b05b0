import Foundation
import TensorEngine

extension Dataset {
  /// The 1,797 handwritten digits of the UCI "Optical Recognition of Handwritten Digits" test
  /// set (Alpaydin & Kaynak, 1998; CC BY 4.0, see `Resources/DIGITS.md`), the set
  /// scikit-learn's `load_digits` gives: x `[1797, 1, 8, 8]` (one grey channel), y the digit,
  /// 10 classes, in the file's order.
  ///
  /// Each pixel counts the set pixels of a 4×4 block of a 32×32 bitmap, 0…16. With `scaled`
  /// (the default) they are divided by 16, to 0…1 like `load_idx`'s images; without it they
  /// are the file's whole numbers.
  public static func digits(scaled: Bool = true) throws -> Dataset {
    let file = try digitsFile()
    let compressed: Data
    do { compressed = try Data(contentsOf: file) } catch {
      throw DatasetError(
        file: file.path, line: nil, column: nil,
        message: "cannot be read (\(error.localizedDescription))")
    }
    let bytes: Data
    do { bytes = try Gzip.decompress(compressed, limit: 1 << 20) } catch let failure
      as Gzip.Failure
    {
      throw DatasetError(file: file.path, line: nil, column: nil, message: failure.message)
    }
    return try parseDigits(bytes, source: file.path, scaled: scaled)
  }

  /// The samples of the digits file's text: 64 pixels and a digit per line.
  static func parseDigits(_ bytes: Data, source: String, scaled: Bool) throws -> Dataset {
    guard let text = String(data: bytes, encoding: .utf8) else {
      throw DatasetError(file: source, line: nil, column: nil, message: "is not UTF-8 text")
    }
    let pixels = 64
    var x: [Double] = []
    var labels: [Double] = []
    x.reserveCapacity(1797 * pixels)
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true)
      .enumerated()
    {
      let values = line.split(separator: ",").map {
        Double($0.trimmingCharacters(in: .whitespaces))
      }
      guard values.count == pixels + 1, values.allSatisfy({ $0 != nil }),
        let label = values[pixels], (0...9).contains(label), label == label.rounded()
      else {
        throw DatasetError(
          file: source, line: index + 1, column: 1,
          message: "is not 64 pixels and a digit 0…9; the data set's file is damaged")
      }
      for v in values.prefix(pixels) { x.append(scaled ? v! / 16 : v!) }
      labels.append(label)
    }
    guard !labels.isEmpty else {
      throw DatasetError(file: source, line: nil, column: nil, message: "holds no digits")
    }
    return try Dataset(
      name: "digits", x: Tensor(shape: [labels.count, 1, 8, 8], scalars: x),
      y: Tensor(shape: [labels.count, 1], scalars: labels), classes: 10)
  }

  /// Where the digits file is: in the resources SwiftPM copies beside the program (or the
  /// test runner), else in the source tree it was built from.
  static func digitsFile() throws -> URL {
    let name = "digits.csv.gz"
    var folders: [URL] = []
    for base in [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()] {
      guard let base else { continue }
      folders.append(base.appendingPathComponent("Gradbook_NeuralNet.resources/Resources"))
      folders.append(base.appendingPathComponent("Gradbook_NeuralNet.bundle/Resources"))
      folders.append(
        base.appendingPathComponent("Gradbook_NeuralNet.bundle/Contents/Resources/Resources"))
    }
    folders.append(
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Resources"))
    for folder in folders {
      let file = folder.appendingPathComponent(name)
      if FileManager.default.isReadableFile(atPath: file.path) { return file }
    }
    throw DatasetError(
      file: name, line: nil, column: nil,
      message: "is missing: it is built into Gradbook's resources "
        + "(Sources/NeuralNet/Datasets/Resources); rebuild with Scripts/run")
  }
}
