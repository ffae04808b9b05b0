import Foundation
import Synchronization

/// The memory all tensors of the process may hold together, and what they hold now.
///
/// The per-tensor cap (`Tensor.memoryCap`) stops one absurd tensor; this stops many large
/// ones (`x = zeros(2e8)`, `y = x + 1`, `z = y + 1`) and work that builds several at once
/// (a data set's inputs and labels), which together could take the machine's memory and get
/// the process killed, losing the session. Every tensor adds its values' bytes when it is
/// made and takes them off when it is freed: one relaxed atomic add each, next to an
/// allocation of the same tensor. Two tensors sharing one copy-on-write buffer count twice,
/// so the count errs on the safe side.
public enum MemoryBudget {
  /// The environment variable that sets the limit when no `--memory` option does.
  public static let environmentVariable = "GRADBOOK_MEMORY"

  private static let live = Atomic<Int>(0)
  private static let limitBytes = Atomic<Int>(defaultLimit)

  /// Half the machine's physical memory, and at most 4 GiB: room for the lessons' largest
  /// data sets many times over, while the rest of the machine keeps what it needs.
  public static let defaultLimit: Int = {
    let half = Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
    return Swift.max(256 << 20, Swift.min(4 << 30, half))
  }()

  /// The bytes all live tensors may hold together.
  public static var limit: Int {
    get { limitBytes.load(ordering: .relaxed) }
    set { limitBytes.store(Swift.max(0, newValue), ordering: .relaxed) }
  }

  /// The bytes the values of every live tensor take now.
  public static var liveBytes: Int { live.load(ordering: .relaxed) }

  static func allocated(_ elements: Int) {
    live.wrappingAdd(elements &* MemoryLayout<Double>.size, ordering: .relaxed)
  }

  static func freed(_ elements: Int) {
    live.wrappingSubtract(elements &* MemoryLayout<Double>.size, ordering: .relaxed)
  }

  /// Throws when `bytes` more (`what` needs them) would take the tensors alive past the limit;
  /// called before anything is allocated.
  public static func check(bytes: Int, for what: @autoclosure () -> String) throws {
    let held = liveBytes
    let limit = self.limit
    let (total, overflow) = held.addingReportingOverflow(bytes)
    guard overflow || total > limit else { return }
    throw TensorError(
      .memory,
      "\(what()) needs \(Tensor.formatBytes(bytes)) but the session already holds "
        + "\(Tensor.formatBytes(held)) of tensors and its memory limit is "
        + "\(Tensor.formatBytes(limit)); free large values (assign something small to "
        + "their names) or raise the limit with gradbook --memory 8G or \(environmentVariable)=8G")
  }

  /// Reads a size such as `8G`, `512M`, `1.5GiB` or `4000000000` (bytes); K, M, G and T are
  /// powers of 1024. Nil when `text` is not one.
  public static func parseSize(_ text: String) -> Int? {
    var s = text.trimmingCharacters(in: .whitespaces).uppercased()
    for suffix in ["IB", "B"] where s.hasSuffix(suffix) && s.count > suffix.count {
      s.removeLast(suffix.count)
      break
    }
    let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
    var scale = 1.0
    if let last = s.last, let unit = units[last] {
      scale = unit
      s.removeLast()
    }
    guard let value = Double(s), value.isFinite, value > 0 else { return nil }
    let bytes = value * scale
    guard bytes < 0x1p62 else { return nil }
    return Int(bytes)
  }

  /// Sets the limit from `option` (`--memory`), else from `GRADBOOK_MEMORY`, else keeps the
  /// default; the error says which one could not be read.
  public static func configure(option: String?) throws {
    if let option {
      guard let bytes = parseSize(option) else {
        throw TensorError(
          .argument, "--memory \(option) is not a size; write it as 8G, 512M or 1.5G")
      }
      limit = bytes
    } else if let value = ProcessInfo.processInfo.environment[environmentVariable] {
      guard let bytes = parseSize(value) else {
        throw TensorError(
          .argument, "\(environmentVariable)=\(value) is not a size; write it as 8G, 512M or 1.5G")
      }
      limit = bytes
    }
  }
}

extension Tensor {
  /// Throws when a result the size of this tensor would not fit in the session's memory
  /// limit: asked before operations that cannot fail otherwise (`exp`, `-x`, `x'`).
  public func checkRoomForCopy() throws {
    try MemoryBudget.check(bytes: count &* MemoryLayout<Double>.size, for: "the result")
  }
}
