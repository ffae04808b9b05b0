import Foundation
import Synchronization

/// A seeded generator whose stream is the same on every machine: xoshiro256** (Blackman and
/// Vigna), its state filled from the seed by SplitMix64. The system generator is not used
/// because its stream differs between platforms and cannot be seeded.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
  private var s0, s1, s2, s3: UInt64

  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 << 45 | s3 >> 19
    return result
  }

  /// A uniform value in [0, 1) with 53 random bits.
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform value in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * uniform()
  }

  /// A standard normal value by the Box–Muller transform, one value per pair of uniforms so
  /// that the stream does not depend on what was drawn before.
  public mutating func normal() -> Double {
    let u1 = 1 - uniform()  // in (0, 1], so the logarithm is finite
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// A uniform integer in 0..<n, without modulo bias; 0 when n ≤ 1.
  public mutating func index(below n: Int) -> Int {
    n <= 1 ? 0 : Int(next(upperBound: UInt64(n)))
  }

  /// Shuffles `values` in place (Fisher–Yates), drawing from this generator.
  public mutating func shuffle<T>(_ values: inout [T]) {
    guard values.count > 1 else { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
      values.swapAt(i, index(below: i + 1))
    }
  }
}

/// A generator owned by one session. Installed on a thread with `RandomGenerator.using`, it
/// takes the place of the process-wide generator there, so two sessions (or tests running in
/// parallel) never draw from each other's sequence.
public final class RandomStream: @unchecked Sendable {
  // Unchecked: only the thread that installed the stream reads or writes it, and a session
  // evaluates one statement at a time.
  public var generator: RandomGenerator

  public init(seed: UInt64 = 42) { generator = RandomGenerator(seed: seed) }
}

/// The stream installed on the current thread, if any.
private let currentStreamKey: pthread_key_t = {
  var key = pthread_key_t()
  pthread_key_create(&key, nil)
  return key
}()

extension RandomGenerator {
  private static let shared = Mutex(RandomGenerator(seed: 42))

  /// Restarts the generator every creation function without an explicit generator draws
  /// from: the current thread's stream when one is installed, else the process-wide one.
  /// The default seed is 42, so a fresh session is reproducible too.
  public static func seed(_ seed: UInt64) {
    if let stream = currentStream {
      stream.generator = RandomGenerator(seed: seed)
    } else {
      shared.withLock { $0 = RandomGenerator(seed: seed) }
    }
  }

  /// Runs `body` with the current thread's stream, or the process-wide generator.
  public static func withShared<R>(_ body: (inout RandomGenerator) throws -> R) rethrows -> R {
    if let stream = currentStream { return try body(&stream.generator) }
    return try shared.withLock { try body(&$0) }
  }

  /// Runs `body` with `stream` as this thread's generator.
  public static func using<R>(_ stream: RandomStream, _ body: () throws -> R) rethrows -> R {
    let previous = pthread_getspecific(currentStreamKey)
    pthread_setspecific(currentStreamKey, Unmanaged.passUnretained(stream).toOpaque())
    defer { pthread_setspecific(currentStreamKey, previous) }
    return try body()
  }

  private static var currentStream: RandomStream? {
    pthread_getspecific(currentStreamKey).map {
      Unmanaged<RandomStream>.fromOpaque($0).takeUnretainedValue()
    }
  }
}
