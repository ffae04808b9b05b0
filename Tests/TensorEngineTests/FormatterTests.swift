import Foundation
import TensorEngine
import Testing

@Suite struct FormatterTests {
  let formatter = TensorFormatter()

  @Test func integersPrintWithoutDecimals() {
    #expect(formatter.format(3) == "3")
    #expect(formatter.format(-12) == "-12")
    #expect(formatter.format(0) == "0")
    #expect(formatter.format(-0.0) == "0")
    #expect(formatter.format(1e14) == "100000000000000")
    #expect(formatter.format(Tensor([1, 2, -3, 0])) == "[1, 2, -3, 0]")
  }

  @Test func fractionsAreRoundedToSignificantDigits() {
    #expect(formatter.format(0.5) == "0.5")
    #expect(formatter.format(Double.pi) == "3.142")
    #expect(formatter.format(1.0 / 3) == "0.3333")
    #expect(formatter.format(-2.71828) == "-2.718")
    #expect(formatter.format(123.456) == "123.5")
    #expect(TensorFormatter(digits: 2).format(Double.pi) == "3.1")
    // 17 digits shows every float64 exactly, so it reads back to the same value.
    let full = TensorFormatter(digits: 17).format(0.1 + 0.2)
    #expect(Double(full) == 0.1 + 0.2)
    // Out-of-range digit counts are clamped.
    #expect(TensorFormatter(digits: 0).digits == 1)
    #expect(TensorFormatter(digits: 40).digits == 17)
  }

  @Test func roundingThatCarriesPrintsAWholeNumber() {
    // 9.9996 to 4 significant digits is 10.00, and −0.99999 is −1.000.
    #expect(TensorFormatter(digits: 4).format(9.9996) == "10")
    #expect(TensorFormatter(digits: 4).format(-0.99999) == "-1")
    #expect(TensorFormatter(digits: 2).format(9.96) == "10")
  }

  @Test func specialValues() {
    #expect(formatter.format(.nan) == "nan")
    #expect(formatter.format(.infinity) == "inf")
    #expect(formatter.format(-.infinity) == "-inf")
    #expect(formatter.format(Tensor([1, .nan])) == "[1, nan]")
  }

  @Test func nestedBrackets() throws {
    #expect(formatter.format(Tensor(7)) == "7")
    #expect(formatter.format(Tensor([Double]())) == "[]")
    #expect(formatter.format(try Tensor([[1, 2], [3, 4]])) == "[[1, 2], [3, 4]]")
    let cube = try Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
    #expect(formatter.format(cube) == "[[[1, 2]], [[3, 4]]]")
    #expect(formatter.format(try Tensor.zeros([2, 0])) == "[[], []]")
    #expect(formatter.format(try Tensor([[0.5, 1.25]])) == "[[0.5, 1.25]]")
  }

  @Test func largeTensorsAreElided() throws {
    let long = try Tensor(shape: [2000], scalars: (0..<2000).map(Double.init))
    let text = formatter.format(long)
    #expect(text.contains("…"))
    #expect(text == "[0, 1, 2, …, 1997, 1998, 1999]")
    // Every axis longer than twice the edge is elided (shown on one line, wide enough).
    let matrix = try Tensor(shape: [40, 50], scalars: (0..<2000).map(Double.init))
    let lines = TensorFormatter(width: .max).format(matrix)
    #expect(lines.hasPrefix("[[0, 1, 2, …, 47, 48, 49], [50, 51, 52, …, 97, 98, 99], [100,"))
    #expect(lines.contains("], …, [1850, 1851, 1852, …, 1897, 1898, 1899], ["))
    #expect(lines.hasSuffix("[1950, 1951, 1952, …, 1997, 1998, 1999]]"))
    // At the threshold nothing is elided.
    let small = try Tensor(shape: [1000], scalars: (0..<1000).map(Double.init))
    #expect(!formatter.format(small).contains("…"))
    #expect(
      TensorFormatter(threshold: 5, edgeItems: 1).format(Tensor([1, 2, 3, 4, 5, 6])) == "[1, …, 6]")
  }

  @Test func descriptionUsesTheFormatter() throws {
    let t = try Tensor([[1.5, 2], [3, 4]])
    #expect(t.description == "tensor [2, 2]\n" + formatter.format(t))
    #expect(Tensor(2).description == "tensor []\n2")
  }
}
