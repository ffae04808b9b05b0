import Foundation
import TensorEngine
import Testing

@testable import NeuralNet

/// Issue 14 item 2: data sets whose samples are not rows (`x [n] + sampleShape`), targets of
/// any shape, the flatten layer, data sets from tensors and CSV files with several targets.
@Suite struct SampleShapeTests {
  /// x [3, 2, 2, 2] holding 0…23, so that sample i holds 8i … 8i+7; y holds i.
  static func cubes() throws -> Dataset {
    try Dataset(
      name: "cubes", x: Tensor(shape: [3, 2, 2, 2], scalars: (0..<24).map(Double.init)),
      y: Tensor(shape: [3, 1], scalars: [0, 1, 2]), classes: 3)
  }

  // MARK: - the data set

  @Test func aDataSetOfImagesHasItsSampleShapeAndDescription() throws {
    let data = try Dataset(
      name: "digits", x: try Tensor.zeros([3, 1, 8, 8]),
      y: Tensor(shape: [3, 1], scalars: [0, 9, 4]),
      classes: 10)
    #expect(data.count == 3)
    #expect(data.sampleShape == [1, 8, 8])
    #expect(data.targetShape == [1])
    #expect(data.features == 64)
    #expect(data.rowWidth == nil)
    #expect(data.inputsDescription == "samples of shape [1, 8, 8]")
    #expect(
      data.description == "dataset digits · 3 samples · x [3, 1, 8, 8] · y [3, 1] · 10 classes")
    let rows = try truthTable("xor") { $0 ^ $1 }
    #expect(rows.sampleShape == [2] && rows.rowWidth == 2 && rows.features == 2)
    #expect(rows.inputsDescription == "2 inputs")
  }

  @Test func subsetsAndSlicesKeepWholeSamplesOfAnyRank() throws {
    let data = try Self.cubes()
    let picked = try data.subset([2, 0])
    #expect(picked.x.shape == [2, 2, 2, 2])
    #expect(picked.x.scalars == (16..<24).map(Double.init) + (0..<8).map(Double.init))
    #expect(picked.y.scalars == [2, 0])
    let tail = try data.slice(1, nil)
    #expect(tail.x.shape == [2, 2, 2, 2])
    #expect(tail.x.scalars == (8..<24).map(Double.init))
    #expect(tail.y.scalars == [1, 2])
  }

  /// Each sample's x (8i … 8i+7) must travel with its label i through the shuffle.
  @Test func splitKeepsEachSampleWithItsTarget() throws {
    var g = RandomGenerator(seed: 5)
    let n = 10
    let data = try Dataset(
      name: "t", x: Tensor(shape: [n, 2, 4], scalars: (0..<(8 * n)).map(Double.init)),
      y: Tensor(shape: [n, 3], scalars: (0..<n).flatMap { [Double($0), -1, 1] }))
    let (train, test) = try data.split(0.7, using: &g)
    #expect(train.x.shape == [7, 2, 4] && test.x.shape == [3, 2, 4])
    #expect(train.y.shape == [7, 3] && test.y.shape == [3, 3])
    var seen: [Int] = []
    for part in [train, test] {
      for k in 0..<part.count {
        let i = Int(part.y.scalars[k * 3])
        seen.append(i)
        #expect(
          Array(part.x.scalars[(k * 8)..<(k * 8 + 8)]) == (8 * i..<8 * i + 8).map(Double.init))
      }
    }
    #expect(seen.sorted() == Array(0..<n))
  }

  @Test func classLabelsMustBeOneColumn() throws {
    #expect(throws: TensorError.self) {
      try Dataset(name: "t", x: try Tensor.zeros([2, 3]), y: try Tensor.zeros([2, 2]), classes: 2)
    }
    #expect(throws: TensorError.self) {
      try Dataset(name: "t", x: try Tensor.zeros([2]), y: try Tensor.zeros([2, 1]))
    }
  }

  // MARK: - targets against outputs

  @Test func targetsTakeTheOutputShapeWhenOnlyUnitAxesDiffer() throws {
    let data = try Dataset(
      name: "t", x: try Tensor.zeros([2, 3]), y: Tensor(shape: [2, 1], scalars: [4, 5]))
    let t = try Training.target(for: data, outputs: [1, 1], loss: .mse)
    #expect(t.shape == [2, 1, 1] && t.scalars == [4, 5])
    let same = try Training.target(for: data, outputs: [1], loss: .mse)
    #expect(same.shape == [2, 1])
  }

  @Test func targetsOfAnotherShapeOrCountAreRefused() throws {
    let square = try Dataset(
      name: "sq", x: try Tensor.zeros([2, 4]), y: try Tensor.zeros([2, 2, 2]))
    do {
      _ = try Training.target(for: square, outputs: [4], loss: .mse)
      Issue.record("targets [2, 2] were taken for outputs [4]")
    } catch let error as TensorError {
      #expect(error.message.contains("reshape y to [2, 4]"))
    }
    do {
      _ = try Training.target(for: square, outputs: [3], loss: .bce)
      Issue.record("4 targets were taken for 3 outputs")
    } catch let error as TensorError {
      #expect(error.message == "the model gives 3 outputs per sample but sq has 4 targets")
    }
  }

  /// A dense layer after convolutions given the wrong input count names the count that fits.
  @Test func aDenseLayerOfTheWrongSizeSaysWhichSizeFits() throws {
    // 8×8 through a 3×3 convolution without padding is 6×6; 4 channels of it are 144 numbers.
    let net = Sequential([
      try Conv(1, 4, kernel: (3, 3)), ActivationLayer(.relu), Flatten(), try Dense(64, 10),
    ])
    do {
      _ = try net.outputShape(for: [1, 8, 8])
      Issue.record("dense 64→10 took 144 inputs")
    } catch let error as TensorError {
      #expect(
        error.message
          == "dense 64→10 expects [64] per sample, not [144]; for samples of 144 make it "
          + "dense(144, 10)")
    }
    do {
      _ = try Dense(3, 2, activation: .relu).outputShape(for: [5])
      Issue.record("dense 3→2 relu took 5 inputs")
    } catch let error as TensorError {
      #expect(error.message.hasSuffix("make it dense(5, 2, relu)"))
    }
  }

  /// Labels 2, 0 as one-hot rows of 3 for a model with outputs [3].
  @Test func classLabelsBecomeOneHotRowsForMSE() throws {
    let data = try Dataset(
      name: "t", x: try Tensor.zeros([2, 3]), y: Tensor(shape: [2, 1], scalars: [2, 0]), classes: 3)
    let t = try Training.target(for: data, outputs: [3], loss: .mse)
    #expect(t.shape == [2, 3] && t.scalars == [0, 0, 1, 1, 0, 0])
  }

  // MARK: - flatten

  @Test func flattenMakesEachSampleOneRowInOrder() throws {
    let flatten = Flatten()
    let x = try Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Double.init))
    let y = try flatten(x)
    #expect(y.shape == [2, 6] && y.scalars == x.scalars)
    #expect(try flatten.outputShape(for: [1, 8, 8]) == [64])
    #expect(try flatten.outputShape(for: [5]) == [5])
    #expect(try flatten.multiplyAdds(for: [1, 8, 8]) == 0)
    #expect(flatten.parameters.isEmpty && flatten.parameterCount == 0)
    #expect(flatten.description == "flatten")
    #expect(throws: TensorError.self) { try flatten(Tensor(3)) }
  }

  @Test func denseOnSamplesThatAreNotRowsSuggestsFlatten() throws {
    var g = RandomGenerator(seed: 1)
    let dense = try Dense(4, 2, using: &g)
    for attempt in [
      { _ = try dense.outputShape(for: [2, 2]) },
      { _ = try dense(try Tensor.zeros([3, 2, 2])) },
    ] {
      do {
        try attempt()
        Issue.record("dense took samples [2, 2]")
      } catch let error as TensorError {
        #expect(error.message.contains("put flatten before it"))
        #expect(error.message.contains("(flatten >> dense(4, …))"))
      }
    }
    let model = Flatten() >> dense
    #expect(try model.outputShape(for: [2, 2]) == [2])
    #expect(try model.multiplyAdds(for: [2, 2]) == 8)
    #expect(model.description == "model · flatten >> dense 4→2 · 10 parameters")
  }

  /// The gradients of a model through flatten, for its weights and for its input, against
  /// central finite differences of the same loss.
  @Test func gradientsThroughFlattenMatchFiniteDifferences() throws {
    var g = RandomGenerator(seed: 9)
    let model =
      try (Flatten() >> Dense(4, 3, activation: .tanh, using: &g)) >> Dense(3, 2, using: &g)
    let x = Tensor.parameter(try Tensor.randn([5, 2, 2], using: &g))
    let t = try Tensor.randn([5, 2], using: &g)
    func loss() throws -> Tensor { try Loss.mse(model(x), t) }
    for p in model.parameters + [x] {
      for q in model.parameters + [x] { q.zeroGrad() }
      try loss().backward()
      let analytic = try #require(p.grad).scalars
      let numeric = try numericGradient(of: { try loss().item() }, at: p)
      #expect(analytic.count == p.count)
      #expect(maxRelativeError(analytic, numeric) < 1e-7)
      #expect(analytic.contains { $0 != 0 })
    }
  }

  /// Two classes of 2×2 samples told apart by x[0][0] + x[1][1] − x[0][1] − x[1][0], kept
  /// at least 0.5 from the boundary: a linear model of the flattened sample separates them.
  static func diagonals(_ n: Int, using g: inout RandomGenerator) throws -> Dataset {
    var x: [Double] = []
    var y: [Double] = []
    while y.count < n {
      let s = (0..<4).map { _ in g.uniform(-1, 1) }
      let score = s[0] + s[3] - s[1] - s[2]
      guard abs(score) >= 0.5 else { continue }
      x += s
      y.append(score > 0 ? 1 : 0)
    }
    return try Dataset(
      name: "diagonals", x: Tensor(shape: [n, 2, 2], scalars: x),
      y: Tensor(shape: [n, 1], scalars: y), classes: 2)
  }

  @Test func fitLearnsSamplesOfRankTwoThroughFlatten() throws {
    var g = RandomGenerator(seed: 4)
    let data = try Self.diagonals(60, using: &g)
    #expect(Set(data.y.scalars) == [0, 1])
    let model = try Flatten() >> Dense(4, 2, activation: .softmax, using: &g)
    let history = try Training.fit(
      model, on: data, loss: .crossEntropy, optimizer: SGD(learningRate: 0.5),
      options: TrainingOptions(epochs: 300, batchSize: 10), using: &g)
    #expect(history.loss.count == 300)
    #expect(history.loss.last! < history.loss.first! / 4)
    #expect(history.accuracy.last! == 1)
    #expect(try model.accuracy(on: data) == 1)
    let test = try Self.diagonals(40, using: &g)
    #expect(try model.accuracy(on: test) >= 0.95)
    let evaluation = try model.evaluate(on: test, loss: .crossEntropy)
    #expect(evaluation.accuracy! >= 0.95 && evaluation.loss.isFinite)
    // Validation data of the same sample shape is scored each epoch.
    let checked = try Training.fit(
      model, on: data, loss: .crossEntropy, optimizer: SGD(learningRate: 0.1),
      options: TrainingOptions(epochs: 2, validation: test), using: &g)
    #expect(checked.validationLoss.count == 2 && checked.validationAccuracy.count == 2)
  }

  @Test func validationDataOfAnotherSampleShapeIsRefused() throws {
    var g = RandomGenerator(seed: 4)
    let data = try Self.diagonals(8, using: &g)
    let rows = try Dataset(
      name: "rows", x: data.x.reshaped([8, 4]), y: data.y, classes: 2)
    do {
      _ = try Training.fit(
        try Flatten() >> Dense(4, 2, activation: .softmax, using: &g), on: data,
        loss: .crossEntropy,
        optimizer: SGD(learningRate: 0.1), options: TrainingOptions(epochs: 1, validation: rows),
        using: &g)
      Issue.record("validation samples [4] were taken for [2, 2]")
    } catch let error as TensorError {
      #expect(
        error.message
          == "validation set rows has samples of shape [4] but the training set has [2, 2]")
    }
  }

  /// w picks x[0][0] for class 0 and x[1][1] for class 1. Outputs (1, 2), (3, 1), (0, −1)
  /// give classes 1, 0, 0 against labels 1, 1, 0: accuracy 2/3. Against one-hot targets
  /// (0, 1), (0, 1), (1, 0) the squared errors are 1+1, 9+0, 1+1: mse = 13/6.
  @Test func accuracyAndEvaluateOnImagesByHand() throws {
    var g = RandomGenerator(seed: 0)
    let dense = try Dense(
      4, 2, weight: Tensor(shape: [2, 4], scalars: [1, 0, 0, 0, 0, 0, 0, 1]), using: &g)
    let model = Flatten() >> dense
    let data = try Dataset(
      name: "three",
      x: Tensor(shape: [3, 2, 2], scalars: [1, 0, 0, 2, 3, 0, 0, 1, 0, 0, 0, -1]),
      y: Tensor(shape: [3, 1], scalars: [1, 1, 0]), classes: 2)
    #expect(try model.predictClasses(data.x) == [1, 0, 0])
    #expect(abs(try model.accuracy(on: data) - 2.0 / 3) < 1e-15)
    let result = try model.evaluate(on: data, loss: .mse)
    #expect(abs(result.loss - 13.0 / 6) < 1e-12)
    #expect(abs(result.accuracy! - 2.0 / 3) < 1e-15)
  }

  /// Outputs of any shape per sample are scored as one row: [2, 1, 3] → rows of 3.
  @Test func classesOfOutputsWithSeveralAxes() throws {
    let output = try Tensor(shape: [2, 1, 3], scalars: [0, 5, 1, 7, 2, 3])
    #expect(try Dense.classes(of: output, activation: nil) == [1, 0])
  }

  // MARK: - data sets from tensors

  /// x = a·u + b·v lies in a plane of R⁴, so 2 hidden units can reconstruct it: the loss
  /// must fall far below where it starts (the mean square of x, about 1.3).
  @Test func anAutoencoderTrainsOnItsInputsAsTargets() throws {
    var g = RandomGenerator(seed: 21)
    let u: [Double] = [0.5, 0.5, 0, -0.5]
    let v: [Double] = [0, 0.5, -0.5, 0.5]
    var values: [Double] = []
    for _ in 0..<64 {
      let (a, b) = (g.normal(), g.normal())
      values += (0..<4).map { a * u[$0] + b * v[$0] }
    }
    let x = try Tensor(shape: [64, 4], scalars: values)
    let data = try Dataset.fromTensors(x: x, y: x)
    #expect(data.classes == nil && data.y.shape == [64, 4])
    let model =
      try Dense(4, 2, activation: .tanh, using: &g) >> Dense(2, 4, using: &g)
    let history = try Training.fit(
      model, on: data, loss: .mse, optimizer: Adam(learningRate: 0.02),
      options: TrainingOptions(epochs: 400, batchSize: 16), using: &g)
    #expect(history.loss.last! < history.loss.first! / 10)
    #expect(history.accuracy.isEmpty)
  }

  @Test func fromTensorsShapesVectorsIntoColumns() throws {
    let data = try Dataset.fromTensors(
      x: Tensor([1, 2, 3]), y: Tensor([0, 2, 1]), classes: 3, name: "v")
    #expect(data.x.shape == [3, 1] && data.y.shape == [3, 1])
    #expect(data.classes == 3 && data.name == "v")
    let images = try Dataset.fromTensors(
      x: try Tensor.zeros([4, 1, 3, 3]), y: Tensor([0, 1, 1, 0]))
    #expect(images.sampleShape == [1, 3, 3] && images.classes == nil)
    #expect(images.name == "data")
  }

  @Test func fromTensorsRefusesBadData() throws {
    let cases: [(x: Tensor, y: Tensor, classes: Int?, message: String)] = [
      (Tensor(2), Tensor([1]), nil, "not a single number"),
      (Tensor([Double]()), Tensor([Double]()), nil, "x has no samples"),
      (try Tensor.zeros([3, 0]), Tensor([1, 2, 3]), nil, "hold no values"),
      (try Tensor.zeros([3, 2]), Tensor([1, 2]), nil, "x has 3 samples but y has 2"),
      (try Tensor.zeros([3, 2]), Tensor(4), nil, "y needs one target per sample"),
      (
        try Tensor.zeros([3, 2]), Tensor([0, 1.5, 1]), 2, "label 1.5 of sample 1 is not a class 0…1"
      ),
      (try Tensor.zeros([3, 2]), Tensor([0, 2, 1]), 2, "label 2 of sample 1 is not a class 0…1"),
      (try Tensor.zeros([3, 2]), Tensor([0, -1, 1]), 2, "label -1 of sample 1"),
      (try Tensor.zeros([3, 2]), Tensor([0, .nan, 1]), 2, "label nan of sample 1"),
      (try Tensor.zeros([3, 2]), try Tensor.zeros([3, 2]), 2, "one class label per sample"),
      (try Tensor.zeros([3, 2]), Tensor([0, 0, 0]), 0, "at least 1 class"),
    ]
    for c in cases {
      do {
        _ = try Dataset.fromTensors(x: c.x, y: c.y, classes: c.classes)
        Issue.record("no error for x \(c.x.shape), y \(c.y.shape)")
      } catch let error as TensorError {
        #expect(error.message.contains(c.message), "\(error.message)")
      }
    }
  }

  // MARK: - CSV files with several targets

  @Test func aCSVFileLoadsSeveralTargetColumns() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("gradbook-targets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("house.csv").path
    try "rooms,price,area,tax\n3,250,80,2\n4,310,95,3\n2,180,60,1\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    let data = try Dataset.load(csv: path, targets: ["tax", "price"])
    #expect(data.x.shape == [3, 2] && data.x.scalars == [3, 80, 4, 95, 2, 60])
    #expect(data.y.shape == [3, 2] && data.y.scalars == [2, 250, 3, 310, 1, 180])
    #expect(data.classes == nil)
    // One target in a list is read as one target always was: small whole numbers are labels.
    let one = try Dataset.load(csv: path, targets: ["tax"])
    #expect(one.y.shape == [3, 1] && one.classes == 4 && one.x.shape == [3, 3])
    do {
      _ = try Dataset.load(csv: path, targets: ["tax", "prize"])
      Issue.record("an unknown column was accepted")
    } catch let error as DatasetError {
      #expect(error.message.contains("no column named \"prize\""))
      #expect(error.message.contains("did you mean \"price\"?"))
      #expect(error.message.contains("columns are rooms, price, area, tax"))
    }
    #expect(throws: TensorError.self) { try Dataset.load(csv: path, targets: []) }
    #expect(throws: TensorError.self) { try Dataset.load(csv: path, targets: ["tax", "tax"]) }
    do {
      _ = try Dataset.load(csv: path, targets: ["rooms", "price", "area", "tax"])
      Issue.record("a file of targets only was accepted")
    } catch let error as DatasetError {
      #expect(error.message == "every column is a target; x needs at least one other column")
    }
  }
}
