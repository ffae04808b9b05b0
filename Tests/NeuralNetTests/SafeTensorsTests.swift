import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// A file's bytes from a header written by hand and raw data, so each malformed case is
/// exactly the malformation it names.
private func file(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> Data {
  var bytes = Data()
  withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian) {
    bytes.append(contentsOf: $0)
  }
  bytes.append(contentsOf: Array(header.utf8))
  bytes.append(contentsOf: data)
  return bytes
}

private func refusal(_ data: Data) -> String {
  do {
    _ = try SafeTensors.decode(data)
    return "accepted"
  } catch let error as SafeTensors.FormatError {
    return error.message
  } catch {
    return "other error: \(error)"
  }
}

@Suite struct SafeTensorsTests {
  @Test func roundTripKeepsNamesShapesValuesAndMetadata() throws {
    let w = try Tensor(shape: [2, 3], scalars: [1, -2.5, 3e-300, .pi, -0.0, 1e300])
    let b = Tensor([0.1, 0.2, 0.3])
    let s = Tensor(7)
    let empty = try Tensor(shape: [0, 4], scalars: [])
    let contents = SafeTensors.Contents(
      tensors: [("0.w", w), ("0.b", b), ("scalar \"q\"", s), ("empty", empty)],
      metadata: ["spec": "{\"kind\":\"dense\"}", "note": "a\nb"])
    let path = NSTemporaryDirectory() + "roundtrip-\(UUID().uuidString).safetensors"
    defer { unlink(path) }
    try SafeTensors.write(contents, to: path)
    let back = try SafeTensors.read(path)
    #expect(back.tensors.map(\.name) == ["0.w", "0.b", "scalar \"q\"", "empty"])
    #expect(back.tensors[0].tensor.shape == [2, 3])
    #expect(back.tensors[0].tensor.scalars.map(\.bitPattern) == w.scalars.map(\.bitPattern))
    #expect(back.tensors[1].tensor.scalars == [0.1, 0.2, 0.3])
    #expect(back.tensors[2].tensor.shape == [])
    #expect(back.tensors[2].tensor.scalars == [7])
    #expect(back.tensors[3].tensor.shape == [0, 4])
    #expect(back.metadata == contents.metadata)
    // The data starts 8-byte aligned, and the layout is the one the format fixes: the
    // header length, then the header, then w's first value 1.0 as little-endian bytes.
    let raw = try Data(contentsOf: URL(fileURLWithPath: path))
    let n = Int(raw.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    #expect(n % 8 == 0)
    #expect(Array(raw[8 + n..<8 + n + 8]) == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    #expect(raw.count == 8 + n + 8 * (6 + 3 + 1))
  }

  @Test func writeReplacesAtomicallyAndRefusesALink() throws {
    let folder = NSTemporaryDirectory() + "st-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let target = folder + "/w.safetensors"
    try SafeTensors.write(.init(tensors: [("a", Tensor([1]))]), to: target)
    try SafeTensors.write(.init(tensors: [("a", Tensor([2, 3]))]), to: target)
    #expect(try SafeTensors.read(target).tensors[0].tensor.scalars == [2, 3])
    // No temporary file is left beside it.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["w.safetensors"])
    let victim = folder + "/victim"
    try Data("keep".utf8).write(to: URL(fileURLWithPath: victim))
    symlink(victim, folder + "/link.safetensors")
    #expect(throws: SafeTensors.FormatError.self) {
      try SafeTensors.write(.init(tensors: [("a", Tensor([1]))]), to: folder + "/link.safetensors")
    }
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
  }

  @Test func writingRefusesDuplicateNames() {
    #expect(throws: SafeTensors.FormatError.self) {
      _ = try SafeTensors.encode(.init(tensors: [("a", Tensor([1])), ("a", Tensor([2]))]))
    }
  }

  @Test func f32IsWidened() throws {
    // 1.5 and -2 as float32 little-endian: 0x3FC00000, 0xC0000000.
    let data = file(
      #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
      data: [0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0])
    let contents = try SafeTensors.decode(data)
    #expect(contents.tensors[0].tensor.scalars == [1.5, -2])
  }

  @Test func readingAMissingFileNamesIt() {
    #expect {
      _ = try SafeTensors.read("/nonexistent/w.safetensors")
    } throws: { error in
      "\(error)".contains("/nonexistent/w.safetensors") && "\(error)".contains("no such file")
    }
  }

  @Test func malformedFilesAreRefusedWithTheReason() {
    let eight: [UInt8] = Array(repeating: 0, count: 8)
    let cases: [(Data, String)] = [
      (Data([1, 2, 3]), "fewer than the 8"),
      (file("{}", length: 1000), "only 2 follow"),
      (file("{}", length: 200_000_000), "more than the limit"),
      (file("{}", length: UInt64.max), "more than the limit"),
      (file("[1, 2]"), "not a JSON object"),
      (file("{\"a\": "), "not valid JSON"),
      (file(String(repeating: "[", count: 100_000)), "nesting too deep"),
      (
        file(#"{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,16]}}"#, data: eight),
        "outside the 8 data bytes"
      ),
      (
        file(#"{"x":{"dtype":"F64","shape":[1],"data_offsets":[8,0]}}"#, data: eight),
        "outside"
      ),
      (
        file(
          #"{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"#
            + #""y":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, data: eight),
        "overlaps"
      ),
      (
        file(
          #"{"x":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}"#, data: eight + eight),
        "8 unused data bytes before x"
      ),
      (
        file(#"{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, data: eight + eight),
        "8 unused data bytes at the end"
      ),
      (
        file(
          #"{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"#
            + #""x":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}"#, data: eight + eight),
        "appears twice"
      ),
      (
        file(#"{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: eight),
        "dtype I64"
      ),
      (
        file(#"{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}"#, data: eight),
        "needs 16 bytes"
      ),
      (
        file(
          #"{"x":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#,
          data: eight),
        "the shape of x is invalid"
      ),
      (
        file(#"{"x":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}"#, data: eight),
        "whole numbers"
      ),
      (
        file(#"{"x":{"dtype":"F64","shape":[1.5],"data_offsets":[0,8]}}"#, data: eight),
        "whole numbers"
      ),
      (file(#"{"x":{"shape":[1],"data_offsets":[0,8]}}"#, data: eight), "no dtype"),
      (file(#"{"x":{"dtype":"F64","data_offsets":[0,8]}}"#, data: eight), "no shape"),
      (file(#"{"x":{"dtype":"F64","shape":[1],"data_offsets":[0]}}"#, data: eight), "two numbers"),
      (file(#"{"x":3}"#), "not an object"),
      (file(#"{"__metadata__":{"a":1}}"#), "not a string"),
    ]
    for (data, expected) in cases {
      let message = refusal(data)
      #expect(message.contains(expected), "expected “\(expected)”, got “\(message)”")
    }
  }
}
