/// A compiled stage as the network calls it in a step. Calling a stage held as `any
/// CompiledStage` retains and releases it around each call, since the compiler cannot prove
/// that the memory it was loaded from stays put; for a small network those four atomic pairs
/// a step were a tenth of its time. A class of this one's kind, called through an unretained
/// `Unmanaged` reference, is called at +0; its stage is a `let` of a concrete type, read
/// without a retain as well.
class StageCall {
  func forward(
    _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
    workspace: UnsafeMutablePointer<Double>, rows: Int, weights w: UnsafePointer<Double>
  ) {
    preconditionFailure("StageCall is abstract")
  }

  func backward(
    _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
    workspace: UnsafePointer<Double>, rows: Int, weights w: UnsafePointer<Double>,
    gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
  ) {
    preconditionFailure("StageCall is abstract")
  }

  /// The call of `stage`, of its own type.
  static func of<Stage: CompiledStage>(_ stage: Stage) -> StageCall { Typed(stage) }

  private final class Typed<Stage: CompiledStage>: StageCall {
    let stage: Stage

    init(_ stage: Stage) { self.stage = stage }

    override func forward(
      _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
      workspace: UnsafeMutablePointer<Double>, rows: Int, weights w: UnsafePointer<Double>
    ) {
      stage.forward(x, y, workspace: workspace, rows: rows, weights: w)
    }

    override func backward(
      _ dy: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
      workspace: UnsafePointer<Double>, rows: Int, weights w: UnsafePointer<Double>,
      gradients: UnsafeMutablePointer<Double>, dx: UnsafeMutablePointer<Double>?
    ) {
      stage.backward(
        dy, x: x, y: y, workspace: workspace, rows: rows, weights: w, gradients: gradients,
        dx: dx)
    }
  }
}
