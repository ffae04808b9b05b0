import Digests
import Foundation
import Testing

@testable import Kernel

/// The wire format: frames split at `<IDS|MSG>`, signed with HMAC-SHA256 over the four JSON
/// parts, refused when the signature is missing, wrong or replayed.
@Suite struct WireFormatTests {
  let header = Data(#"{"msg_id":"m1","msg_type":"execute_request"}"#.utf8)
  let content = Data(#"{"code":"x = 1"}"#.utf8)
  /// Worked out by Python's hmac, as jupyter_client signs:
  ///   h = hmac.new(b"secret-key", digestmod=hashlib.sha256)
  ///   for p in parts: h.update(p)     # header, parent, metadata, content
  ///   h.hexdigest()
  let expected = "95ddbc2aa847e7a93d0caf82a521115432b202244e89ccaf8e61db1c8947c22b"

  func frames(signature: String, identities: [Data] = [Data("client-1".utf8)]) -> [Data] {
    identities + [
      MessageSigner.delimiter, Data(signature.utf8), header, Data("{}".utf8),
      Data("{}".utf8), content,
    ]
  }

  @Test func signsAsJupyterClientDoes() {
    let signer = MessageSigner(key: "secret-key")
    let signature = signer.signature([header, Data("{}".utf8), Data("{}".utf8), content])
    #expect(String(decoding: signature, as: UTF8.self) == expected)
  }

  @Test func splitsIdentitiesFromTheMessage() throws {
    let signer = MessageSigner(key: "secret-key")
    let twoHops = [Data("router-a".utf8), Data([0, 1, 2])]
    let message = try signer.decode(frames(signature: expected, identities: twoHops))
    #expect(message.identities == twoHops)
    #expect(message.type == "execute_request")
    #expect(message.content["code"] as? String == "x = 1")
    #expect(message.parentHeader.isEmpty && message.metadata.isEmpty && message.buffers.isEmpty)
  }

  @Test func keepsBuffersAfterTheContent() throws {
    let signer = MessageSigner(key: "secret-key")
    let message = try signer.decode(frames(signature: expected) + [Data([9, 9])])
    #expect(message.buffers == [Data([9, 9])])
  }

  @Test func refusesAWrongSignature() {
    let signer = MessageSigner(key: "secret-key")
    var wrong = Array(expected)
    wrong[wrong.count - 1] = wrong.last == "0" ? "1" : "0"
    #expect(throws: MessageSigner.Refusal.badSignature) {
      try signer.decode(frames(signature: String(wrong)))
    }
    let forger = MessageSigner(key: "another-key")
    let forged = forger.signature([header, Data("{}".utf8), Data("{}".utf8), content])
    #expect(throws: MessageSigner.Refusal.badSignature) {
      try signer.decode(frames(signature: String(decoding: forged, as: UTF8.self)))
    }
    // A signature of another length (truncated) is wrong too, not a crash.
    #expect(throws: MessageSigner.Refusal.badSignature) {
      try signer.decode(frames(signature: String(expected.prefix(10))))
    }
  }

  @Test func refusesAMissingSignature() {
    let signer = MessageSigner(key: "secret-key")
    #expect(throws: MessageSigner.Refusal.missingSignature) {
      try signer.decode(frames(signature: ""))
    }
  }

  @Test func refusesAReplay() throws {
    let signer = MessageSigner(key: "secret-key")
    _ = try signer.decode(frames(signature: expected))
    #expect(throws: MessageSigner.Refusal.replayed) {
      try signer.decode(frames(signature: expected))
    }
  }

  @Test func refusesWhatIsNotAMessage() {
    let signer = MessageSigner(key: "secret-key")
    #expect(throws: MessageSigner.Refusal.noDelimiter) {
      try signer.decode([Data("garbage".utf8)])
    }
    #expect(throws: MessageSigner.Refusal.tooFewFrames) {
      try signer.decode([MessageSigner.delimiter, Data(expected.utf8), header])
    }
    let parts = [Data("{not json".utf8), Data("{}".utf8), Data("{}".utf8), Data("{}".utf8)]
    let signature = String(decoding: signer.signature(parts), as: UTF8.self)
    #expect(throws: MessageSigner.Refusal.malformedJSON) {
      try signer.decode([MessageSigner.delimiter, Data(signature.utf8)] + parts)
    }
  }

  @Test func anEmptyKeyNeitherSignsNorChecks() throws {
    let signer = MessageSigner(key: "")
    #expect(signer.signature([header]).isEmpty)
    let message = try signer.decode(frames(signature: ""))
    #expect(message.type == "execute_request")
    // Without signatures there is nothing to tell a replay by: the same frames run again.
    _ = try signer.decode(frames(signature: ""))
  }

  @Test func encodesWhatDecodes() throws {
    let signer = MessageSigner(key: "k")
    let reply = Message(
      identities: [Data("id".utf8)],
      header: Message.header(type: "execute_reply", session: "s"),
      parentHeader: ["msg_id": "m1"], content: ["status": "ok", "execution_count": 3])
    let frames = try signer.encode(reply)
    #expect(frames[0] == Data("id".utf8) && frames[1] == MessageSigner.delimiter)
    let back = try MessageSigner(key: "k").decode(frames)
    #expect(back.identities == [Data("id".utf8)])
    #expect(back.type == "execute_reply")
    #expect(back.parentHeader["msg_id"] as? String == "m1")
    #expect(back.content["execution_count"] as? Int == 3)
    #expect(back.header["version"] as? String == "5.3")
    // The date is ISO 8601 in UTC with fractional seconds.
    let date = back.header["date"] as? String ?? ""
    #expect(
      date.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$"#, options: .regularExpression) != nil
    )
  }
}

@Suite struct ConnectionFileTests {
  @Test func readsJupyterClientsFile() throws {
    let text = """
      {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004,
       "hb_port": 5005, "ip": "127.0.0.1", "key": "abc", "transport": "tcp",
       "signature_scheme": "hmac-sha256", "kernel_name": "gradbook"}
      """
    let file = try JSONDecoder().decode(ConnectionFile.self, from: Data(text.utf8))
    #expect(file.controlPort == 5004 && file.heartbeatPort == 5005 && file.key == "abc")
    #expect(file.endpoint(file.shellPort) == "tcp://127.0.0.1:5001")
    var ipc = file
    ipc.transport = "ipc"
    ipc.ip = "/tmp/kernel"
    #expect(ipc.endpoint(5002) == "ipc:///tmp/kernel-5002")
  }

  @Test func refusesWhatItCannotServe() throws {
    let base = ConnectionFile(
      shellPort: 1, iopubPort: 2, stdinPort: 3, controlPort: 4, heartbeatPort: 5, key: "k")
    var md5 = base
    md5.signatureScheme = "hmac-md5"
    #expect(throws: ConnectionFile.Problem.self) { try md5.check() }
    var udp = base
    udp.transport = "udp"
    #expect(throws: ConnectionFile.Problem.self) { try udp.check() }
    var port = base
    port.shellPort = 70000
    #expect(throws: ConnectionFile.Problem.self) { try port.check() }
    #expect(throws: ConnectionFile.Problem.self) { try ConnectionFile.read("/nonexistent/c.json") }
  }
}

@Suite struct KernelHistoryTests {
  func history() -> KernelHistory {
    var h = KernelHistory()
    for (line, input) in ["x = 1", "x + 1", "plot(x)", "x + 1", "y = 2"].enumerated() {
      h.append(line: line + 1, input: input, output: nil)
    }
    return h
  }

  @Test func tailAndRange() {
    #expect(history().tail(2).map(\.line) == [4, 5])
    #expect(history().range(session: 1, start: 2, stop: 4).map(\.line) == [2, 3])
    #expect(history().range(session: 0, start: 4, stop: 0).map(\.line) == [4, 5])
    #expect(history().range(session: 7, start: 1, stop: 0).isEmpty)
  }

  @Test func searchWithGlobs() {
    #expect(history().search("x + *", n: 0, unique: false).map(\.line) == [2, 4])
    #expect(history().search("x + *", n: 0, unique: true).map(\.line) == [4])
    #expect(history().search("?", n: 0, unique: false).isEmpty)
    #expect(history().search("*", n: 2, unique: false).map(\.line) == [4, 5])
    #expect(history().search("*(x)", n: 0, unique: false).map(\.input) == ["plot(x)"])
  }

  @Test func globCountsCodePoints() {
    #expect(KernelHistory.glob("?b", matches: "éb"))
    #expect(KernelHistory.glob("a*", matches: "a🙂"))
    #expect(!KernelHistory.glob("a", matches: "ab"))
  }
}
