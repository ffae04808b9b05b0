/// An error raised by a tensor operation. The message names the shapes or values involved,
/// so that a front end can show it to a person as it is.
public struct TensorError: Error, Equatable, CustomStringConvertible, Sendable {
  /// What kind of mistake this was; front ends may colour or group by it.
  public enum Kind: Sendable, Equatable {
    /// Shapes that do not fit together (broadcasting, matrix product, reshape, concat).
    case shape
    /// An axis or index outside the tensor.
    case index
    /// An argument with a value the operation cannot use.
    case argument
    /// A tensor larger than the memory cap.
    case memory
    /// Gradients asked of something that cannot give them.
    case gradient
  }

  public let kind: Kind
  public let message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
