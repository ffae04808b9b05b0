import Foundation
import TensorEngine
import Testing

/// A tensor wider than the line is laid out over several lines as numpy does; the expected
/// strings are worked out by hand from the rules in `TensorFormatter.format(_:)`.
@Suite struct FormatterLayoutTests {
  /// The length of the longest line of `text`.
  func widest(_ text: String) -> Int {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
  }

  @Test func aTensorThatFitsKeepsItsOneLineForm() throws {
    let m = try Tensor([[1, 2], [3, 4]])
    #expect(TensorFormatter().format(m) == "[[1, 2], [3, 4]]")
    // `[[1, 2], [3, 4]]` is 16 characters: it fits 16 exactly, not 15.
    #expect(TensorFormatter(width: 16).format(m) == "[[1, 2], [3, 4]]")
    #expect(TensorFormatter(width: 15).format(m) == "[[1, 2],\n [3, 4]]")
  }

  @Test func matrixRowsAreAlignedOnePerLine() throws {
    let m = try Tensor([[1, -2, 3, 4], [5, 6, -7, 8], [9, 10, 11, 12]])
    let text = TensorFormatter(width: 20).format(m)
    #expect(
      text == """
        [[ 1, -2,  3,  4],
         [ 5,  6, -7,  8],
         [ 9, 10, 11, 12]]
        """)
    #expect(widest(text) <= 20)
  }

  @Test func rowsLongerThanTheWidthWrapUnderTheirFirstNumber() throws {
    // Every number is padded to 4, the width of 5.25; three fit before the `,` and `]]`.
    let m = try Tensor([[0.5, -1, 2, 3], [4, 5.25, -6, 7], [8, 9, 10, -11]])
    let text = TensorFormatter(width: 20).format(m)
    #expect(
      text == """
        [[ 0.5,   -1,    2,
             3],
         [   4, 5.25,   -6,
             7],
         [   8,    9,   10,
           -11]]
        """)
    #expect(widest(text) <= 20)
  }

  @Test func aLongVectorWrapsAtTheWidth() throws {
    let values = (0..<30).map { Double($0) * 0.5 - 3 }
    let text = TensorFormatter(width: 40).format(Tensor(values))
    #expect(
      text == """
        [  -3, -2.5,   -2, -1.5,   -1, -0.5,
            0,  0.5,    1,  1.5,    2,  2.5,
            3,  3.5,    4,  4.5,    5,  5.5,
            6,  6.5,    7,  7.5,    8,  8.5,
            9,  9.5,   10, 10.5,   11, 11.5]
        """)
    #expect(widest(text) <= 40)
    let parsed = text.split(whereSeparator: { "[], \n".contains($0) }).map { Double($0) }
    #expect(parsed == values)
  }

  @Test func rankThreeBlocksAreSeparatedByABlankLine() throws {
    let cube = try Tensor(shape: [2, 2, 3], scalars: (1...12).map(Double.init))
    #expect(
      TensorFormatter(width: 20).format(cube) == """
        [[[ 1,  2,  3],
          [ 4,  5,  6]],

         [[ 7,  8,  9],
          [10, 11, 12]]]
        """)
  }

  @Test func anElidedMatrixShowsItsEdgesAligned() throws {
    let m = try Tensor(shape: [100, 100], scalars: (0..<10_000).map(Double.init))
    let text = TensorFormatter(width: 80).format(m)
    #expect(
      text == """
        [[   0,    1,    2, …,   97,   98,   99],
         [ 100,  101,  102, …,  197,  198,  199],
         [ 200,  201,  202, …,  297,  298,  299],
         …,
         [9700, 9701, 9702, …, 9797, 9798, 9799],
         [9800, 9801, 9802, …, 9897, 9898, 9899],
         [9900, 9901, 9902, …, 9997, 9998, 9999]]
        """)
    #expect(widest(text) <= 80)
  }

  @Test func elisionMarksWrapLikeNumbers() throws {
    let tight = TensorFormatter(threshold: 5, edgeItems: 2, width: 12)
    #expect(tight.format(Tensor((1...10).map(Double.init))) == "[ 1,  2, …,\n  9, 10]")
    let cube = try Tensor(shape: [3, 3, 3], scalars: (0..<27).map(Double.init))
    #expect(
      TensorFormatter(threshold: 5, edgeItems: 1, width: 20).format(cube) == """
        [[[ 0, …,  2],
          …,
          [ 6, …,  8]],

         …,

         [[18, …, 20],
          …,
          [24, …, 26]]]
        """)
  }

  @Test func noWidthIsTooSmall() throws {
    // One number per line: a line always holds one, however narrow.
    for width in [0, -5, Int.min, 1] {
      let f = TensorFormatter(width: width)
      #expect(f.format(Tensor([1, 2, 3])) == "[1,\n 2,\n 3]")
      #expect(f.format(try Tensor([[1, 2], [3, 4]])) == "[[1,\n  2],\n [3,\n  4]]")
      #expect(f.format(Tensor(7)) == "7")
      #expect(f.format(Tensor(.nan)) == "nan")
    }
    #expect(
      TensorFormatter(threshold: 2, edgeItems: 1, width: 0).format(Tensor([1, 2, 3]))
        == "[1,\n …,\n 3]")
    // A number wider than the line is not cut.
    #expect(TensorFormatter(width: 5).format(Tensor([123_456, 1])) == "[123456,\n      1]")
    #expect(TensorFormatter(width: .max).format(Tensor([1, 2])) == "[1, 2]")
  }

  @Test func emptyTensorsAtAnyWidth() throws {
    for width in [80, 1, 0] {
      let f = TensorFormatter(width: width)
      #expect(f.format(Tensor([Double]())) == "[]")
      #expect(f.format(try Tensor.zeros([0, 3])) == "[]")
    }
    #expect(TensorFormatter().format(try Tensor.zeros([2, 0])) == "[[], []]")
    #expect(TensorFormatter(width: 0).format(try Tensor.zeros([2, 0])) == "[[],\n []]")
    #expect(
      TensorFormatter(width: 0).format(try Tensor.zeros([3, 0, 2])) == "[[],\n\n [],\n\n []]")
  }

  @Test(arguments: [[13], [3, 5], [2, 3, 4], [1, 1, 9], [2, 1, 2, 3]])
  func everyWidthKeepsEveryNumberAndFitsWhenItCan(shape: [Int]) throws {
    let tensor = try randomTensor(shape, seed: 7, in: -20...20)
    let oneLine = TensorFormatter(width: .max).format(tensor)
    func numbers(_ text: String) -> [Substring] {
      text.split(whereSeparator: { "[], \n".contains($0) })
    }
    let column = numbers(oneLine).map(\.count).max() ?? 0
    for width in 0...90 {
      let text = TensorFormatter(width: width).format(tensor)
      #expect(numbers(text) == numbers(oneLine), "width \(width)")
      // Room for the indent, one number and the closing brackets is all a line needs.
      if width >= 2 * shape.count + column {
        #expect(widest(text) <= width, "width \(width):\n\(text)")
      }
    }
  }

  @Test func specialValuesAreAlignedLikeNumbers() {
    let text = TensorFormatter(width: 10).format(Tensor([.nan, .infinity, -.infinity, 1]))
    #expect(text == "[ nan,\n  inf,\n -inf,\n    1]")
  }
}
