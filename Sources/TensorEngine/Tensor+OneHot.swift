/// Class labels as one-hot rows, as PyTorch's `one_hot`.
extension Tensor {
  /// A row of `classes` values for each label, 1 at the label's position and 0 elsewhere.
  ///
  /// Labels of shape `s` give shape `s + [classes]`, except that a last axis of size 1 (the
  /// `[n, 1]` labels of a data set) is replaced rather than kept, giving `[n, classes]`.
  /// Without `classes`, it is the largest label + 1. Labels must be whole numbers in
  /// 0 ..< classes. The result is a constant: labels have no gradient.
  public static func oneHot(_ labels: Tensor, classes: Int? = nil) throws -> Tensor {
    var positions: [Int] = []
    positions.reserveCapacity(labels.count)
    for (i, v) in labels.scalars.enumerated() {
      guard v == v.rounded(), v >= 0, v < 1e15 else {
        throw TensorError(
          .argument,
          "one_hot needs labels that are whole numbers 0, 1, 2, …, but label \(i) is "
            + TensorFormatter().format(v))
      }
      positions.append(Int(v))
    }
    let width: Int
    if let classes {
      guard classes >= 1 else {
        throw TensorError(.argument, "one_hot needs at least 1 class, not \(classes)")
      }
      if let (i, p) = positions.enumerated().first(where: { $0.element >= classes }) {
        throw TensorError(
          .argument,
          "one_hot with \(classes) classes needs labels 0 … \(classes - 1), but label \(i) is "
            + "\(p)")
      }
      width = classes
    } else {
      guard let largest = positions.max() else {
        throw TensorError(
          .argument, "one_hot of no labels needs the number of classes, e.g. one_hot(y, 3)")
      }
      width = largest + 1
    }
    var outShape = labels.shape
    if outShape.last == 1 { outShape.removeLast() }
    outShape.append(width)
    let n = try checkedCount(outShape)
    var out = [Double](repeating: 0, count: n)
    for (row, p) in positions.enumerated() { out[row * width + p] = 1 }
    return Tensor(unchecked: outShape, out)
  }
}
