import TensorEngine
import Testing

@Suite struct MaskAndListIndexingTests {
  static var x: Tensor { try! Tensor([[1, 2], [3, 4], [5, 6]]) }

  @Test func aComparisonIsAMaskAndItsRowsAreSelected() throws {
    let y = try Tensor([[0], [1], [0]])
    let mask = try Tensor.binary(.equal, y, Tensor(0))
    #expect(mask.isMask)
    // numpy: x[(y == 0)[:, 0]] → [[1, 2], [5, 6]]; the [n, 1] mask selects rows too.
    expectTensor(try Self.x.selecting(mask: mask, []), shape: [2, 2], [1, 2, 5, 6])
    // A mask of the full shape selects elements: x[x > 2] → [3, 4, 5, 6].
    let big = try Tensor.binary(.greater, Self.x, Tensor(2))
    expectTensor(try Self.x.selecting(mask: big, []), shape: [4], [3, 4, 5, 6])
    // Then more indices: x[mask, 1] → [2, 6].
    expectTensor(try Self.x.selecting(mask: mask, [.at(1)]), shape: [2], [2, 6])
  }

  @Test func masksStayMasksThroughSlicingAndLogic() throws {
    let a = try Tensor.binary(.greater, Self.x, Tensor(1))
    let b = try Tensor.binary(.less, Self.x, Tensor(6))
    #expect(try a[[.all, .at(0)]].isMask)
    #expect(try a.reshaped([6]).isMask)
    #expect(try Tensor.binary(.multiply, a, b).isMask)
    #expect(try Tensor.binary(.maximum, a, b).isMask)
    #expect(try !(a + b).isMask)
    #expect(try !Tensor.binary(.multiply, a, Tensor(1)).isMask)
  }

  @Test func listsSelectPositionsInTheirOrder() throws {
    expectTensor(try Self.x[[.positions([2, 0, 2])]], shape: [3, 2], [5, 6, 1, 2, 5, 6])
    expectTensor(try Self.x[[.positions([-1]), .at(0)]], shape: [1], [5])
    expectTensor(try Self.x[[.all, .positions([1, 0])]], shape: [3, 2], [2, 1, 4, 3, 6, 5])
    expectTensor(try Self.x[[.positions([])]], shape: [0, 2], [])
  }

  @Test func wrongMasksAndPositionsAreErrorsNamingTheShapes() {
    let error = expectTensorError(.shape) {
      try Self.x.selecting(mask: Tensor([1, 0]), [])
    }
    #expect(
      error?.message
        == "a mask of shape [2] does not fit a tensor of shape [3, 2]: a mask has the shape "
        + "of the leading axes ([3] or [3, 2])")
    let wide = expectTensorError(.index) { try Self.x[[.positions([0, 3])]] }
    #expect(wide?.message == "index 3 is out of range for axis 0 of size 3 (valid: -3…2)")
    expectTensorError(.index) { try Self.x.selecting(mask: Tensor(1), []) }
  }

  @Test func selectionsAreDifferentiableAndRepeatsAddUp() throws {
    let p = try randomParameter([3, 2], seed: 61)
    let mask = try Tensor.binary(.greater, Tensor([1, 0, 1]), Tensor(0))
    try checkGradients([p]) { q in try weightedSum(q[0].selecting(mask: mask, [])) }
    let g = try checkGradients([p]) { q in try q[0][[.positions([2, 0, 2])]].sum() }
    #expect(g[0] == [1, 1, 0, 0, 2, 2])
  }
}

@Suite struct WritingIntoSelectionsTests {
  @Test func replacingGivesAChangedCopy() throws {
    let m = try Tensor.zeros([3, 3])
    let corners = try m.replacing(
      mask: nil, [.range(start: nil, end: nil, step: 2), .range(start: nil, end: nil, step: 2)],
      with: Tensor(1))
    expectTensor(corners, shape: [3, 3], [1, 0, 1, 0, 0, 0, 1, 0, 1])
    #expect(m.scalars == [Double](repeating: 0, count: 9))
    let row = try corners.replacing(mask: nil, [.at(1)], with: Tensor([7, 8, 9]))
    expectTensor(row, shape: [3, 3], [1, 0, 1, 7, 8, 9, 1, 0, 1])
    let column = try row.replacing(mask: nil, [.all, .at(0)], with: Tensor(5))
    expectTensor(column, shape: [3, 3], [5, 0, 1, 5, 8, 9, 5, 0, 1])
    let x = Tensor([1, -2, 3, -4])
    let negative = try Tensor.binary(.less, x, Tensor(0))
    expectTensor(try x.replacing(mask: negative, [], with: Tensor(0)), shape: [4], [1, 0, 3, 0])
  }

  @Test func aValueOfTheWrongShapeIsAnErrorNamingBoth() {
    let error = expectTensorError(.shape) {
      try Tensor.zeros([2, 2]).replacing(mask: nil, [.at(0)], with: Tensor([1, 2, 3]))
    }
    #expect(
      error?.message
        == "cannot assign a value of shape [3] to a selection of shape [2]: the value must "
        + "have that shape or broadcast to it")
  }

  @Test func assignWritesIntoTheTensorItself() throws {
    let w = Tensor.parameter(try Tensor([[1, 2], [3, 4]]))
    try w.assign(mask: nil, [.at(0), .at(1)], Tensor(0.5))
    #expect(w.scalars == [1, 0.5, 3, 4])
    try w.assign(mask: nil, [.positions([1, 1])], Tensor([[5, 6], [7, 8]]))
    #expect(w.scalars == [1, 0.5, 7, 8], "the later of two writes to one place wins, as numpy")
  }

  @Test func replacingIsDifferentiableInBothTheTensorAndTheValue() throws {
    let x = try randomParameter([3, 4], seed: 62)
    let v = try randomParameter([4], seed: 63)
    let s = try randomParameter([], seed: 64)
    try checkGradients([x, v]) { p in
      try weightedSum(p[0].replacing(mask: nil, [.at(1)], with: p[1]))
    }
    try checkGradients([x, s]) { p in
      try weightedSum(
        p[0].replacing(mask: nil, [.range(start: nil, end: nil, step: 2), .all], with: p[1]))
    }
    let mask = try Tensor.binary(.greater, Tensor([1, 0, 1]), Tensor(0))
    try checkGradients([x, v]) { p in
      try weightedSum(p[0].replacing(mask: mask, [], with: p[1]))
    }
    // Written twice: only the later write reaches the output.
    let twice = try checkGradients([x, v]) { p in
      try weightedSum(p[0].replacing(mask: nil, [.positions([0, 0])], with: p[1]))
    }
    #expect(twice[0].prefix(4).allSatisfy { $0 == 0 })
  }
}

@Suite struct ChangedInPlaceTests {
  /// Without the check, backward would read w's new values in d(w·w)/dw = 2w and give
  /// [10, 4] for values first computed at [1, 2]: silently wrong.
  @Test func aGradientThroughValuesChangedSinceIsRefused() throws {
    let w = Tensor.parameter(Tensor([1, 2]))
    let e = try (w * w).sum()
    try w.assign(mask: nil, [.at(0)], Tensor(5))
    let error = expectTensorError(.gradient) { try e.backward() }
    #expect(error?.message.contains("changed in place") == true)
    expectTensorError(.gradient) { try Tensor.gradients(of: e, withRespectTo: [w]) }
    // An optimizer's update changes values in place the same way.
    let f = try (w * w).sum()
    w.updateScalars { $0[1] = 3 }
    expectTensorError(.gradient) { try f.backward() }
    // Computed again after the change, the gradient is that of the new values.
    try (w * w).sum().backward()
    #expect(w.grad?.scalars == [10, 6])
  }
}
