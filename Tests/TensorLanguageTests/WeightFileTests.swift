import Foundation
import NeuralNet
import TensorEngine
import Testing

@testable import TensorLanguage

/// `python3 ARGUMENTS…`: its exit status, standard output and standard error.
func python(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3"] + arguments
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  // Small outputs only, so reading one pipe to its end before the other cannot block.
  let out = output.fileHandleForReading.readDataToEndOfFile()
  let err = errors.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (
    process.terminationStatus, String(decoding: out, as: UTF8.self),
    String(decoding: err, as: UTF8.self)
  )
}

/// Whether Python's safetensors and numpy can be imported (Scripts/setup --tests installs
/// them); records an issue when they cannot, so the interoperability tests never pass unrun.
func safetensorsIsAvailable() throws -> Bool {
  let check = try python(["-c", "import numpy, safetensors.numpy"])
  if check.status != 0 {
    Issue.record(
      "python3 cannot import numpy and safetensors (Scripts/setup --tests): \(check.err)")
  }
  return check.status == 0
}

func temporaryFile(_ name: String) -> String {
  NSTemporaryDirectory() + "\(UUID().uuidString)-\(name)"
}

extension LanguageTests {
  @Suite struct WeightFileTests {
    /// dense(2, 3) >> tanh >> dense(3, 1), whose parameters are 0.w, 0.b, 2.w, 2.b.
    func model() throws -> any Layer {
      Sequential([try Dense(2, 3), ActivationLayer(.tanh), try Dense(3, 1)])
    }

    func scalars(_ layer: any Layer) -> [[UInt64]] {
      layer.namedParameters.map { $0.tensor.scalars.map(\.bitPattern) }
    }

    func message(
      _ name: String, _ positional: [Value], _ keywords: KeyValuePairs<String, Value> = [:]
    )
      -> String?
    {
      runtimeError(name, positional, keywords)?.message
    }

    @Test func saveThenLoadRestoresEveryParameterBitwiseInPlace() throws {
      let file = temporaryFile("net.safetensors")
      defer { unlink(file) }
      let trained = try model()
      try call("save", [.layer(trained), .string(file)])
      let fresh = try model()
      let before = fresh.namedParameters.map(\.tensor)
      #expect(scalars(fresh) != scalars(trained))
      try call("load_weights", [.layer(fresh), .string(file)])
      #expect(scalars(fresh) == scalars(trained))
      // Loaded into the same tensors, so optimizers and references still see them.
      #expect(zip(before, fresh.namedParameters.map(\.tensor)).allSatisfy { $0 === $1 })
    }

    @Test func aFileThatDoesNotFitIsRefusedAndTheModelKept() throws {
      let file = temporaryFile("small.safetensors")
      defer { unlink(file) }
      try call("save", [.layer(try Dense(2, 3)), .string(file)])
      let net = try model()
      let kept = scalars(net)
      let strict = message("load_weights", [.layer(net), .string(file)]) ?? ""
      #expect(strict.contains(file))
      #expect(strict.contains("it lacks 0.w, 0.b, 2.w, 2.b"))
      #expect(strict.contains("the model has no w, b"))
      #expect(strict.contains("strict: false"))
      #expect(scalars(net) == kept)

      // Same names, other shapes: dense(2, 4) >> tanh >> dense(4, 1).
      try call(
        "save",
        [
          .layer(Sequential([try Dense(2, 4), ActivationLayer(.tanh), try Dense(4, 1)])),
          .string(file),
        ])
      let shape = message("load_weights", [.layer(net), .string(file)]) ?? ""
      #expect(shape == "\(file): 0.w has shape [4, 2] but the model's 0.w has shape [3, 2]")
      #expect(scalars(net) == kept)

      let missing = message("load_weights", [.layer(net), .string(file + ".none")]) ?? ""
      #expect(missing.contains("no such file") && missing.contains(file + ".none"))
      #expect(message("save", [.layer(ActivationLayer(.relu)), .string(file)]) != nil)
    }

    @Test func strictFalseLoadsTheNamesBothHaveAndSaysWhatItSkipped() throws {
      let file = temporaryFile("head.safetensors")
      defer { unlink(file) }
      let source = try Dense(2, 3)
      try call("save", [.layer(source >> ActivationLayer(.tanh)), .string(file)])
      let net = try model()
      let head = net.namedParameters.suffix(2).map { $0.tensor.scalars }
      let context = TestContext()
      try call(
        "load_weights", [.layer(net), .string(file)], ["strict": .bool(false)], context: context)
      #expect(net.namedParameters[0].tensor.scalars == source.weight.scalars)
      #expect(net.namedParameters[1].tensor.scalars == source.bias.scalars)
      #expect(net.namedParameters.suffix(2).map { $0.tensor.scalars } == head)
      #expect(context.kept == ["loaded 2 of 4; kept the model's own 2.w, 2.b\n"])
    }

    @Test func pythonsSafetensorsReadsWhatGradbookWrites() throws {
      guard try safetensorsIsAvailable() else { return }
      let file = temporaryFile("py.safetensors")
      defer { unlink(file) }
      let net = try model()
      try call("save", [.layer(net), .string(file)])
      let script = """
        import sys
        from safetensors.numpy import load_file
        for name, a in load_file(sys.argv[1]).items():
            assert a.dtype.name == "float64", a.dtype
            print(name, list(a.shape), *[repr(float(v)) for v in a.ravel()])
        """
      let run = try python(["-c", script, file])
      #expect(run.status == 0, "\(run.err)")
      var read: [String: (shape: String, values: [Double])] = [:]
      for line in run.out.split(separator: "\n") {
        let words = line.split(separator: " ")
        let close = words.firstIndex { $0.hasSuffix("]") } ?? 1
        read[String(words[0])] = (
          words[1...close].joined(separator: " "), words[(close + 1)...].compactMap { Double($0) }
        )
      }
      #expect(read.count == 4)
      for (name, parameter) in net.namedParameters {
        #expect(read[name]?.shape == Shape.describe(parameter.shape))
        #expect(read[name]?.values == parameter.scalars)
      }
    }

    @Test func aFilePythonWritesLoadsIntoAModel() throws {
      guard try safetensorsIsAvailable() else { return }
      let file = temporaryFile("from-python.safetensors")
      defer { unlink(file) }
      // Quarters are exact in float32 too, so the widened values are known exactly.
      let script = """
        import sys, numpy as np
        from safetensors.numpy import save_file
        save_file({
            "0.w": (np.arange(6, dtype=np.float64).reshape(3, 2) - 2.5) * 0.25,
            "0.b": np.array([0.1, 0.2, 0.3]),
            "2.w": np.array([[1.5, -2.0, 0.25]], dtype=np.float32),
            "2.b": np.array([-0.75], dtype=np.float32),
        }, sys.argv[1], metadata={"source": "numpy"})
        """
      let run = try python(["-c", script, file])
      #expect(run.status == 0, "\(run.err)")
      let net = try model()
      try call("load_weights", [.layer(net), .string(file)])
      let values = Dictionary(
        uniqueKeysWithValues: net.namedParameters.map { ($0.name, $0.tensor.scalars) })
      #expect(values["0.w"] == [-0.625, -0.375, -0.125, 0.125, 0.375, 0.625])
      #expect(values["0.b"] == [0.1, 0.2, 0.3])
      #expect(values["2.w"] == [1.5, -2, 0.25])
      #expect(values["2.b"] == [-0.75])
    }
  }
}
