import Foundation
import TensorEngine

extension Dataset {
  /// Reads images and their labels in the IDX format of MNIST and Fashion-MNIST (LeCun's
  /// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`), each file plain or gzip-compressed
  /// (told by its first bytes, 1f 8b).
  ///
  /// An IDX file is a big-endian header, `00 00 type dims`, one 32-bit size per dimension,
  /// then the values row by row. Images are type 08 (unsigned bytes) with 3 dimensions
  /// (n, rows, cols); labels are type 08 with 1 (n). Image i becomes the sample
  /// `x[i] = pixels / 255` of shape `[1, rows, cols]` (0…1), its label the class `y[i]`.
  ///
  /// - Parameters:
  ///   - classes: how many classes; by default the largest label + 1 (10 for MNIST).
  ///   - limit: read only the first `limit` samples (a quick run on a large set).
  ///
  /// Every mistake (a file that is not IDX, another value type, a header whose sizes overflow
  /// or disagree with the file's length, counts that disagree between the two files, a
  /// corrupt gzip stream, a size over the memory cap) throws a `DatasetError` naming the file.
  public static func load(
    idxImages imagesPath: String, labels labelsPath: String, classes: Int? = nil,
    limit: Int? = nil
  ) throws -> Dataset {
    if let limit, limit < 1 {
      throw DatasetError(
        file: imagesPath, line: nil, column: nil,
        message: "n: \(limit) reads no samples; give at least 1")
    }
    let images = try IDXFile.read(imagesPath, role: .images)
    let labels = try IDXFile.read(labelsPath, role: .labels)
    let n = images.sizes[0]
    guard labels.sizes[0] == n else {
      throw DatasetError(
        file: labelsPath, line: nil, column: nil,
        message: "holds \(labels.sizes[0]) labels but \(imagesPath) holds \(n) images: "
          + "give the labels file that belongs to the images")
    }
    let (rows, columns) = (images.sizes[1], images.sizes[2])
    let count = Swift.min(n, limit ?? n)
    let pixels = rows * columns
    try Tensor.checkMemory(elements: count * pixels + count)
    var largest = 0
    let y = labels.values.prefix(count).map { byte -> Double in
      largest = Swift.max(largest, Int(byte))
      return Double(byte)
    }
    let classCount = classes ?? largest + 1
    guard classCount > largest else {
      throw DatasetError(
        file: labelsPath, line: nil, column: nil,
        message: "holds the label \(largest), which classes: \(classCount) does not include; "
          + "give classes: \(largest + 1) or more")
    }
    // A loop over the raw bytes: 47 million of them for Fashion-MNIST's training set.
    var x = [Double](repeating: 0, count: count * pixels)
    images.values.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
      x.withUnsafeMutableBufferPointer { out in
        for i in 0..<out.count { out[i] = Double(bytes[i]) / 255 }
      }
    }
    return try Dataset(
      name: name(of: imagesPath),
      x: Tensor(shape: [count, 1, rows, columns], scalars: x),
      y: Tensor(shape: [count, 1], scalars: y), classes: classCount)
  }

  /// A data set's name from its images file: the file's name without `.gz`.
  static func name(of path: String) -> String {
    let file = (path as NSString).lastPathComponent
    return file.hasSuffix(".gz") ? String(file.dropLast(3)) : file
  }

  /// Whether the file at `path` holds IDX data (plain or gzip-compressed), so that `load` can
  /// say to read it with `load_idx`; false when it cannot be read.
  public static func isIDX(_ path: String) -> Bool {
    // Only a regular file: opening a pipe would wait for a writer.
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
      let handle = FileHandle(forReadingAtPath: path)
    else { return false }
    defer { try? handle.close() }
    guard let head = try? handle.read(upToCount: 4), head.count == 4 else { return false }
    if Gzip.isCompressed(head) { return path.lowercased().contains("idx") }
    let b = Array(head)
    return b[0] == 0 && b[1] == 0 && b[2] == 0x08 && (1...3).contains(b[3])
  }
}

/// One IDX file's sizes and its unsigned-byte values, checked against its header.
struct IDXFile {
  enum Role {
    case images, labels

    var dimensions: Int { self == .images ? 3 : 1 }
    var magic: String { self == .images ? "00 00 08 03" : "00 00 08 01" }
    var sizes: String { self == .images ? "n, rows, cols" : "n" }
  }

  let sizes: [Int]
  /// The values after the header, row by row.
  let values: Data

  /// The file at `path`, read as `role` wants it.
  static func read(_ path: String, role: Role) throws -> IDXFile {
    func failure(_ message: String) -> DatasetError {
      DatasetError(file: path, line: nil, column: nil, message: message)
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw failure("no such file")
    }
    var info = stat()
    guard !isDirectory.boolValue, stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
      throw failure("is not a regular file, so it is not read")
    }
    try MemoryBudget.check(bytes: Int(info.st_size), for: "reading \(path)")
    var data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw failure("cannot be read (\(error.localizedDescription))")
    }
    if Gzip.isCompressed(data) {
      // Each byte becomes a float64 value, under the cap like any tensor.
      let limit = Tensor.memoryCap / MemoryLayout<Double>.size + 4 + 4 * role.dimensions
      do { data = try Gzip.decompress(data, limit: limit) } catch let error as Gzip.Failure {
        throw failure(error.message)
      }
    }
    let bytes = [UInt8](data.prefix(4))
    guard bytes.count == 4, bytes[0] == 0, bytes[1] == 0 else {
      let start = bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
      throw failure(
        "is not an IDX file: it starts with \(start.isEmpty ? "nothing" : start), not "
          + "\(role.magic) (MNIST's \(role == .images ? "images" : "labels"))")
    }
    guard bytes[2] == 0x08 else {
      throw failure(
        "holds \(typeName(bytes[2])) (IDX type 0x\(String(format: "%02x", bytes[2]))); load_idx "
          + "reads unsigned bytes (type 0x08), as MNIST's files hold")
    }
    let dimensions = Int(bytes[3])
    guard dimensions == role.dimensions else {
      let swapped =
        (role == .images && dimensions == 1) || (role == .labels && dimensions == 3)
        ? ": are the images and labels files swapped?" : ""
      throw failure(
        "has \(dimensions) dimension\(dimensions == 1 ? "" : "s") but "
          + "\(role == .images ? "an images" : "a labels") file has \(role.dimensions) "
          + "(\(role.sizes))\(swapped)")
    }
    let header = 4 + 4 * dimensions
    guard data.count >= header else {
      throw failure("is truncated: its header needs \(header) bytes but the file has \(data.count)")
    }
    let sizes = (0..<dimensions).map { d -> Int in
      let at = data.startIndex + 4 + 4 * d
      return data[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
    }
    guard sizes[0] > 0, sizes.allSatisfy({ $0 > 0 }) else {
      throw failure(
        "holds no \(role == .images ? "images" : "labels"): its header gives the sizes "
          + sizes.map(String.init).joined(separator: " × "))
    }
    var total = 1
    for size in sizes {
      let (product, overflow) = total.multipliedReportingOverflow(by: size)
      guard !overflow else {
        throw failure(
          "has a header whose sizes \(sizes.map(String.init).joined(separator: " × ")) "
            + "overflow: it is damaged")
      }
      total = product
    }
    do { try Tensor.checkMemory(elements: total) } catch let error as TensorError {
      throw failure(
        "holds \(sizes.map(String.init).joined(separator: " × ")) values: \(error.message)")
    }
    let held = data.count - header
    guard held == total else {
      let what = sizes.map(String.init).joined(separator: " × ")
      throw failure(
        held < total
          ? "is truncated: its header promises \(what) = \(total) bytes of values but it holds "
            + "\(held)"
          : "holds \(held - total) bytes more than its header's \(what) = \(total): it is damaged "
            + "or not an IDX file")
    }
    return IDXFile(
      sizes: sizes, values: data.subdata(in: (data.startIndex + header)..<data.endIndex))
  }

  /// The IDX value types other than unsigned bytes.
  static func typeName(_ type: UInt8) -> String {
    switch type {
    case 0x09: "signed bytes"
    case 0x0B: "16-bit integers"
    case 0x0C: "32-bit integers"
    case 0x0D: "32-bit floats"
    case 0x0E: "64-bit floats"
    default: "values of an unknown type"
    }
  }
}
