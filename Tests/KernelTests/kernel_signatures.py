"""Messages that are not signed right get no reply and change nothing: a forged signature
(the wrong key), a missing one, a replay of a message already run, and frames that are not a
message at all. A connection file with `key: ""` disables signing. The kernel binds only to
the address in its connection file."""

import os
import subprocess
import tempfile
import time
import uuid

import zmq
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session

import kernel_support as support

checks = support.Checks()
QUIET = 2.0  # seconds to wait for a reply that must not come


def launch(key):
    """A kernel on a connection file with `key`, a client for it, and the file's contents."""
    folder = tempfile.mkdtemp(prefix="gradbook-kernel-sig-")
    path = os.path.join(folder, "connection.json")
    _, info = write_connection_file(path, ip="127.0.0.1", key=key.encode())
    # JPY_PARENT_PID: the kernel ends if this script dies without killing it.
    process = subprocess.Popen([support.GRADBOOK, "kernel", path], cwd=folder,
                               env=dict(os.environ, JPY_PARENT_PID=str(os.getpid())))
    support._kernels.append(process.kill)
    client = BlockingKernelClient(connection_file=path)
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=support.TIMEOUT)
    return process, client, info


def raw_socket(info, port_name):
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(f"tcp://{info['ip']}:{info[port_name]}")
    return socket


def answered(socket, timeout=QUIET):
    return socket.poll(int(timeout * 1000)) != 0


def result(client, code):
    return support.result(support.execute(client, code)[1])


def signed_tests():
    process, client, info = launch("a-secret-key-" + uuid.uuid4().hex)
    honest = Session(key=info["key"].encode())
    forger = Session(key=b"not-the-key")
    shell = raw_socket(info, "shell_port")
    time.sleep(0.3)

    support.execute(client, "counter = 0;")

    # Forged: signed with another key.
    forger.send(shell, "execute_request", {"code": "forged = 1", "silent": False})
    checks.check("a forged signature gets no reply", not answered(shell))
    bad = result(client, "forged")
    checks.check("a forged execute changes nothing", bad is None)

    # Missing: no signature at all.
    message = honest.msg("execute_request", {"code": "unsigned = 1", "silent": False})
    frames = honest.serialize(message)
    frames[frames.index(b"<IDS|MSG>") + 1] = b""
    shell.send_multipart(frames)
    checks.check("a missing signature gets no reply", not answered(shell))
    checks.check("an unsigned execute changes nothing", result(client, "unsigned") is None)

    # Replayed: the very frames of a message the kernel ran.
    message = honest.msg("execute_request", {"code": "counter = counter + 1", "silent": False})
    frames = honest.serialize(message)
    shell.send_multipart(frames)
    checks.check("a signed message is answered", answered(shell, support.TIMEOUT))
    shell.recv_multipart()
    shell.send_multipart(frames)
    checks.check("a replayed message gets no reply", not answered(shell))
    checks.check("a replay changes nothing", result(client, "counter") == "1")

    # A signature of the right length but wrong in its last digit.
    message = honest.msg("execute_request", {"code": "counter = 100", "silent": False})
    frames = honest.serialize(message)
    at = frames.index(b"<IDS|MSG>") + 1
    last = frames[at][-1:]
    frames[at] = frames[at][:-1] + (b"0" if last != b"0" else b"1")
    shell.send_multipart(frames)
    checks.check("a signature wrong in one digit gets no reply", not answered(shell))
    checks.check("... and changes nothing", result(client, "counter") == "1")

    # Not a message: no delimiter, too few frames, bad JSON under a good signature.
    shell.send_multipart([b"garbage"])
    shell.send_multipart([b"<IDS|MSG>", b"x"])
    parts = [b"{not json", b"{}", b"{}", b"{}"]
    shell.send_multipart([b"<IDS|MSG>", honest.sign(parts)] + parts)
    checks.check("frames that are not a message get no reply", not answered(shell))

    # On control too: a forged shutdown does not stop the kernel.
    control = raw_socket(info, "control_port")
    time.sleep(0.2)
    forger.send(control, "shutdown_request", {"restart": False})
    checks.check("a forged shutdown gets no reply", not answered(control))
    checks.check("... and the kernel runs on", process.poll() is None
                 and result(client, "counter + 1") == "2")
    # Control runs beside a busy shell, so it serves only kernel_info, interrupt and shutdown:
    # a cell sent there, even signed, is not run on a second thread.
    honest.send(control, "execute_request", {"code": "beside = 1", "silent": False})
    checks.check("a cell sent on control gets no reply", not answered(control))
    checks.check("... and does not run", result(client, "beside") is None)
    honest.send(control, "kernel_info_request", {})
    checks.check("control answers kernel_info", answered(control, support.TIMEOUT))

    # Bound only to 127.0.0.1: every port of the file listens there and nowhere else.
    ports = {info[name] for name in
             ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
    listening = listening_addresses(ports)
    checks.check("each socket listens on 127.0.0.1 only",
                 all(listening.get(port) == {"127.0.0.1"} for port in ports), listening)

    client.shutdown()
    process.wait(timeout=support.TIMEOUT)
    checks.check("shutdown_request ends the kernel", process.returncode == 0, process.returncode)


def listening_addresses(ports):
    """The local addresses listening on each of `ports`, from /proc/net/tcp (IPv4)."""
    found = {}
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            address, port = fields[1].split(":")
            if fields[3] != "0A" or int(port, 16) not in ports:  # 0A: LISTEN
                continue
            octets = [str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)]
            found.setdefault(int(port, 16), set()).add(".".join(octets))
    return found


def unsigned_tests():
    process, client, info = launch("")
    checks.check("key \"\" disables signing: the client's unsigned messages run",
                 result(client, "1 + 1") == "2")
    shell = raw_socket(info, "shell_port")
    time.sleep(0.3)
    other = Session(key=b"")
    frames = other.serialize(other.msg("execute_request", {"code": "open_door = 5"}))
    shell.send_multipart(frames)
    checks.check("... and an unsigned execute is answered", answered(shell, support.TIMEOUT))
    checks.check("... and runs", result(client, "open_door") == "5")
    client.shutdown()
    process.wait(timeout=support.TIMEOUT)


checks.run("signed kernel", signed_tests)
checks.run("unsigned kernel", unsigned_tests)
checks.finish()
