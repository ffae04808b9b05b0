import NeuralNet
import TensorEngine
import Testing

struct DatasetSplitTests {
  /// n samples whose row i is x = [i, 100 + i], y = i mod 3, so every row can be traced.
  private static func numbered(_ n: Int) throws -> Dataset {
    try Dataset(
      name: "numbered",
      x: Tensor(shape: [n, 2], scalars: (0..<n).flatMap { [Double($0), Double(100 + $0)] }),
      y: Tensor(shape: [n, 1], scalars: (0..<n).map { Double($0 % 3) }), classes: 3)
  }

  /// The original row index of each sample of `data`, checking that x and y stayed together.
  private static func rowIndices(_ data: Dataset) -> [Int] {
    (0..<data.count).map { i in
      let index = Int(data.x.scalars[2 * i])
      #expect(data.x.scalars[2 * i + 1] == Double(100 + index))
      #expect(data.y.scalars[i] == Double(index % 3))
      return index
    }
  }

  @Test(arguments: [
    (10, 0.8, 8), (10, 0.75, 8), (10, 0.25, 3), (3, 0.5, 2), (100, 0.9, 90), (7, 0.01 + 1 / 7, 1),
  ])
  func sizesRoundHalvesAwayFromZero(_ n: Int, _ fraction: Double, _ trainCount: Int) throws {
    var g = RandomGenerator(seed: 1)
    let (train, test) = try Self.numbered(n).split(fraction, using: &g)
    #expect(train.count == trainCount)
    #expect(test.count == n - trainCount)
  }

  @Test func trainAndTestTogetherAreAPermutationOfTheRows() throws {
    var g = RandomGenerator(seed: 5)
    let (train, test) = try Self.numbered(50).split(0.7, using: &g)
    let order = Self.rowIndices(train) + Self.rowIndices(test)
    #expect(order.sorted() == Array(0..<50))
    #expect(order != Array(0..<50))  // shuffled: the identity has probability 1/50!
    #expect(train.classes == 3 && test.classes == 3)
    #expect(train.x.shape == [35, 2] && test.y.shape == [15, 1])
    #expect(train.name == "numbered (train)")
    #expect(test.name == "numbered (test)")
  }

  @Test func theSameSeedGivesTheSameSplit() throws {
    let data = try Self.numbered(40)
    var a = RandomGenerator(seed: 9)
    var b = RandomGenerator(seed: 9)
    var c = RandomGenerator(seed: 10)
    let first = try data.split(0.5, using: &a)
    let second = try data.split(0.5, using: &b)
    let other = try data.split(0.5, using: &c)
    #expect(first.train.x.scalars == second.train.x.scalars)
    #expect(first.test.x.scalars == second.test.x.scalars)
    #expect(first.train.x.scalars != other.train.x.scalars)
  }

  @Test func theOverloadWithoutAGeneratorSplitsToo() throws {
    let (train, test) = try Self.numbered(20).split(0.8)
    #expect(train.count == 16 && test.count == 4)
    #expect((Self.rowIndices(train) + Self.rowIndices(test)).sorted() == Array(0..<20))
  }

  @Test(arguments: [0, 1, -0.5, 1.5, Double.nan, Double.infinity])
  func fractionsOutsideZeroToOneAreRefused(_ fraction: Double) throws {
    var g = RandomGenerator(seed: 1)
    let data = try Self.numbered(10)
    #expect(
      throws: TensorError(
        .argument,
        "split needs the training fraction between 0 and 1 (e.g. 0.8), not \(fraction)")
    ) { try data.split(fraction, using: &g) }
  }

  @Test func aSplitThatLeavesAPartEmptyIsRefused() throws {
    var g = RandomGenerator(seed: 1)
    #expect(
      throws: TensorError(
        .argument,
        "split(0.01) of 10 samples gives 0 for training and 10 for testing; each part needs at "
          + "least 1")
    ) { try Self.numbered(10).split(0.01, using: &g) }
    #expect(
      throws: TensorError(
        .argument,
        "split(0.5) of 1 sample gives 1 for training and 0 for testing; each part needs at "
          + "least 1")
    ) { try Self.numbered(1).split(0.5, using: &g) }
  }

  @Test func perClassTakesThatManyOfEachClassShuffledAndLeavesTheRest() throws {
    var g = RandomGenerator(seed: 3)
    // 20 rows: classes 0, 1, 2 have 7, 7 and 6 of them.
    let (few, rest) = try Self.numbered(20).split(perClass: 4, using: &g)
    let picked = Self.rowIndices(few)
    #expect(few.count == 12 && rest.count == 8)
    for k in 0..<3 { #expect(picked.filter { $0 % 3 == k }.count == 4) }
    #expect((picked + Self.rowIndices(rest)).sorted() == Array(0..<20))
    // Shuffled: classes mix rather than coming one after another.
    #expect(picked.map { $0 % 3 } != picked.map { $0 % 3 }.sorted())
    #expect(few.name == "numbered (train)" && few.classes == 3)
  }

  @Test func perClassNamesTheClassThatIsShort() throws {
    var g = RandomGenerator(seed: 3)
    let error = #expect(throws: TensorError.self) {
      try Self.numbered(20).split(perClass: 7, using: &g)
    }
    #expect(
      error?.message
        == "split(per_class: 7) needs 7 samples of each class, but numbered has only 6 of class 2")
    let regression = try Dataset(
      name: "line", x: Tensor(shape: [2, 1], scalars: [0, 1]),
      y: Tensor(shape: [2, 1], scalars: [0.5, 1.5]))
    #expect(throws: TensorError.self) { try regression.split(perClass: 1, using: &g) }
  }
}
