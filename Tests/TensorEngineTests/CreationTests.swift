import Foundation
import TensorEngine
import Testing

@Suite struct CreationTests {
  @Test(arguments: [[], [0], [3], [2, 3], [2, 1, 4], [3, 0, 2]] as [[Int]])
  func zerosOnesAndFull(shape: [Int]) throws {
    let n = shape.reduce(1, *)
    expectTensor(try Tensor.zeros(shape), shape: shape, [Double](repeating: 0, count: n))
    expectTensor(try Tensor.ones(shape), shape: shape, [Double](repeating: 1, count: n))
    expectTensor(try Tensor.full(shape, -2.5), shape: shape, [Double](repeating: -2.5, count: n))
    #expect(try Tensor.zeros(shape).rank == shape.count)
    #expect(try Tensor.zeros(shape).count == n)
  }

  @Test(arguments: [0, 1, 2, 4])
  func eye(n: Int) throws {
    let t = try Tensor.eye(n)
    #expect(t.shape == [n, n])
    for i in 0..<n {
      for j in 0..<n { #expect(t.scalars[i * n + j] == (i == j ? 1 : 0)) }
    }
  }

  @Test func linspace() throws {
    expectTensor(try Tensor.linspace(0, 1, count: 5), shape: [5], [0, 0.25, 0.5, 0.75, 1])
    expectTensor(try Tensor.linspace(2, -2, count: 3), shape: [3], [2, 0, -2])
    expectTensor(try Tensor.linspace(3, 7, count: 1), shape: [1], [3])
    expectTensor(try Tensor.linspace(3, 7, count: 0), shape: [0], [])
    // The end is exact even where adding the step would round.
    let t = try Tensor.linspace(0, 0.3, count: 4)
    #expect(t.scalars.last == 0.3)
    expectClose(t.scalars, [0, 0.1, 0.2, 0.3], tolerance: 1e-15)
  }

  @Test func arange() throws {
    expectTensor(try Tensor.arange(0, 5), shape: [5], [0, 1, 2, 3, 4])
    expectTensor(try Tensor.arange(1, 2, step: 0.25), shape: [4], [1, 1.25, 1.5, 1.75])
    expectTensor(try Tensor.arange(5, 0, step: -2), shape: [3], [5, 3, 1])
    expectTensor(try Tensor.arange(0, 5.5, step: 2), shape: [3], [0, 2, 4])
    expectTensor(try Tensor.arange(3, 3), shape: [0], [])
    expectTensor(try Tensor.arange(3, 1), shape: [0], [])
  }

  @Test func fromValues() throws {
    expectTensor(try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), shape: [2, 2], [1, 2, 3, 4])
    expectTensor(try Tensor(shape: [], scalars: [7]), shape: [], [7])
    expectTensor(Tensor(7), shape: [], [7])
    expectTensor(Tensor([1, 2]), shape: [2], [1, 2])
    expectTensor(try Tensor([[1, 2, 3], [4, 5, 6]]), shape: [2, 3], [1, 2, 3, 4, 5, 6])
    #expect(try Tensor(7).item() == 7)
    #expect(try Tensor([[7]]).item() == 7)
    #expect(Tensor([1, 2]).rank == 1)
  }

  @Test func randomTensorsFromAGivenGenerator() throws {
    var g = RandomGenerator(seed: 3)
    var h = RandomGenerator(seed: 3)
    let u = try Tensor.rand([4, 5], using: &g)
    #expect(u.shape == [4, 5])
    #expect(u.scalars == (0..<20).map { _ in h.uniform() })
    #expect(u.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
    let z = try Tensor.randn([3, 2], using: &g)
    #expect(z.shape == [3, 2])
    #expect(z.scalars == (0..<6).map { _ in h.normal() })
  }

  /// Without a generator the shared one is used; other tests may draw from it at the same
  /// time, so only the shape and range are checked here.
  @Test func randomTensorsFromTheSharedGenerator() throws {
    let u = try Tensor.rand([50])
    #expect(u.shape == [50])
    #expect(u.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect(Set(u.scalars).count == 50)
    let z = try Tensor.randn([2, 25])
    #expect(z.shape == [2, 25])
    #expect(z.scalars.allSatisfy { $0.isFinite })
  }

  @Test func parametersCopyAndDetachedDrops() throws {
    let x = Tensor([1, 2, 3])
    let p = Tensor.parameter(x)
    #expect(p.isParameter && p.requiresGrad && p.grad == nil)
    #expect(!x.isParameter && !x.requiresGrad)
    // A parameter owns its values: changing it leaves the source alone.
    p.updateScalars { $0[0] = 10 }
    #expect(x.scalars == [1, 2, 3])
    #expect(p.scalars == [10, 2, 3])
    let d = p.detached
    #expect(!d.requiresGrad && !d.isParameter && d.scalars == p.scalars)
    #expect(x.detached === x)
  }

  @Test func assignKeepsIdentity() throws {
    let p = Tensor.parameter(Tensor([1, 2]))
    try p.assign(Tensor([3, 4]))
    #expect(p.scalars == [3, 4] && p.isParameter)
    expectTensorError(.shape) { try p.assign(Tensor([1, 2, 3])) }
  }

  @Test func descriptionNamesTheShape() throws {
    let text = try Tensor([[1, 2], [3, 4]]).description
    #expect(text == "tensor [2, 2]\n[[1, 2], [3, 4]]")
  }
}
