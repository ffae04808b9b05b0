import Foundation

/// One handler per request type, as IJulia's table from `msg_type` to handler.
extension KernelServer {
  func handle(_ request: Message, on socket: ZMQSocket) {
    // Every request is framed by busy and idle on iopub, so a client knows when its
    // outputs are all in.
    publishStatus("busy", parent: request)
    defer { publishStatus("idle", parent: request) }
    switch request.type {
    case "kernel_info_request": kernelInfo(request, on: socket)
    case "execute_request": execute(request, on: socket)
    case "complete_request": complete(request, on: socket)
    case "inspect_request": inspect(request, on: socket)
    case "is_complete_request": isComplete(request, on: socket)
    case "history_request": history(request, on: socket)
    case "comm_info_request":
      reply(request, on: socket, type: "comm_info_reply", ["status": "ok", "comms": [:]])
    case "interrupt_request":
      backend.interrupt()
      reply(request, on: socket, type: "interrupt_reply", ["status": "ok"])
    case "shutdown_request": shutdown(request, on: socket)
    default:
      // Unknown requests (comm messages, debug) are ignored, as the protocol allows.
      break
    }
  }

  private func kernelInfo(_ request: Message, on socket: ZMQSocket) {
    reply(
      request, on: socket, type: "kernel_info_reply",
      [
        "status": "ok", "protocol_version": Message.protocolVersion,
        "implementation": "gradbook", "implementation_version": info.implementationVersion,
        "language_info": [
          "name": "gradbook", "version": info.languageVersion, "mimetype": "text/x-gradbook",
          "file_extension": ".gb",
          // Pygments' plain text: front ends then neither guess a lexer nor warn of none.
          "pygments_lexer": "text",
        ],
        "banner": backend.banner,
        "help_links": info.helpLinks.map { ["text": $0.text, "url": $0.url] },
        "debugger": false,
      ])
  }

  private func execute(_ request: Message, on socket: ZMQSocket) {
    let code = request.content["code"] as? String ?? ""
    let silent = request.content["silent"] as? Bool ?? false
    // Silent code is never kept in the history, whatever store_history says.
    let store = !silent && (request.content["store_history"] as? Bool ?? true)
    let stopOnError = request.content["stop_on_error"] as? Bool ?? true
    if store { executionCount += 1 }
    let count = executionCount
    if !silent {
      publish("execute_input", parent: request, ["code": code, "execution_count": count])
    }
    var payload: [JSONObject] = []
    var resultText: String?
    let outcome = backend.execute(code, silent: silent, storeHistory: store) { [self] output in
      guard !silent else { return }
      switch output {
      case .stream(let name, let text):
        publish("stream", parent: request, ["name": name.rawValue, "text": text])
      case .display(let data, let id, let update):
        var content: JSONObject = ["data": data, "metadata": [:]]
        if let id { content["transient"] = ["display_id": id] }
        publish(update ? "update_display_data" : "display_data", parent: request, content)
      case .result(let data):
        resultText = data["text/plain"]
        publish(
          "execute_result", parent: request,
          ["data": data, "metadata": [:], "execution_count": count])
      case .page(let text):
        payload.append(["source": "page", "data": ["text/plain": text], "start": 0])
      }
    }
    if store { history.append(line: count, input: code, output: resultText) }
    switch outcome {
    case .ok:
      reply(
        request, on: socket, type: "execute_reply",
        [
          "status": "ok", "execution_count": count, "payload": payload,
          "user_expressions": [:],
        ])
    case .error(let name, let value, let traceback):
      let error: JSONObject = ["ename": name, "evalue": value, "traceback": traceback]
      if !silent { publish("error", parent: request, error) }
      // Taken before the reply: a cell sent once the client has seen the error was written
      // knowing of it, and must run.
      let waiting = stopOnError ? waitingMessages(on: socket) : []
      reply(
        request, on: socket, type: "execute_reply",
        error.merging(["status": "error", "execution_count": count]) { a, _ in a })
      abortCells(in: waiting, on: socket)
    }
  }

  /// The requests that arrived on `socket` while a cell ran, as far as they decode.
  private func waitingMessages(on socket: ZMQSocket) -> [Message] {
    var messages: [Message] = []
    while socket.poll(milliseconds: 0) {
      guard let frames = try? socket.receive(), let message = try? signer.decode(frames) else {
        continue
      }
      messages.append(message)
    }
    return messages
  }

  /// After a failed cell, the cells sent while it ran are not run (status `aborted`), as
  /// ipykernel does: they were written expecting it to succeed. Other requests are answered.
  private func abortCells(in waiting: [Message], on socket: ZMQSocket) {
    for message in waiting {
      guard message.type == "execute_request" else {
        handle(message, on: socket)
        continue
      }
      publishStatus("busy", parent: message)
      reply(
        message, on: socket, type: "execute_reply",
        ["status": "aborted", "execution_count": executionCount])
      publishStatus("idle", parent: message)
    }
  }

  private func complete(_ request: Message, on socket: ZMQSocket) {
    let code = request.content["code"] as? String ?? ""
    let cursor = request.content["cursor_pos"] as? Int ?? code.unicodeScalars.count
    let result = backend.complete(code, cursor: cursor)
    reply(
      request, on: socket, type: "complete_reply",
      [
        "status": "ok", "matches": result.matches, "cursor_start": result.start,
        "cursor_end": result.end, "metadata": [:],
      ])
  }

  private func inspect(_ request: Message, on socket: ZMQSocket) {
    let code = request.content["code"] as? String ?? ""
    let cursor = request.content["cursor_pos"] as? Int ?? code.unicodeScalars.count
    let level = request.content["detail_level"] as? Int ?? 0
    let data = backend.inspect(code, cursor: cursor, detailLevel: level)
    reply(
      request, on: socket, type: "inspect_reply",
      ["status": "ok", "found": data != nil, "data": data ?? [:], "metadata": [:]])
  }

  private func isComplete(_ request: Message, on socket: ZMQSocket) {
    let code = request.content["code"] as? String ?? ""
    var content: JSONObject
    switch backend.isComplete(code) {
    case .complete: content = ["status": "complete"]
    case .incomplete(let indent): content = ["status": "incomplete", "indent": indent]
    case .invalid: content = ["status": "invalid"]
    case .unknown: content = ["status": "unknown"]
    }
    reply(request, on: socket, type: "is_complete_reply", content)
  }

  private func history(_ request: Message, on socket: ZMQSocket) {
    let content = request.content
    let output = content["output"] as? Bool ?? false
    let n = content["n"] as? Int ?? 0
    let entries: [KernelHistory.Entry]
    switch content["hist_access_type"] as? String ?? "tail" {
    case "range":
      entries = history.range(
        session: content["session"] as? Int ?? 0, start: content["start"] as? Int ?? 1,
        stop: content["stop"] as? Int ?? 0)
    case "search":
      entries = history.search(
        content["pattern"] as? String ?? "*", n: n, unique: content["unique"] as? Bool ?? false)
    default:
      entries = history.tail(n)
    }
    let rows: [[Any]] = entries.map { entry in
      let input: Any = output ? [entry.input, entry.output as Any? ?? NSNull()] : entry.input
      return [KernelHistory.session, entry.line, input]
    }
    reply(request, on: socket, type: "history_reply", ["status": "ok", "history": rows])
  }

  private func shutdown(_ request: Message, on socket: ZMQSocket) {
    let restart = request.content["restart"] as? Bool ?? false
    let content: JSONObject = ["status": "ok", "restart": restart]
    reply(request, on: socket, type: "shutdown_reply", content)
    publish("shutdown_reply", parent: request, content)
    publishStatus("idle", parent: request)
    // Give libzmq's I/O thread a moment to deliver the reply before the process ends; the
    // client (or its kernel manager) starts a new process to restart.
    Thread.sleep(forTimeInterval: 0.2)
    exit(0)
  }
}
