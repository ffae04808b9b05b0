import Testing

@testable import NeuralNet
@testable import TensorEngine

/// The confusion matrix and top-k accuracy against examples worked by hand.
@Suite struct ClassificationMetricTests {
  /// A model whose outputs are its inputs (dense with w = I, b = 0): each sample's scores
  /// are chosen directly.
  func identity(_ k: Int) throws -> Dense {
    var generator = RandomGenerator(seed: 1)
    return try Dense(k, k, weight: Tensor.eye(k), bias: Tensor.zeros([k]), using: &generator)
  }

  @Test func confusionCountsTrueRowsAgainstPredictedColumns() throws {
    // Labels 0 0 1 1 2 2, predicted (argmax of each row) 0 1 1 1 2 0:
    //   true 0: one 0, one 1      → [1, 1, 0]
    //   true 1: two 1             → [0, 2, 0]
    //   true 2: one 2, one 0      → [1, 0, 1]
    let scores: [[Double]] = [
      [0.9, 0.1, 0], [0.2, 0.7, 0.1], [0, 1, 0], [0.3, 0.6, 0.1], [0, 0, 1], [0.5, 0.2, 0.3],
    ]
    let data = try Dataset(
      name: "hand", x: Tensor(scores), y: Tensor(shape: [6, 1], scalars: [0, 0, 1, 1, 2, 2]),
      classes: 3)
    let m = try identity(3).confusion(on: data)
    #expect(m.counts == [1, 1, 0, 0, 2, 0, 1, 0, 1])
    #expect(m.total == 6)
    #expect(m.correct == 4)
    #expect(m.accuracy == 4.0 / 6)
    #expect(m.tensor.shape == [3, 3])
    #expect(m.count(actual: 2, predicted: 0) == 1)
    // Columns 2 wide (the widest number, 2, and a space), the side 4 wide.
    #expect(
      m.description
        == [
          "confusion · 3 classes · 6 samples · 4 correct · rows true, columns predicted",
          "     0 1 2",
          "0    1 1 0",
          "1    0 2 0",
          "2    1 0 1",
        ].joined(separator: "\n"))
  }

  @Test func topKCountsALabelAmongTheKHighestOutputs() throws {
    // Worked by hand, and by numpy (a stable sort from high to low, so of equal scores the
    // lower class ranks first):
    //   top = np.argsort(-s, axis=1, kind="stable")[:, :k]; (top == y[:, None]).any(1).mean()
    // gives 0.25, 0.5, 0.75, 1.0 for k = 1…4.
    //   row 0, label 2: one score above it        → in the top 2
    //   row 1, label 3: three above               → in the top 4 only
    //   row 2, label 1: 0.5 above, and the equal 0.2 of class 0 ranks first → top 3
    //   row 3, label 0: the highest               → top 1
    let scores: [[Double]] = [
      [0.1, 0.5, 0.3, 0.1], [0.4, 0.3, 0.2, 0.1], [0.2, 0.2, 0.5, 0.1], [0.7, 0.1, 0.1, 0.1],
    ]
    let data = try Dataset(
      name: "hand", x: Tensor(scores), y: Tensor(shape: [4, 1], scalars: [2, 3, 1, 0]),
      classes: 4)
    let net = try identity(4)
    #expect(try net.accuracy(on: data, top: 1) == 0.25)
    #expect(try net.accuracy(on: data) == 0.25)
    #expect(try net.accuracy(on: data, top: 2) == 0.5)
    #expect(try net.accuracy(on: data, top: 3) == 0.75)
    #expect(try net.accuracy(on: data, top: 4) == 1)
    #expect(throws: TensorError.self) { try net.accuracy(on: data, top: 5) }
    #expect(throws: TensorError.self) { try net.accuracy(on: data, top: 0) }
  }

  @Test func topKOfAOneOutputModelIsAnError() throws {
    var generator = RandomGenerator(seed: 1)
    let net = try Dense(2, 1, activation: .sigmoid, using: &generator)
    let data = try Dataset(
      name: "xor", x: Tensor([[0, 0], [1, 1]]), y: Tensor(shape: [2, 1], scalars: [0, 1]),
      classes: 2)
    #expect(throws: TensorError.self) { try net.accuracy(on: data, top: 2) }
  }
}
