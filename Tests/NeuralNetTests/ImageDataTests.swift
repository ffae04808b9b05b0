import Foundation
import Testing

@testable import NeuralNet
@testable import TensorEngine

/// The digits carried with Gradbook, and the IDX reader on files these tests write.
@Suite struct ImageDataTests {
  let folder: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("gb-idx-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  // MARK: digits

  @Test func digitsAreTheUCISetScaledTo0Through1() throws {
    let d = try Dataset.digits()
    #expect(d.name == "digits")
    #expect(d.x.shape == [1797, 1, 8, 8])
    #expect(d.y.shape == [1797, 1])
    #expect(d.classes == 10)
    // numpy on the file: np.bincount(labels) and the sum of every pixel, 561718 (before /16):
    //   d = np.loadtxt(gzip.open("digits.csv.gz"), delimiter=",")
    //   np.bincount(d[:, -1].astype(int)), d[:, :64].sum()
    var perClass = [Int](repeating: 0, count: 10)
    for label in d.y.scalars { perClass[Int(label)] += 1 }
    #expect(perClass == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    #expect(abs(d.x.scalars.reduce(0, +) - 561718.0 / 16) < 1e-6)
    #expect(d.x.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    // The file's first line begins 0,0,5,13,9,1,0,0 and is a 0; its last image is an 8.
    #expect(Array(d.x.scalars[0..<8]) == [0, 0, 5, 13, 9, 1, 0, 0].map { $0 / 16 })
    #expect(d.y.scalars[0] == 0)
    #expect(d.y.scalars[1796] == 8)
  }

  @Test func digitsUnscaledKeepTheFileWholeNumbers() throws {
    let d = try Dataset.digits(scaled: false)
    #expect(d.x.scalars.max() == 16)
    #expect(d.x.scalars.allSatisfy { $0 == $0.rounded() })
    #expect(Array(d.x.scalars[8..<16]) == [0, 0, 13, 15, 10, 15, 5, 0])
  }

  @Test func theDigitsFileCarriesItsAttribution() throws {
    let file = try Dataset.digitsFile()
    let notes = file.deletingLastPathComponent().appendingPathComponent("DIGITS.md")
    let text = try String(contentsOf: notes, encoding: .utf8)
    #expect(text.contains("Alpaydin"))
    #expect(text.contains("Kaynak"))
    #expect(text.contains("CC BY 4.0"))
  }

  @Test func aDamagedDigitsLineIsAnErrorWithItsPlace() {
    let bad = Data("1,2,3\n".utf8)
    #expect(throws: DatasetError.self) {
      try Dataset.parseDigits(bad, source: "digits.csv", scaled: true)
    }
  }

  // MARK: IDX files written here

  func write(_ bytes: [UInt8], _ name: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  /// The file compressed by the system's gzip, a writer independent of zlib's reader here.
  func gzip(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    // -n: no name in the header, so the compressed data starts at byte 10.
    process.arguments = ["-k", "-f", "-n", path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return path + ".gz"
  }

  func header(_ type: UInt8, _ sizes: [UInt32]) -> [UInt8] {
    [0, 0, type, UInt8(sizes.count)]
      + sizes.flatMap { s in [24, 16, 8, 0].map { UInt8((s >> UInt32($0)) & 0xff) } }
  }

  /// Three 2×3 images with pixels 0, 10, 20, …, 170 and labels 2, 0, 1.
  func smallSet() throws -> (images: String, labels: String) {
    let pixels = (0..<18).map { UInt8($0 * 10) }
    return (
      try write(header(0x08, [3, 2, 3]) + pixels, "img-idx3-ubyte"),
      try write(header(0x08, [3]) + [2, 0, 1], "lbl-idx1-ubyte")
    )
  }

  @Test func imagesBecomeSamplesOf1ByRowsByColumnsIn0Through1() throws {
    let (images, labels) = try smallSet()
    let d = try Dataset.load(idxImages: images, labels: labels)
    #expect(d.x.shape == [3, 1, 2, 3])
    #expect(d.x.scalars == (0..<18).map { Double($0 * 10) / 255 })
    #expect(d.y.scalars == [2, 0, 1])
    #expect(d.classes == 3)
    #expect(d.name == "img-idx3-ubyte")
    let fixed = try Dataset.load(idxImages: images, labels: labels, classes: 10, limit: 2)
    #expect(fixed.classes == 10)
    #expect(fixed.x.shape == [2, 1, 2, 3])
    #expect(fixed.y.scalars == [2, 0])
  }

  @Test func gzipFilesReadAsThePlainOnes() throws {
    let (images, labels) = try smallSet()
    let plain = try Dataset.load(idxImages: images, labels: labels)
    let packed = try Dataset.load(idxImages: gzip(images), labels: gzip(labels))
    #expect(packed.x.scalars == plain.x.scalars)
    #expect(packed.y.scalars == plain.y.scalars)
    #expect(packed.name == "img-idx3-ubyte")
    let mixed = try Dataset.load(idxImages: gzip(images), labels: labels)
    #expect(mixed.x.scalars == plain.x.scalars)
    #expect(Dataset.isIDX(images))
    #expect(Dataset.isIDX(try gzip(images)))
  }

  /// The message of the error reading `images` with `labels` (the small set's by default).
  func failure(images: String? = nil, labels: String? = nil, classes: Int? = nil) throws
    -> String
  {
    let small = try smallSet()
    do {
      _ = try Dataset.load(
        idxImages: images ?? small.images, labels: labels ?? small.labels, classes: classes)
    } catch let error as DatasetError {
      return error.description
    }
    Issue.record("no error")
    return ""
  }

  @Test func everyMalformedFileIsAClearError() throws {
    let pixels = [UInt8](repeating: 7, count: 18)
    let text = try write(Array("P5 2 3 255\n".utf8), "text.pgm")
    #expect(try failure(images: text).contains("is not an IDX file: it starts with 50 35 20 32"))
    let floats = try write(header(0x0D, [3, 2, 3]) + pixels, "floats")
    #expect(try failure(images: floats).contains("holds 32-bit floats (IDX type 0x0d)"))
    let (images, labels) = try smallSet()
    #expect(try failure(images: labels).contains("are the images and labels files swapped?"))
    #expect(try failure(labels: images).contains("are the images and labels files swapped?"))
    let shortHeader = try write([0, 0, 8, 3, 0, 0, 0, 3, 0], "short")
    #expect(try failure(images: shortHeader).contains("its header needs 16 bytes"))
    let truncated = try write(header(0x08, [3, 2, 3]) + pixels.prefix(17), "truncated")
    #expect(
      try failure(images: truncated).contains(
        "is truncated: its header promises 3 × 2 × 3 = 18 bytes of values but it holds 17"))
    let long = try write(header(0x08, [3, 2, 3]) + pixels + [1, 2], "long")
    #expect(try failure(images: long).contains("holds 2 bytes more than its header's"))
    let empty = try write(header(0x08, [0, 2, 3]), "empty")
    #expect(try failure(images: empty).contains("holds no images"))
    let fewer = try write(header(0x08, [2]) + [1, 1], "two-labels")
    #expect(try failure(labels: fewer).contains("holds 2 labels but"))
    #expect(try failure(labels: fewer).contains("holds 3 images"))
    #expect(try failure(classes: 2).contains("holds the label 2, which classes: 2 does not"))
    #expect(
      try failure(images: folder.appendingPathComponent("none").path).hasSuffix("no such file"))
    #expect(try failure(images: folder.path).contains("is not a regular file"))
  }

  @Test func sizesOverTheMemoryCapOrOverflowingAreRefusedBeforeAnyIsHeld() throws {
    // 4294967295³ overflows Int; 60000 × 1000 × 1000 bytes would be 480 GB of float64.
    let overflow = try write(header(0x08, [.max, .max, .max]), "overflow")
    #expect(try failure(images: overflow).contains("overflow: it is damaged"))
    let huge = try write(header(0x08, [60000, 1000, 1000]), "huge")
    let message = try failure(images: huge)
    #expect(message.contains("holds 60000 × 1000 × 1000 values"))
    #expect(message.contains("exceeds the memory cap"))
  }

  @Test func aCorruptOrTruncatedGzipStreamIsAnError() throws {
    let (images, _) = try smallSet()
    let packed = try Data(contentsOf: URL(fileURLWithPath: gzip(images)))
    var corrupt = [UInt8](packed)
    // Past the 10-byte header, into the compressed data (or its CRC): either fails a check.
    for i in 12..<(corrupt.count - 2) { corrupt[i] ^= 0x5a }
    let bad = try write(corrupt, "corrupt.gz")
    #expect(try failure(images: bad).contains("is not a valid gzip stream"))
    let cut = try write(Array(packed.prefix(packed.count - 6)), "cut.gz")
    #expect(try failure(images: cut).contains("ends early (the file is truncated)"))
  }

  @Test func aPipeIsNeitherOpenedNorTakenForIDX() throws {
    let fifo = folder.appendingPathComponent("pipe").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // Opening it would wait for a writer that never comes.
    #expect(!Dataset.isIDX(fifo))
    #expect(throws: DatasetError.self) { try Dataset.load(idxImages: fifo, labels: fifo) }
  }

  @Test func aGzipStreamInflatingPastItsLimitStopsThere() throws {
    // 1 MB of zeros compresses to about 1 KB; inflating with a 64 KB limit must stop.
    let zeros = try write([UInt8](repeating: 0, count: 1 << 20), "zeros")
    let packed = try Data(contentsOf: URL(fileURLWithPath: gzip(zeros)))
    #expect(packed.count < 4096)
    #expect(throws: Gzip.Failure.self) { try Gzip.decompress(packed, limit: 1 << 16) }
    #expect(try Gzip.decompress(packed, limit: 1 << 21).count == 1 << 20)
  }
}
