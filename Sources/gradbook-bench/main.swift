// Times the benchmark's workloads through the engine's Swift API, for Scripts/bench: the
// same work as the Gradbook scripts, without the language around it.
//
//   gradbook-bench xor EPOCHS | spiral | cnn EPOCHS | matmul N REPEAT | small add|matmul REPEAT
//
// Prints the seconds of one step or one operation, then a note on what was computed.

import Foundation
import NeuralNet
import TensorEngine

let clock = ContinuousClock()
let usage =
  "usage: gradbook-bench xor EPOCHS | spiral | cnn EPOCHS | matmul N REPEAT | small add|matmul REPEAT"

func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Seconds per run of `body`, over `times` runs after `warmUps` untimed ones.
func perRun(_ times: Int, warmUps: Int = 1, _ body: () throws -> Tensor) rethrows -> (
  Double, Tensor
) {
  var last = try body()
  for _ in 1..<Swift.max(1, warmUps) { last = try body() }
  let elapsed = try clock.measure {
    for _ in 0..<times { last = try body() }
  }
  return (seconds(elapsed) / Double(times), last)
}

func run(_ arguments: [String]) throws -> String {
  let number = { (i: Int) -> Int in
    guard arguments.count > i, let n = Int(arguments[i]), n > 0 else {
      throw TensorError(.argument, usage)
    }
    return n
  }
  RandomGenerator.seed(1)
  switch arguments.first {
  case "xor":
    let epochs = try number(1)
    let data = Dataset.xor()
    let net = try Dense(2, 4, activation: .tanh) >> Dense(4, 1, activation: .sigmoid)
    let history = try Training.fit(
      net, on: data, loss: .mse, optimizer: SGD(learningRate: 0.5),
      options: TrainingOptions(epochs: epochs))
    return "\(history.seconds / Double(epochs)) loss \(history.loss.last ?? .nan)"
  case "spiral":
    let data = try Dataset.spiral(900, classes: 3)
    let net = Sequential([
      try Dense(2, 64, activation: .relu), try Dense(64, 64, activation: .relu),
      try Dense(64, 3, activation: .softmax),
    ])
    let history = try Training.fit(
      net, on: data, loss: .crossEntropy, optimizer: SGD(learningRate: 0.05, momentum: 0.9),
      options: TrainingOptions(epochs: 200, batchSize: 64))
    return "\(history.seconds / Double(200 * 15)) accuracy \(try net.accuracy(on: data))"
  case "cnn":
    // W4: full-batch SGD steps of a small CNN on 64 random 1×28×28 images.
    let epochs = try number(1)
    var g = RandomGenerator(seed: 4)
    let x = try Tensor(shape: [64, 1, 28, 28], scalars: (0..<(64 * 784)).map { _ in g.normal() })
    let y = try Tensor(
      shape: [64, 1], scalars: (0..<64).map { _ in Double(Int(g.uniform(0, 10)) % 10) })
    let data = try Dataset(name: "images", x: x, y: y, classes: 10)
    let net = Sequential([
      try Conv(1, 8, kernel: (3, 3)), ActivationLayer(.relu), try MaxPool(2),
      try Conv(8, 16, kernel: (3, 3)), ActivationLayer(.relu), try MaxPool(2), Flatten(),
      try Dense(400, 10),
    ])
    let history = try Training.fit(
      net, on: data, loss: .crossEntropy, optimizer: SGD(learningRate: 0.01),
      options: TrainingOptions(epochs: epochs, batchSize: 64))
    return
      "\(history.seconds / Double(epochs)) loss \(history.loss.last ?? .nan) \(history.path.map { "\($0)" } ?? "")"
  case "matmul":
    let n = try number(1)
    let a = try Tensor.randn([n, n])
    let b = try Tensor.randn([n, n])
    // Warmed up by as many products as are timed, as Scripts/benchmarks does every peer.
    let times = try number(2)
    let (time, _) = try perRun(times, warmUps: times) { try Tensor.matmul(a, b) }
    return "\(time) \(String(format: "%.1f", 2 * pow(Double(n), 3) / time / 1e9)) GFLOP/s"
  case "small":
    let a = try Tensor.randn([4, 4])
    let b = try Tensor.randn([4, 4])
    let add = arguments.count > 1 && arguments[1] == "add"
    let (time, c) = try perRun(try number(2)) {
      add ? try Tensor.binary(.add, a, b) : try Tensor.matmul(a, b)
    }
    return "\(time) 4×4, c[0, 0] = \(c.scalars[0])"
  default:
    throw TensorError(.argument, usage)
  }
}

do {
  HeapPolicy.reuseLargeBlocks()  // as the gradbook binary does
  print(try run(Array(CommandLine.arguments.dropFirst())))
} catch {
  FileHandle.standardError.write(Data("gradbook-bench: \(error)\n".utf8))
  exit(2)
}
