import Digests
import Foundation

/// The wire format of a message, with its HMAC-SHA256 signature:
///
///     identities… | <IDS|MSG> | hex(HMAC(key, header ‖ parent ‖ metadata ‖ content))
///                 | header | parent_header | metadata | content | buffers…
///
/// A message whose signature is missing, wrong, or was seen before (a replay) is refused
/// before anything reads its content. An empty key disables signing and checking.
public final class MessageSigner: @unchecked Sendable {
  public static let delimiter = Data("<IDS|MSG>".utf8)

  /// Why a message was refused; the kernel drops it without a reply.
  public enum Refusal: Error, Equatable {
    case noDelimiter, tooFewFrames, missingSignature, badSignature, replayed, malformedJSON
  }

  private let key: [UInt8]
  private let lock = NSLock()
  /// The signatures of messages accepted so far, as jupyter_client's `digest_history`.
  private var seen: Set<Data> = []

  public init(key: String) { self.key = Array(key.utf8) }

  public var signs: Bool { !key.isEmpty }

  /// The hex signature of the four JSON parts; empty without a key.
  public func signature(_ parts: [Data]) -> Data {
    guard signs else { return Data() }
    var joined: [UInt8] = []
    for part in parts { joined += part }
    return Data(Digest.hex(Digest.hmacSHA256(key: key, joined)).utf8)
  }

  /// The frames of `message`, signed.
  public func encode(_ message: Message) throws -> [Data] {
    let parts = try [message.header, message.parentHeader, message.metadata, message.content]
      .map { try JSONSerialization.data(withJSONObject: $0) }
    return message.identities + [Self.delimiter, signature(parts)] + parts + message.buffers
  }

  /// The message in `frames`, after checking its signature and that it is not a replay.
  public func decode(_ frames: [Data]) throws -> Message {
    guard let split = frames.firstIndex(of: Self.delimiter) else { throw Refusal.noDelimiter }
    let rest = Array(frames[(split + 1)...])
    guard rest.count >= 5 else { throw Refusal.tooFewFrames }
    let parts = Array(rest[1...4])
    if signs {
      let given = rest[0]
      guard !given.isEmpty else { throw Refusal.missingSignature }
      guard Digest.constantTimeEqual(Array(given), Array(signature(parts))) else {
        throw Refusal.badSignature
      }
      lock.lock()
      let fresh = seen.insert(given).inserted
      lock.unlock()
      guard fresh else { throw Refusal.replayed }
    }
    let objects = try parts.map { part -> JSONObject in
      guard let object = try? JSONSerialization.jsonObject(with: part) as? JSONObject else {
        throw Refusal.malformedJSON
      }
      return object
    }
    return Message(
      identities: Array(frames[..<split]), header: objects[0], parentHeader: objects[1],
      metadata: objects[2], content: objects[3], buffers: Array(rest[5...]))
  }
}
