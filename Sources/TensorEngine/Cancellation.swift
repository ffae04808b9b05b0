import Foundation

/// Thrown by long work in the engine when the user asked to stop (Ctrl-C) while it ran.
public struct Cancelled: Error, Sendable, Equatable {
  public init() {}
}

/// The question "did the user ask to stop?", installed on the thread that evaluates, so that
/// work inside one operation that can take seconds (filling a large tensor with random
/// numbers, generating a large data set) stops on Ctrl-C like a training loop does.
public enum Cancellation {
  /// How many values long work makes between two checks: a check costs little next to them.
  public static let chunk = 1 << 16

  private final class Check {
    let shouldStop: () -> Bool
    init(_ shouldStop: @escaping () -> Bool) { self.shouldStop = shouldStop }
  }

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()

  /// Runs `body` with `shouldStop` as this thread's check.
  public static func checking<R>(_ shouldStop: @escaping () -> Bool, _ body: () throws -> R)
    rethrows -> R
  {
    let check = Check(shouldStop)
    let previous = pthread_getspecific(key)
    pthread_setspecific(key, Unmanaged.passUnretained(check).toOpaque())
    defer {
      pthread_setspecific(key, previous)
      withExtendedLifetime(check) {}
    }
    return try body()
  }

  /// Throws `Cancelled` when this thread's check says to stop; nothing without a check.
  public static func check() throws {
    guard let raw = pthread_getspecific(key) else { return }
    if Unmanaged<Check>.fromOpaque(raw).takeUnretainedValue().shouldStop() { throw Cancelled() }
  }
}

extension Tensor {
  /// `count` values from `next`, checking for cancellation every `Cancellation.chunk` values.
  public static func generate(_ count: Int, _ next: () -> Double) throws -> [Double] {
    var values = [Double]()
    values.reserveCapacity(count)
    var done = 0
    while done < count {
      if done > 0 { try Cancellation.check() }
      let end = Swift.min(count, done + Cancellation.chunk)
      for _ in done..<end { values.append(next()) }
      done = end
    }
    return values
  }
}
