import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// The transforms of `fit(…, augment: […])` on hand-worked images, and augmentation in
/// training: reproducible from the seed, the same on both paths, never on validation data.
@Suite struct AugmentationTests {
  /// One 1×3×3 image, 1…9 row by row.
  let nine = try! Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Double.init))

  /// The first seed whose generator's first draws of `index(below: n)` are `wanted`.
  func seed(drawing wanted: [Int], below n: Int) -> UInt64 {
    for s in UInt64(0)..<10_000 {
      var g = RandomGenerator(seed: s)
      if wanted.allSatisfy({ $0 == g.index(below: n) }) { return s }
    }
    Issue.record("no seed draws \(wanted)")
    return 0
  }

  @Test func shiftMovesTheImageAndFillsWithZeros() throws {
    let shift = try Shift(1)
    // Draws 2, 0 are the offsets dy = +1, dx = −1: one row down, one column left.
    var g = RandomGenerator(seed: seed(drawing: [2, 0], below: 3))
    #expect(try shift.applied(to: nine, using: &g).scalars == [0, 0, 0, 2, 3, 0, 5, 6, 0])
    // dy = −1, dx = +1: one row up, one column right.
    g = RandomGenerator(seed: seed(drawing: [0, 2], below: 3))
    #expect(try shift.applied(to: nine, using: &g).scalars == [0, 4, 5, 0, 7, 8, 0, 0, 0])
    // dy = dx = 0 leaves it.
    g = RandomGenerator(seed: seed(drawing: [1, 1], below: 3))
    #expect(try shift.applied(to: nine, using: &g).scalars == nine.scalars)
  }

  @Test func cropTakesAWindowOfThePaddedImage() throws {
    let crop = try Crop(3, pad: 1)
    // Offsets oy = 0, ox = 2 in the 5×5 padded image: its top zero row, the image's columns
    // 1 and 2 and the right zero column.
    var g = RandomGenerator(seed: seed(drawing: [0, 2], below: 3))
    #expect(try crop.applied(to: nine, using: &g).scalars == [0, 0, 0, 2, 3, 0, 5, 6, 0])
    // oy = 2, ox = 1: rows 2…4 (image rows 1, 2 and the bottom zeros), the image's columns.
    g = RandomGenerator(seed: seed(drawing: [2, 1], below: 3))
    #expect(try crop.applied(to: nine, using: &g).scalars == [4, 5, 6, 7, 8, 9, 0, 0, 0])
  }

  @Test func flipMirrorsEveryChannelWithItsProbability() throws {
    // Two channels of 2×3.
    let image = try Tensor(shape: [1, 2, 2, 3], scalars: (1...12).map(Double.init))
    var g = RandomGenerator(seed: 1)
    #expect(
      try Flip(probability: 1).applied(to: image, using: &g).scalars
        == [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10])
    #expect(try Flip(probability: 0).applied(to: image, using: &g).scalars == image.scalars)
    // p = 0.5: about half of 2000 two-pixel images [1, 2] become [2, 1].
    let pairs = try Tensor(
      shape: [2000, 1, 1, 2], scalars: Array(repeating: [1.0, 2.0], count: 2000).flatMap { $0 })
    let flipped = try Flip().applied(to: pairs, using: &g).scalars
    let count = stride(from: 0, to: flipped.count, by: 2).filter { flipped[$0] == 2 }.count
    #expect(count > 900 && count < 1100)
  }

  /// Two 2×2 RGB images. The covariance and its eigen-decomposition from numpy:
  ///
  /// ```python
  /// import numpy as np
  /// x = np.array([[[[0.9, 0.1], [0.4, 0.7]], [[0.5, 0.2], [0.3, 0.8]], [[0.1, 0.6], [0.2, 0.4]]],
  ///               [[[0.3, 0.8], [0.6, 0.2]], [[0.4, 0.9], [0.5, 0.1]], [[0.7, 0.3], [0.9, 0.5]]]])
  /// pixels = x.transpose(0, 2, 3, 1).reshape(-1, 3)
  /// w, v = np.linalg.eigh(np.cov(pixels.T))
  /// ```
  let rgb = try! Dataset(
    name: "rgb",
    x: Tensor(
      shape: [2, 3, 2, 2],
      scalars: [
        0.9, 0.1, 0.4, 0.7, 0.5, 0.2, 0.3, 0.8, 0.1, 0.6, 0.2, 0.4,
        0.3, 0.8, 0.6, 0.2, 0.4, 0.9, 0.5, 0.1, 0.7, 0.3, 0.9, 0.5,
      ]),
    y: Tensor([[0], [1]]), classes: 2)
  static let numpyValues = [0.01213888106190144, 0.05943011133829759, 0.16235957902837245]
  /// numpy's `v`, row by row; each column is an eigenvector.
  static let numpyVectors = [
    -0.7098147617818792, 0.0965021731831153, -0.697746611978496,
    0.6577630746776973, 0.4452112938502358, -0.6075645162604059,
    -0.2520133757304872, 0.8902102192174245, 0.37949311463291296,
  ]

  @Test func pcaColorComponentsMatchNumpy() throws {
    let (values, vectors) = try PCAColor.principalComponents(of: rgb)
    for i in 0..<3 { #expect(abs(values[i] - Self.numpyValues[i]) < 1e-12) }
    // An eigenvector's sign is arbitrary: compare each column up to its sign.
    for column in 0..<3 {
      let ours = (0..<3).map { vectors[$0 * 3 + column] }
      let theirs = (0..<3).map { Self.numpyVectors[$0 * 3 + column] }
      let sign = ours[0] * theirs[0] < 0 ? -1.0 : 1.0
      for r in 0..<3 { #expect(abs(sign * ours[r] - theirs[r]) < 1e-12) }
    }
  }

  @Test func pcaColorAddsOneShiftPerChannelFromItsDraws() throws {
    let pca = try PCAColor(sigma: 0.5).prepared(for: rgb)
    var g = RandomGenerator(seed: 3)
    var draws = g
    let first = Array(rgb.x.scalars[0..<12])
    let out = try pca.applied(to: Tensor(shape: [1, 3, 2, 2], scalars: first), using: &g).scalars
    // α from the same three normal draws and the shift Σᵢ pᵢ αᵢ λᵢ with numpy's p and λ. A
    // single draw depends on each eigenvector's sign, which LAPACK may choose otherwise than
    // numpy: take ours (equal to numpy's up to sign, tested above).
    let (_, vectors) = try PCAColor.principalComponents(of: rgb)
    let alpha: [Double] = (0..<3).map { _ in 0.5 * draws.normal() }
    for c in 0..<3 {
      var shift = 0.0
      for i in 0..<3 {
        let sign: Double = vectors[i] * Self.numpyVectors[i] < 0 ? -1 : 1
        let p: Double = sign * Self.numpyVectors[c * 3 + i]
        shift += p * alpha[i] * Self.numpyValues[i]
      }
      for k in 0..<4 {
        let expected: Double = first[c * 4 + k] + shift
        #expect(abs(out[c * 4 + k] - expected) < 1e-12)
      }
    }
    #expect(out != first)
  }

  @Test func transformsSayWhatIsWrong() throws {
    let rows = try Dataset(name: "rows", x: Tensor([[0, 1], [1, 0]]), y: Tensor([[0], [1]]))
    #expect(throws: TensorError.self) { try Flip().prepared(for: rows) }
    let error = #expect(throws: TensorError.self) { try Shift(2).prepared(for: rows) }
    #expect(
      error?.message
        == "shift(2) transforms images [channels, height, width], but the samples of rows have "
        + "shape [2]; make image samples with dataset(reshape(x, [n, c, h, w]), y)")
    let grey = try Dataset(
      name: "grey", x: Tensor(shape: [2, 1, 3, 3], scalars: (0..<18).map(Double.init)),
      y: Tensor([[0], [1]]), classes: 2)
    let messages: [String] = [
      { try Shift(3).prepared(for: grey) }, { try Crop(2, pad: 1).prepared(for: grey) },
      { try PCAColor().prepared(for: grey) }, { try Flip(probability: 2) },
      { try Shift(-1) }, { try Crop(3, pad: -1) }, { try PCAColor(sigma: -1) },
    ].map { make in
      do {
        _ = try make()
        return "no error"
      } catch let error as TensorError {
        return error.message
      } catch {
        return "\(error)"
      }
    }
    #expect(
      messages == [
        "shift(3) can move a 3×3 image off itself; the offset must be below 3",
        "crop(2, pad: 1) would give 2×2 images, but the model trains and evaluates on the "
          + "data's 3×3 images; crop to their own size after padding, e.g. crop(3, pad: 1) "
          + "(a crop takes square images)",
        "pca_color shifts the colours of RGB images [3, h, w], but the samples of grey have 1 "
          + "channel ([1, 3, 3]); leave it out for grey images",
        "flip's p is a probability between 0 and 1, not 2",
        "shift's offset k must be a whole number ≥ 0, not -1",
        "crop's pad must be a whole number ≥ 0, not -1",
        "pca_color's σ must be a number ≥ 0, not -1",
      ])
    // And fit stops before training.
    var g = RandomGenerator(seed: 1)
    let net = try Dense(2, 1, activation: .sigmoid, using: &g)
    let before = net.parameters.flatMap(\.scalars)
    #expect(throws: TensorError.self) {
      try Training.fit(
        net, on: rows, loss: .bce, optimizer: try SGD(),
        options: TrainingOptions(epochs: 2, augmentation: [try Flip()]), using: &g)
    }
    #expect(net.parameters.flatMap(\.scalars) == before)
  }

  // MARK: - In training

  /// 24 images 1×4×4 of two classes (a bright left or right half) with noise.
  func halves() throws -> Dataset {
    var g = RandomGenerator(seed: 11)
    var xs: [Double] = []
    var ys: [[Double]] = []
    for i in 0..<24 {
      let right = i % 2
      for _ in 0..<4 {
        for x in 0..<4 { xs.append((x / 2 == right ? 1 : 0) + 0.2 * g.normal()) }
      }
      ys.append([Double(right)])
    }
    return try Dataset(
      name: "halves", x: Tensor(shape: [24, 1, 4, 4], scalars: xs), y: Tensor(ys), classes: 2)
  }

  func train(
    seed: UInt64, compiled: Bool = true, flatten: any Layer = Flatten(),
    augment: [any Augmentation]? = nil, validation: Dataset? = nil
  ) throws -> (weights: [Double], history: History, model: any Layer) {
    var g = RandomGenerator(seed: 5)
    let net = Sequential([flatten, try Dense(16, 2, activation: .softmax, using: &g)])
    var shuffle = RandomGenerator(seed: seed)
    let history = try Training.fit(
      net, on: try halves(), loss: .crossEntropy, optimizer: try SGD(learningRate: 0.1),
      options: TrainingOptions(
        epochs: 6, batchSize: 5, validation: validation, compiled: compiled,
        augmentation: try augment ?? [Flip(), Shift(1), Crop(4, pad: 1)]),
      using: &shuffle)
    return (net.parameters.flatMap(\.scalars), history, net)
  }

  @Test func augmentedTrainingIsReproducibleFromTheSeed() throws {
    let a = try train(seed: 7)
    let b = try train(seed: 7)
    let c = try train(seed: 8)
    #expect(a.weights == b.weights)
    #expect(a.weights != c.weights)
    // Augmentation changed what the model saw.
    let plain = try train(seed: 7, augment: [])
    #expect(plain.weights != a.weights)
  }

  @Test func compiledTrainingAugmentsAsTheGraphDoes() throws {
    let compiled = try train(seed: 7, flatten: StagedFlatten())
    let graph = try train(seed: 7, compiled: false, flatten: StagedFlatten())
    #expect(compiled.history.path == .compiled)
    #expect(graph.history.path == .graph(reason: "compiled training is turned off"))
    let difference = zip(compiled.weights, graph.weights).map { abs($0 - $1) }.max() ?? 1
    #expect(difference < 1e-9)
    // The full batch, which compiled training reads in place without augmentation, is
    // gathered and augmented too: both paths agree, and differ from no augmentation.
    var runs: [(weights: [Double], path: TrainingPath?)] = []
    for (compiled, augment) in [(true, true), (false, true), (true, false)] {
      var g = RandomGenerator(seed: 5)
      let net = Sequential([StagedFlatten(), try Dense(16, 2, activation: .softmax, using: &g)])
      var shuffle = RandomGenerator(seed: 1)
      let history = try Training.fit(
        net, on: try halves(), loss: .crossEntropy, optimizer: try SGD(learningRate: 0.1),
        options: TrainingOptions(
          epochs: 3, compiled: compiled, augmentation: augment ? [try Shift(1)] : []),
        using: &shuffle)
      runs.append((net.parameters.flatMap(\.scalars), history.path))
    }
    #expect(runs[0].path == .compiled)
    let whole = zip(runs[0].weights, runs[1].weights).map { abs($0 - $1) }.max() ?? 1
    #expect(whole < 1e-9)
    #expect(runs[0].weights != runs[2].weights)
  }

  @Test func validationIsNeverAugmented() throws {
    let data = try halves()
    let run = try train(seed: 7, augment: [try Shift(2), try Flip()], validation: data)
    // The last validation loss is the final model's loss on the data as it is.
    let final = try run.model.evaluate(on: data, loss: .crossEntropy).loss
    #expect(run.history.validationLoss.last == final)
  }

  @Test func augmentedBatchesKeepTheirLabels() throws {
    // Image i is filled with i, which flip keeps: every gathered image must still be its
    // row's, whatever the order.
    let data = try Dataset(
      name: "rows", x: Tensor(shape: [6, 1, 2, 2], scalars: (0..<24).map { Double($0 / 4) }),
      y: Tensor((0..<6).map { [Double($0)] }), classes: 6)
    let augmenter = try BatchAugmenter([try Flip()], data: data, seed: 3)
    let rows = [4, 1, 5]
    let batch = try augmenter.gather(rows: rows[...], count: 3)
    #expect(batch.shape == [3, 1, 2, 2])
    #expect(batch.scalars == rows.flatMap { Array(repeating: Double($0), count: 4) })
  }
}

/// Flatten with a compiled stage (a copy), so that image models train compiled in these
/// tests as they will once the layers have stages of their own.
final class StagedFlatten: Layer {
  func callAsFunction(_ x: Tensor) throws -> Tensor { try Flatten()(x) }
  var parameters: [Tensor] { [] }
  func outputShape(for inputShape: [Int]) throws -> [Int] { [inputShape.reduce(1, *)] }
  func multiplyAdds(for inputShape: [Int]) throws -> Int { 0 }
  func copy(sharing copies: inout [ObjectIdentifier: any Layer]) throws -> any Layer { self }
  var description: String { "staged_flatten" }

  func compiledStage(_ request: CompiledStageRequest) -> (any CompiledStage)? {
    Stage(width: request.inputShape.reduce(1, *))
  }

  final class Stage: CompiledStage {
    let width: Int
    init(width: Int) { self.width = width }
    var parameters: [Tensor] { [] }
    var outputWidth: Int { width }
    var workspaceWidth: Int { 0 }
    func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows: Int, weights w: UnsafePointer<Double>
    ) {
      y.update(from: x, count: rows * width)
    }
    func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      dx?.update(from: dy, count: rows * width)
    }
  }
}
