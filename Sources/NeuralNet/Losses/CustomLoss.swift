import TensorEngine

/// A loss written by the user, e.g. the language's `fn my_mse(o, t) = mean((o - t)^2)`:
/// called on the (output, target) tensors of each minibatch inside the graph, so autodiff
/// differentiates it like any other expression. It has no compiled form: training with it
/// runs on the graph. A class, so that a loss is itself only (never matched by its name).
public final class CustomLoss: LossFunction {
  public let name: String
  private let body: @Sendable (Tensor, Tensor) throws -> Tensor

  public init(name: String, _ body: @escaping @Sendable (Tensor, Tensor) throws -> Tensor) {
    self.name = name
    self.body = body
  }

  /// The function's value, which must be a single number: a mean over the batch, say.
  public func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    let value = try body(output, target)
    guard value.count == 1 else {
      throw TensorError(
        .shape,
        "the loss \(name) must give one number (e.g. a mean over the batch), not a tensor "
          + Shape.describe(value.shape))
    }
    return value
  }

  public func compiled(width: Int, target: Tensor, samples: Int, fromLogits: Bool)
    -> Result<any CompiledLoss, NoCompiledForm>
  {
    .failure(NoCompiledForm("the loss \(name) is a user function"))
  }
}
