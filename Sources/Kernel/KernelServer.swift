import Foundation

/// A Jupyter kernel (messaging protocol 5.3) over ZeroMQ: shell, control and stdin as
/// ROUTER, iopub as PUB, heartbeat as REP, each bound only to the connection file's address.
///
/// Shell requests are served one at a time on the thread that calls `run()`; control on its
/// own thread, so that `interrupt_request` and `shutdown_request` arrive while a cell runs;
/// heartbeat echoes on a third. Both shell and control publish on iopub, under `iopubLock`.
public final class KernelServer: @unchecked Sendable {
  /// What `kernel_info_reply` says besides the backend's banner.
  public struct Info: Sendable {
    public var implementationVersion: String
    public var languageVersion: String
    public var helpLinks: [(text: String, url: String)]

    public init(
      implementationVersion: String, languageVersion: String,
      helpLinks: [(text: String, url: String)] = []
    ) {
      self.implementationVersion = implementationVersion
      self.languageVersion = languageVersion
      self.helpLinks = helpLinks
    }
  }

  let connection: ConnectionFile
  let backend: KernelBackend
  let info: Info
  let signer: MessageSigner
  /// This kernel's session id, in every header it writes.
  let session = UUID().uuidString.lowercased()

  let context = ZMQContext()
  let shell: ZMQSocket
  let control: ZMQSocket
  let stdin: ZMQSocket
  let iopub: ZMQSocket
  let heartbeat: ZMQSocket
  private let iopubLock = NSLock()

  var executionCount = 0
  var history = KernelHistory()

  /// Binds every socket; throws when a port is taken or the address is not this machine's.
  public init(connection: ConnectionFile, backend: KernelBackend, info: Info) throws {
    self.connection = connection
    self.backend = backend
    self.info = info
    self.signer = MessageSigner(key: connection.key)
    shell = try ZMQSocket(context, .router)
    control = try ZMQSocket(context, .router)
    stdin = try ZMQSocket(context, .router)
    iopub = try ZMQSocket(context, .publisher)
    heartbeat = try ZMQSocket(context, .reply)
    try shell.bind(connection.endpoint(connection.shellPort))
    try control.bind(connection.endpoint(connection.controlPort))
    try stdin.bind(connection.endpoint(connection.stdinPort))
    try iopub.bind(connection.endpoint(connection.iopubPort))
    try heartbeat.bind(connection.endpoint(connection.heartbeatPort))
  }

  /// Serves until a `shutdown_request`, which ends the process.
  public func run() -> Never {
    publishStatus("starting", parent: nil)
    startThread("heartbeat") { [heartbeat] in
      // A failed wait (EINTR when SIGINT arrives) is no reason to stop beating.
      while true {
        if let frames = try? heartbeat.receive() { try? heartbeat.send(frames) }
      }
    }
    startThread("control") { [self] in serve(control) }
    serve(shell)
  }

  private func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.name = "gradbook-kernel-\(name)"
    thread.start()
  }

  /// Reads requests from `socket` and answers each; a message that is not signed right is
  /// dropped with no reply, so a forger learns nothing and changes nothing.
  func serve(_ socket: ZMQSocket) -> Never {
    while true {
      guard let frames = try? socket.receive() else { continue }
      guard let message = try? signer.decode(frames) else { continue }
      // Control runs beside a cell, so it takes only what may run beside one: a cell or a
      // completion sent there would touch the session from two threads at once.
      if socket === control, !Self.controlRequests.contains(message.type) { continue }
      handle(message, on: socket)
    }
  }

  static let controlRequests: Set<String> = [
    "kernel_info_request", "interrupt_request", "shutdown_request",
  ]

  // MARK: Sending

  func send(_ message: Message, on socket: ZMQSocket) {
    guard let frames = try? signer.encode(message) else { return }
    if socket === iopub {
      iopubLock.lock()
      defer { iopubLock.unlock() }
      try? socket.send(frames)
    } else {
      try? socket.send(frames)
    }
  }

  func reply(_ request: Message, on socket: ZMQSocket, type: String, _ content: JSONObject) {
    send(
      Message.answering(request, type: type, session: session, content: content), on: socket)
  }

  /// Publishes on iopub; the topic frame is the message type, as ipykernel's are.
  func publish(_ type: String, parent: Message?, _ content: JSONObject, metadata: JSONObject = [:])
  {
    let message = Message(
      identities: [Data("kernel.\(session).\(type)".utf8)],
      header: Message.header(type: type, session: session), parentHeader: parent?.header ?? [:],
      metadata: metadata, content: content)
    send(message, on: iopub)
  }

  func publishStatus(_ state: String, parent: Message?) {
    publish("status", parent: parent, ["execution_state": state])
  }
}
