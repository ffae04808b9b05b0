import Foundation

/// The connection file a Jupyter client writes before it starts a kernel: where the five
/// sockets listen and the key messages are signed with.
public struct ConnectionFile: Codable, Equatable, Sendable {
  public var transport: String
  public var ip: String
  public var shellPort: Int
  public var iopubPort: Int
  public var stdinPort: Int
  public var controlPort: Int
  public var heartbeatPort: Int
  /// The HMAC key; empty disables signing.
  public var key: String
  public var signatureScheme: String

  enum CodingKeys: String, CodingKey {
    case transport, ip, key
    case shellPort = "shell_port"
    case iopubPort = "iopub_port"
    case stdinPort = "stdin_port"
    case controlPort = "control_port"
    case heartbeatPort = "hb_port"
    case signatureScheme = "signature_scheme"
  }

  public init(
    transport: String = "tcp", ip: String = "127.0.0.1", shellPort: Int, iopubPort: Int,
    stdinPort: Int, controlPort: Int, heartbeatPort: Int, key: String,
    signatureScheme: String = "hmac-sha256"
  ) {
    self.transport = transport
    self.ip = ip
    self.shellPort = shellPort
    self.iopubPort = iopubPort
    self.stdinPort = stdinPort
    self.controlPort = controlPort
    self.heartbeatPort = heartbeatPort
    self.key = key
    self.signatureScheme = signatureScheme
  }

  /// What is wrong with a connection file, said so that the user can fix it.
  public struct Problem: Error, CustomStringConvertible {
    public var description: String
  }

  /// Reads and checks the file at `path`.
  public static func read(_ path: String) throws -> ConnectionFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Problem(description: "cannot read the connection file \(path)")
    }
    let file: ConnectionFile
    do {
      file = try JSONDecoder().decode(ConnectionFile.self, from: data)
    } catch {
      throw Problem(
        description: "\(path) is not a Jupyter connection file (it needs transport, ip, "
          + "shell_port, iopub_port, stdin_port, control_port, hb_port, key and "
          + "signature_scheme): \(error)")
    }
    try file.check()
    return file
  }

  func check() throws {
    guard transport == "tcp" || transport == "ipc" else {
      throw Problem(description: "transport is tcp or ipc, not \(transport)")
    }
    guard signatureScheme == "hmac-sha256" || key.isEmpty else {
      throw Problem(
        description: "Gradbook signs messages with hmac-sha256, not \(signatureScheme)")
    }
    for port in [shellPort, iopubPort, stdinPort, controlPort, heartbeatPort]
    where !(0...65535).contains(port) {
      throw Problem(description: "\(port) is not a port (0 to 65535)")
    }
  }

  /// The address of one socket: only the connection file's, never every interface. With ipc
  /// the "port" is a suffix of the path, as jupyter_client writes it.
  public func endpoint(_ port: Int) -> String {
    transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
  }
}
