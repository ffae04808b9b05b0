import TensorEngine

/// What a forward pass is run for: training, where layers such as dropout draw random masks,
/// or evaluation (`net(x)`, `predict`, `accuracy`, `evaluate`, plots), where every layer is a
/// fixed function of its input.
///
/// The random stream is seeded from the session's shared stream the first time a layer asks
/// for it, so that under `seed(k)` a run draws the same masks every time, and a model whose
/// layers never draw (every built-in layer but dropout) leaves the session's stream untouched.
public final class ForwardContext {
  public enum Mode: Sendable, Equatable { case training, evaluation }

  public let mode: Mode
  private var stream: RandomGenerator?

  /// A context of `mode` whose random stream is `generator`, or, without one, seeded from the
  /// session's shared stream on first use.
  public init(_ mode: Mode, generator: RandomGenerator? = nil) {
    self.mode = mode
    stream = generator
  }

  /// A fresh evaluation context: `net(x)` and everything that only reads a model.
  public static var evaluation: ForwardContext { ForwardContext(.evaluation) }

  public var isTraining: Bool { mode == .training }

  /// Runs `body` with this pass's random stream (for masks), seeding it first if needed.
  public func withRandom<R>(_ body: (inout RandomGenerator) throws -> R) rethrows -> R {
    var generator =
      stream ?? RandomGenerator.withShared { RandomGenerator(seed: $0.next()) }
    defer { stream = generator }
    return try body(&generator)
  }
}
