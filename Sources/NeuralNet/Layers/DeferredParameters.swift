import TensorEngine

/// A weight and a bias made when first needed: conv and dense layers built without given
/// weights draw a seed from the session's stream when they are made (so the stream moves as
/// if they had drawn their weights then) and draw the weights from that seed when first run
/// or trained. The values are the ones an immediate draw would have given; until then the
/// layer holds only shapes, so that building and summarising VGG-16 allocates nothing.
///
/// ```
/// W ~ initializer(fan_in, fan_out) reshaped to weightShape,  b = 0
/// ```
final class DeferredParameters {
  let weightShape: [Int]
  let biasCount: Int
  private let initializer: Initializer
  private let fanIn: Int
  private let fanOut: Int
  private let seed: UInt64
  private var made: (weight: Tensor, bias: Tensor)?

  /// Parameters of these shapes drawn from `seed` later. Throws when they could never be
  /// made: a count that overflows, or a weight larger than the per-tensor memory cap.
  init(
    weightShape: [Int], biasCount: Int, initializer: Initializer, fanIn: Int, fanOut: Int,
    seed: UInt64
  ) throws {
    let count = try Shape.count(weightShape)
    let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Double>.size)
    guard !overflow, bytes <= Tensor.memoryCap else {
      throw TensorError(
        .memory,
        "a weight of shape \(Shape.describe(weightShape)) (\(count) values) exceeds the "
          + "memory cap of \(Tensor.formatBytes(Tensor.memoryCap))")
    }
    self.weightShape = weightShape
    self.biasCount = biasCount
    self.initializer = initializer
    self.fanIn = fanIn
    self.fanOut = fanOut
    self.seed = seed
  }

  /// Parameters that exist already (given, or drawn at once).
  init(made weight: Tensor, bias: Tensor) {
    weightShape = weight.shape
    biasCount = bias.count
    initializer = .he
    fanIn = 1
    fanOut = 1
    seed = 0
    made = (weight, bias)
  }

  /// The same deferred draw, for a copy of a layer not yet run: both get the same values.
  init(copying other: DeferredParameters) {
    weightShape = other.weightShape
    biasCount = other.biasCount
    initializer = other.initializer
    fanIn = other.fanIn
    fanOut = other.fanOut
    seed = other.seed
  }

  var isMade: Bool { made != nil }

  /// The number of values both tensors hold, made or not.
  var count: Int { weightShape.reduce(1, *) + biasCount }

  /// Makes the tensors after checking the session's memory limit for both (the per-tensor
  /// cap was checked when this was made); interruptible. `layer` names them in the error.
  func make(for layer: @autoclosure () -> String) throws {
    guard made == nil else { return }
    try MemoryBudget.check(
      bytes: count &* MemoryLayout<Double>.size, for: "drawing the weights of \(layer())")
    let values = try Tensor.generate(weightShape.reduce(1, *), sampler())
    store(values)
  }

  /// The tensors, made unchecked if `make` has not run (see `Layer.materializeParameters`).
  var tensors: (weight: Tensor, bias: Tensor) {
    if let made { return made }
    let n = weightShape.reduce(1, *)
    var values = [Double]()
    values.reserveCapacity(n)
    let next = sampler()
    for _ in 0..<n { values.append(next()) }
    return store(values)
  }

  @discardableResult
  private func store(_ values: [Double]) -> (weight: Tensor, bias: Tensor) {
    // The shapes were checked when this was made, so the counts agree.
    let weight = (try? Tensor.parameter(shape: weightShape, scalars: values)) ?? Tensor(0)
    let zeros = [Double](repeating: 0, count: biasCount)
    let bias = (try? Tensor.parameter(shape: [biasCount], scalars: zeros)) ?? Tensor(0)
    made = (weight, bias)
    return (weight, bias)
  }

  /// The initializer's draw, value by value, in the order `Initializer.weights` draws.
  private func sampler() -> () -> Double {
    var g = RandomGenerator(seed: seed)
    let draw = initializer.sampler(fanIn: fanIn, fanOut: fanOut)
    return { draw(&g) }
  }
}
