"""Interrupting a long `fit` through the kernel, in signal mode (SIGINT, as jupyter_client
sends it) and in message mode (interrupt_request on control, served while shell is busy):
the cell ends as interrupted, the model keeps its last finished step and is usable, every
binding survives, and the kernel goes on serving. A SIGINT while idle does not kill it."""

import os
import signal
import time

import zmq

import kernel_support as support

checks = support.Checks()

TRAIN = "h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 10000000)"


def interrupted_fit(mode):
    km, kc, _ = support.start_kernel(interrupt_mode=mode)
    support.execute(kc, "data = xor();")
    support.execute(kc, "net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);")
    support.execute(kc, "kept = 42;")
    before = support.result(support.execute(kc, "net(data.x)")[1])
    msg_id = kc.execute(TRAIN)
    # The live progress line is a display with an id, redrawn in place: wait for a redraw.
    deadline = time.time() + support.TIMEOUT
    live_id, updates = None, 0
    while updates < 2 and time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=support.TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "display_data":
            live_id = msg["content"]["transient"]["display_id"]
            checks.check(f"{mode}: the live line shows the epoch",
                         "/10000000" in msg["content"]["data"]["text/plain"], msg["content"])
        elif msg["msg_type"] == "update_display_data":
            checks.check(f"{mode}: the live line is updated in place",
                         msg["content"]["transient"]["display_id"] == live_id, msg["content"])
            updates += 1
    checks.check(f"{mode}: training is under way", updates == 2)
    time.sleep(0.3)
    km.interrupt_kernel()
    reply = support.shell_reply(kc, msg_id, timeout=support.TIMEOUT)
    outputs = support.iopub_until_idle(kc, msg_id)
    checks.check(f"{mode}: the cell ends as interrupted",
                 reply["content"]["status"] == "error"
                 and reply["content"]["ename"] == "Interrupted", reply["content"])
    text = support.stdout(outputs)
    checks.check(f"{mode}: fit says it kept its last finished step",
                 "interrupted in epoch" in text and "model keeps its last finished step" in text,
                 text)
    cleared = [m for m in outputs if m["msg_type"] == "update_display_data"
               and m["content"]["data"]["text/plain"] == ""]
    checks.check(f"{mode}: the live line is cleared at the end", len(cleared) == 1, outputs)
    after = support.result(support.execute(kc, "net(data.x)")[1])
    checks.check(f"{mode}: the model trained until interrupted and is usable",
                 after is not None and after.startswith("tensor [4, 1]") and after != before,
                 f"{before!r} -> {after!r}")
    accuracy = support.result(support.execute(kc, "accuracy(net, data)")[1])
    checks.check(f"{mode}: the model learnt XOR", accuracy == "1", accuracy)
    epochs = support.result(support.execute(kc, "h.epochs")[1])
    checks.check(f"{mode}: the history holds the epochs that ran",
                 epochs is not None and epochs.isdigit() and 0 < int(epochs) < 10000000, epochs)
    kept = support.result(support.execute(kc, "kept")[1])
    checks.check(f"{mode}: every binding survives", kept == "42", kept)
    # Training again works: the interrupt was not left pending.
    reply, outputs = support.execute(
        kc, "fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 10);")
    checks.check(f"{mode}: the next cell runs to its end", reply["content"]["status"] == "ok",
                 reply["content"])
    return km, kc


checks.run("signal mode", lambda: interrupted_fit("signal"))


def idle_sigint():
    km, kc = interrupted_fit("message")
    os.kill(km.provisioner.process.pid, signal.SIGINT)
    time.sleep(0.5)
    checks.check("a SIGINT while idle does not end the kernel", km.is_alive())
    reply, outputs = support.execute(kc, "1 + 1")
    checks.check("the kernel serves after an idle SIGINT", support.result(outputs) == "2")
    # The heartbeat's wait, broken by the signal, goes on echoing.
    info = km.get_connection_info()
    beat = zmq.Context.instance().socket(zmq.REQ)
    beat.linger = 0
    beat.connect(f"tcp://{info['ip']}:{info['hb_port']}")
    beat.send(b"ping")
    echoed = beat.poll(5000) and beat.recv() == b"ping"
    checks.check("the heartbeat echoes after SIGINTs", echoed)


checks.run("message mode", idle_sigint)
checks.finish()
