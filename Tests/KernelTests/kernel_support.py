"""What every kernel test script shares: a kernelspec for the gradbook under test in a
temporary JUPYTER_PATH, a kernel started in a temporary folder (always killed at the end),
waits that all have a timeout, and the closing `kernel tests: N passed, 0 failed` line."""

import atexit
import signal
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GRADBOOK = os.path.abspath(
    sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "gradbook")
)
KERNEL_NAME = "gradbook-test"

_jupyter = tempfile.mkdtemp(prefix="gradbook-jupyter-")
atexit.register(shutil.rmtree, _jupyter, True)
_spec = os.path.join(_jupyter, "kernels", KERNEL_NAME)
os.makedirs(_spec)
with open(os.path.join(_spec, "kernel.json"), "w") as f:
    json.dump(
        {
            "argv": [GRADBOOK, "kernel", "{connection_file}"],
            "display_name": "Gradbook (test)",
            "language": "gradbook",
            "interrupt_mode": "signal",
        },
        f,
    )
os.environ["JUPYTER_PATH"] = _jupyter
# Connection files and runtime state stay out of the user's folders.
os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(_jupyter, "runtime")
os.environ["JUPYTER_DATA_DIR"] = os.path.join(_jupyter, "data")
os.environ["JUPYTER_PLATFORM_DIRS"] = "1"

from jupyter_client.manager import KernelManager  # noqa: E402

TIMEOUT = 30

# Kernels to kill at the end: `Checks.finish` leaves with os._exit, which skips atexit, and a
# SIGTERM (a timeout) must not leave a kernel behind either.
_kernels = []


def kill_kernels():
    while _kernels:
        km = _kernels.pop()
        if callable(km):  # a process started by hand: its kill
            km()
            continue
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            try:
                km.provisioner.process.kill()
            except Exception:
                pass


atexit.register(kill_kernels)


def _terminated(signum, frame):
    kill_kernels()
    os._exit(1)


signal.signal(signal.SIGTERM, _terminated)


def start_kernel(folder=None, interrupt_mode="signal"):
    """A started kernel and a client with its channels ready. The kernel runs in `folder` (a
    new temporary one by default) and is killed at exit whatever happens."""
    folder = folder or tempfile.mkdtemp(prefix="gradbook-kernel-cwd-")
    atexit.register(shutil.rmtree, folder, True)
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(cwd=folder)
    km.kernel_spec.interrupt_mode = interrupt_mode
    _kernels.append(km)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc, folder


def execute(kc, code, timeout=TIMEOUT, **options):
    """Runs `code`; gives the reply and the iopub messages of that request up to idle."""
    msg_id = kc.execute(code, **options)
    reply = shell_reply(kc, msg_id, timeout)
    outputs = iopub_until_idle(kc, msg_id, timeout)
    return reply, outputs


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_until_idle(kc, msg_id, timeout=TIMEOUT):
    deadline = time.time() + timeout
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return outputs
        outputs.append(msg)


def stdout(outputs):
    return "".join(
        m["content"]["text"]
        for m in outputs
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
    )


def result(outputs):
    found = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    return found[-1] if found else None


class Checks:
    """Named checks that each pass or fail; `finish` prints the closing line and exits."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}")

    def run(self, name, body):
        try:
            body()
        except Exception as error:  # a failing step fails its check, never the whole script
            self.check(name, False, f"raised {type(error).__name__}: {error}")

    def finish(self):
        kill_kernels()
        print(f"kernel tests: {self.passed} passed, {self.failed} failed")
        sys.stdout.flush()
        os._exit(0 if self.failed == 0 and self.passed > 0 else 1)
