import CZeroMQ
import Foundation

/// What libzmq said went wrong, with the call that failed.
public struct ZMQError: Error, CustomStringConvertible {
  public var call: String
  public var code: Int32

  init(_ call: String) {
    self.call = call
    self.code = zmq_errno()
  }

  public var description: String { "\(call): \(String(cString: zmq_strerror(code)))" }
}

/// The libzmq context every socket of one kernel belongs to.
public final class ZMQContext: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer

  public init() {
    // zmq_ctx_new fails only when out of memory or file descriptors.
    guard let handle = zmq_ctx_new() else { fatalError("libzmq could not make a context") }
    self.handle = handle
  }
}

/// One libzmq socket: multipart frames in and out. A socket is not thread-safe; each is used
/// by one thread, or under a lock (iopub, which shell and control both publish on).
public final class ZMQSocket: @unchecked Sendable {
  public enum Kind {
    case router, publisher, reply

    var value: Int32 {
      switch self {
      case .router: ZMQ_ROUTER
      case .publisher: ZMQ_PUB
      case .reply: ZMQ_REP
      }
    }
  }

  let handle: UnsafeMutableRawPointer

  public init(_ context: ZMQContext, _ kind: Kind) throws {
    guard let handle = zmq_socket(context.handle, kind.value) else {
      throw ZMQError("zmq_socket")
    }
    self.handle = handle
    // Unsent messages may hold up the process's exit for at most a second.
    try setOption(ZMQ_LINGER, 1000)
  }

  deinit { zmq_close(handle) }

  func setOption(_ option: Int32, _ value: Int32) throws {
    var value = value
    guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
      throw ZMQError("zmq_setsockopt")
    }
  }

  /// Binds to `endpoint`, e.g. `tcp://127.0.0.1:5555`; port 0 asks the system for one.
  public func bind(_ endpoint: String) throws {
    guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("zmq_bind \(endpoint)") }
  }

  /// Sends `frames` as one multipart message.
  public func send(_ frames: [Data]) throws {
    for (index, frame) in frames.enumerated() {
      let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
      let sent = frame.withUnsafeBytes { bytes in
        // An empty frame still needs a pointer.
        zmq_send(handle, bytes.baseAddress ?? UnsafeRawPointer(handle), bytes.count, flags)
      }
      guard sent >= 0 else { throw ZMQError("zmq_send") }
    }
  }

  /// The frames of the next message; waits for one.
  public func receive() throws -> [Data] {
    var frames: [Data] = []
    while true {
      var message = zmq_msg_t()
      zmq_msg_init(&message)
      defer { zmq_msg_close(&message) }
      guard zmq_msg_recv(&message, handle, 0) >= 0 else { throw ZMQError("zmq_msg_recv") }
      let size = zmq_msg_size(&message)
      frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
      if zmq_msg_more(&message) == 0 { return frames }
    }
  }

  /// Whether a message is waiting, after waiting up to `milliseconds` (-1: for ever).
  public func poll(milliseconds: Int) -> Bool {
    var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
    let ready = zmq_poll(&item, 1, milliseconds)
    return ready > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
  }
}
