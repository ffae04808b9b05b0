import NeuralNet
import TensorEngine

/// A user's `fn (output, target)` as a loss: called through the session on each
/// minibatch's tensors, so its arithmetic joins the graph and autodiff differentiates it.
/// An error inside it keeps its place in the function's source.
///
/// Unchecked `Sendable`: it holds the session's interpreter (the context), and a loss made
/// by `fit` or `evaluate` is called only inside that call, on the session's own thread.
struct UserLoss: @unchecked Sendable {
  let function: Function
  let context: any Context

  func callAsFunction(_ output: Tensor, _ target: Tensor) throws -> Tensor {
    let value = try context.call(function, [.tensor(output), .tensor(target)])
    guard case .tensor(let loss) = value else {
      throw RuntimeError(
        "the loss \(function.name) must give a number (e.g. mean((o - t)^2)), "
          + "not \(value.kindName)")
    }
    return loss
  }
}
