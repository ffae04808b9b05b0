import Foundation

/// A JSON object as Foundation's `JSONSerialization` reads and writes it.
public typealias JSONObject = [String: Any]

/// One message of the Jupyter protocol: the ROUTER identities it came from (or goes to), its
/// four JSON parts, and raw buffers.
public struct Message: @unchecked Sendable {
  public var identities: [Data]
  public var header: JSONObject
  public var parentHeader: JSONObject
  public var metadata: JSONObject
  public var content: JSONObject
  public var buffers: [Data]

  public init(
    identities: [Data] = [], header: JSONObject, parentHeader: JSONObject = [:],
    metadata: JSONObject = [:], content: JSONObject = [:], buffers: [Data] = []
  ) {
    self.identities = identities
    self.header = header
    self.parentHeader = parentHeader
    self.metadata = metadata
    self.content = content
    self.buffers = buffers
  }

  /// `header.msg_type`, e.g. `execute_request`.
  public var type: String { header["msg_type"] as? String ?? "" }

  /// The protocol version this kernel speaks.
  public static let protocolVersion = "5.3"

  /// A new header: a fresh id, the kernel's session, the time now.
  public static func header(type: String, session: String) -> JSONObject {
    [
      "msg_id": UUID().uuidString.lowercased(), "session": session, "username": "gradbook",
      "date": isoDate(Date()), "msg_type": type, "version": protocolVersion,
    ]
  }

  /// A reply or an output for `parent`: the same identities (a ROUTER sends it back to the
  /// client that asked), its header as the parent.
  public static func answering(
    _ parent: Message, type: String, session: String, content: JSONObject,
    metadata: JSONObject = [:]
  ) -> Message {
    Message(
      identities: parent.identities, header: header(type: type, session: session),
      parentHeader: parent.header, metadata: metadata, content: content)
  }

  /// ISO 8601 in UTC with microseconds, as jupyter_client writes dates.
  public static func isoDate(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}
