import Synchronization

/// A float64 array of any rank, stored contiguously in row-major order.
///
/// A tensor is a reference: a parameter keeps its identity while an optimizer updates it in
/// place, and a graph node can name the tensors it was computed from. A tensor takes part in
/// automatic differentiation when it is a parameter or was computed from one; every other
/// tensor carries no graph and costs nothing extra.
public final class Tensor {
  /// The size of each axis, outermost first. A scalar has the shape `[]`.
  public let shape: [Int]
  /// The elements in row-major order.
  public internal(set) var scalars: [Double]
  /// Whether this tensor is a leaf whose gradient `backward` accumulates into `grad`.
  public let isParameter: Bool
  /// Whether optimizers leave this parameter unchanged (`freeze`): its gradient is still
  /// computed, so that layers before it keep learning, but no update applies it.
  public var isFrozen = false
  /// The accumulated gradient of a parameter; `nil` until a `backward` reaches it.
  public var grad: Tensor?
  /// How this tensor was computed, when any input takes part in differentiation.
  var node: Node?
  /// Whether this tensor holds truth values (0 or 1) made by a comparison, so that indexing
  /// with it selects where it is 1 (`x[y == 0]`) rather than at positions 0 and 1, as a
  /// boolean array does in numpy. Reshaping and slicing keep it; arithmetic drops it, except
  /// `*`, `max` and `min` of two masks (and, or).
  public internal(set) var isMask = false
  /// How many times the values were changed in place (an optimizer step, an assignment), so
  /// that a gradient through values changed since they were used is refused, not mixed.
  private(set) var version = 0

  /// Creates a tensor of `shape` holding `scalars` (row-major).
  public convenience init(shape: [Int], scalars: [Double]) throws {
    let n = try Shape.count(shape)
    guard n == scalars.count else {
      throw TensorError(
        .shape,
        "shape \(Shape.describe(shape)) needs \(n) values but \(scalars.count) were given")
    }
    try Tensor.checkMemory(elements: n)
    self.init(unchecked: shape, scalars)
  }

  /// Creates a rank-0 tensor.
  public convenience init(_ value: Double) {
    self.init(unchecked: [], [value])
  }

  /// Creates a vector.
  public convenience init(_ values: [Double]) {
    self.init(unchecked: [values.count], values)
  }

  /// Creates a matrix from its rows, which must all have the same length.
  public convenience init(_ rows: [[Double]]) throws {
    let width = rows.first?.count ?? 0
    for (i, row) in rows.enumerated() where row.count != width {
      throw TensorError(
        .shape, "row \(i) has \(row.count) values but row 0 has \(width): rows must be equal")
    }
    self.init(unchecked: [rows.count, width], rows.flatMap { $0 })
  }

  /// The designated initialiser; callers have checked that `scalars` fits `shape`.
  init(unchecked shape: [Int], _ scalars: [Double], isParameter: Bool = false) {
    self.shape = shape
    self.scalars = scalars
    self.isParameter = isParameter
    MemoryBudget.allocated(scalars.count)
  }

  /// Frees the graph behind this tensor with a loop. Left to reference counting, releasing
  /// the last tensor of a chain of n operations frees the one before it from inside its own
  /// release, n calls deep, and a graph built by a long loop overflows the stack. Here each
  /// input that nothing else holds gives up its node to the work list before it is freed.
  deinit {
    // The number of values never changes after init (`assign` and `updateScalars` keep it).
    MemoryBudget.freed(scalars.count)
    guard node != nil else { return }
    // Moved, not copied: a node held twice would not be seen as unique below.
    var pending = [node.take()!]
    while var current = pending.popLast() {
      guard isKnownUniquelyReferenced(&current) else { continue }
      var inputs = current.takeInputs()
      for i in inputs.indices where isKnownUniquelyReferenced(&inputs[i]) {
        if let next = inputs[i].node {
          inputs[i].node = nil
          pending.append(next)
        }
      }
    }
  }

  /// A parameter holding a copy of `tensor`'s values: a leaf that records gradients.
  public static func parameter(_ tensor: Tensor) -> Tensor {
    Tensor(unchecked: tensor.shape, tensor.scalars, isParameter: true)
  }

  /// A parameter of `shape` holding `scalars`, made without an intermediate tensor (a
  /// large layer's weights are counted once by `MemoryBudget`).
  public static func parameter(shape: [Int], scalars: [Double]) throws -> Tensor {
    guard try Shape.count(shape) == scalars.count else {
      throw TensorError(
        .shape, "\(scalars.count) values cannot fill a parameter of shape \(Shape.describe(shape))")
    }
    return Tensor(unchecked: shape, scalars, isParameter: true)
  }

  /// The same values with no place in any graph: operations on it record nothing.
  public var detached: Tensor {
    isParameter || node != nil ? Tensor(unchecked: shape, scalars) : self
  }

  /// Whether operations on this tensor record what they need for `backward`.
  public var requiresGrad: Bool { isParameter || node != nil }

  public var rank: Int { shape.count }
  public var count: Int { scalars.count }

  /// The value of a tensor with exactly one element.
  public func item() throws -> Double {
    guard scalars.count == 1 else {
      throw TensorError(
        .shape, "expected a single value but the tensor has shape \(Shape.describe(shape))")
    }
    return scalars[0]
  }

  /// Lets an optimizer or a training loop change a parameter's values in place, keeping its
  /// identity; the number of elements cannot change.
  public func updateScalars(_ body: (UnsafeMutableBufferPointer<Double>) throws -> Void) rethrows {
    version += 1
    try scalars.withUnsafeMutableBufferPointer { try body($0) }
  }

  /// Records a change of the values in place; see `version`.
  func changedInPlace() {
    version += 1
  }

  /// Replaces this tensor's values with `other`'s, which must have the same shape.
  public func assign(_ other: Tensor) throws {
    guard other.shape == shape else {
      throw TensorError(
        .shape,
        "cannot assign \(Shape.describe(other.shape)) to \(Shape.describe(shape)): shapes differ")
    }
    scalars = other.scalars
    version += 1
  }
}

// MARK: - Memory cap

extension Tensor {
  private static let cap = Atomic<Int>(2 << 30)

  /// The largest tensor, in bytes, that any operation will allocate (default 2 GiB). A larger
  /// one is refused with an error before anything is allocated.
  public static var memoryCap: Int {
    get { cap.load(ordering: .relaxed) }
    set { cap.store(Swift.max(0, newValue), ordering: .relaxed) }
  }

  /// Throws when `elements` float64 values would exceed the memory cap, or the session's
  /// memory limit with the tensors it already holds (`MemoryBudget`).
  public static func checkMemory(elements: Int) throws {
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: MemoryLayout<Double>.size)
    let limit = memoryCap
    if overflow || bytes > limit {
      throw TensorError(
        .memory,
        "a tensor of \(elements) values (\(formatBytes(overflow ? Int.max : bytes))) exceeds "
          + "the memory cap of \(formatBytes(limit))")
    }
    try MemoryBudget.check(bytes: bytes, for: "a tensor of \(elements) values")
  }

  /// Checks the cap for `shape` and returns its element count.
  static func checkedCount(_ shape: [Int]) throws -> Int {
    let n = try Shape.count(shape)
    try checkMemory(elements: n)
    return n
  }

  public static func formatBytes(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded()
      ? "\(Int(rounded)) \(units[unit])" : "\(rounded) \(units[unit])"
  }
}

extension Tensor: CustomStringConvertible {
  /// The shape, then the values rounded to 4 significant digits.
  public var description: String {
    "tensor \(Shape.describe(shape))\n" + TensorFormatter().format(self)
  }
}
