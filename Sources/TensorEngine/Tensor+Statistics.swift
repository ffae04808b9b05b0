/// Spread of values: variance and standard deviation, of all elements or along one axis.
extension Tensor {
  /// The variance, numpy's default: the population variance unless `ddof` says otherwise.
  ///
  /// ```
  /// var(x) = Σ (x_i − mean(x))² / (n − ddof)
  /// ```
  /// `ddof: 0` (the default, as numpy's `var`) divides by n; `ddof: 1` gives the unbiased
  /// sample variance, PyTorch's default. Built from differentiable operations, so its
  /// gradient is 2 (x_i − mean) / (n − ddof).
  public func variance(axis: Int? = nil, keepDims: Bool = false, ddof: Int = 0) throws -> Tensor {
    let n = axis == nil ? count : shape[try Shape.axis(axis!, rank: rank)]
    guard ddof >= 0 else {
      throw TensorError(.argument, "ddof must be 0 or more, not \(ddof)")
    }
    guard n > ddof else {
      let what = axis == nil ? "the tensor" : "axis \(axis!)"
      throw TensorError(
        .argument,
        "variance with ddof \(ddof) needs more than \(ddof) value\(ddof == 1 ? "" : "s"), "
          + "but \(what) of shape \(Shape.describe(shape)) has \(n)")
    }
    let centred = try self - mean(axis: axis, keepDims: true)
    return try (centred * centred).sum(axis: axis, keepDims: keepDims) / Double(n - ddof)
  }

  /// The standard deviation √var, with `ddof` as in `variance` (numpy's default 0).
  public func standardDeviation(axis: Int? = nil, keepDims: Bool = false, ddof: Int = 0) throws
    -> Tensor
  {
    try variance(axis: axis, keepDims: keepDims, ddof: ddof).sqrt()
  }
}
