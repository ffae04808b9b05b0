"""What the Jupyter-side test scripts share (not a test itself): the built binary, a
kernelspec installed with `gradbook kernel install` into a temporary folder, an environment
where Jupyter finds that kernelspec and nothing of the user's, per-test timeouts, processes
that are always killed, and the closing `kernel tests: N passed, M failed` line that
Scripts/test reads.

A script using it defines tests with @test and ends with `run_tests()`; it takes the binary
as its first argument (default .build/debug/gradbook) and `-k NAME` to run only some."""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARGUMENTS = argparse.ArgumentParser()
ARGUMENTS.add_argument("binary", nargs="?", default=os.path.join(ROOT, ".build/debug/gradbook"))
ARGUMENTS.add_argument("-k", dest="selected", default="", help="run the tests whose name has this")
OPTIONS, _ = ARGUMENTS.parse_known_args()
BINARY = os.path.abspath(OPTIONS.binary)
REAL_BINARY = os.path.realpath(BINARY).encode()

TESTS = []


def test(timeout):
    """Registers a test, which fails when it takes more than `timeout` seconds."""
    def register(function):
        TESTS.append((function, timeout))
        return function
    return register


class TestTimeout(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def run_tests():
    """Runs the registered tests, each under an alarm, and prints the closing line."""
    passed = failed = 0

    def on_alarm(_signum, _frame):
        raise TestTimeout("timed out")

    signal.signal(signal.SIGALRM, on_alarm)
    for function, timeout in TESTS:
        if OPTIONS.selected not in function.__name__:
            continue
        start = time.monotonic()
        signal.alarm(timeout)
        try:
            function()
        except Exception:
            signal.alarm(0)
            failed += 1
            print(f"✘ {function.__name__} ({time.monotonic() - start:.1f} s)", flush=True)
            traceback.print_exc()
        else:
            signal.alarm(0)
            passed += 1
            print(f"✔ {function.__name__} ({time.monotonic() - start:.1f} s)", flush=True)
    print(f"kernel tests: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


class Scratch:
    """A temporary folder removed at the end, even when the test fails."""

    def __init__(self, prefix="gb-jupyter-"):
        self.path = tempfile.mkdtemp(prefix=prefix)

    def __enter__(self):
        return self.path

    def __exit__(self, *_):
        shutil.rmtree(self.path, ignore_errors=True)


def gradbook(*arguments, env=None, cwd=None, timeout=60):
    """Runs the built gradbook; returns the finished process (output as text)."""
    return subprocess.run([BINARY, *arguments], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=timeout)


def jupyter_environment(scratch):
    """An environment in which Jupyter reads no configuration and no kernelspec of the
    user's (its config, data and runtime folders are inside `scratch`), so the tests see the
    gradbook kernelspec they installed and nothing else can stand in for it."""
    env = dict(os.environ)
    for key in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH"):
        env.pop(key, None)
    env["JUPYTER_CONFIG_DIR"] = os.path.join(scratch, "config")
    env["JUPYTER_DATA_DIR"] = os.path.join(scratch, "data")
    env["JUPYTER_RUNTIME_DIR"] = os.path.join(scratch, "runtime")
    env["JUPYTER_PLATFORM_DIRS"] = "0"
    env["NO_COLOR"] = "1"
    return env


def install_kernelspec(scratch, env, how=("--prefix",)):
    """`gradbook kernel install` into `scratch`: with --prefix (the default) it goes to
    SCRATCH/prefix/share/jupyter/kernels and JUPYTER_PATH in `env` is pointed there; with
    --user it goes into JUPYTER_DATA_DIR. Returns the kernelspec folder."""
    if how == ("--prefix",):
        prefix = os.path.join(scratch, "prefix")
        done = gradbook("kernel", "install", "--prefix", prefix, env=env)
        env["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
        folder = os.path.join(prefix, "share", "jupyter", "kernels", "gradbook")
    else:
        done = gradbook("kernel", "install", *how, env=env)
        folder = os.path.join(env["JUPYTER_DATA_DIR"], "kernels", "gradbook")
    expect(done.returncode == 0,
           f"gradbook kernel install {' '.join(how)} failed: {done.stdout}{done.stderr}")
    expect(os.path.isfile(os.path.join(folder, "kernel.json")),
           f"no kernel.json in {folder}; the command said: {done.stdout}")
    return folder


def start_process(arguments, env, cwd=None):
    """A process in a process group of its own, so `stop_process` ends it and its children."""
    return subprocess.Popen(arguments, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop_process(process, grace=5):
    """Ends `process` and its group: SIGTERM, then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=grace)


def kernel_processes():
    """The gradbook kernels running now (their pids), to check none outlives a test."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if len(argv) > 1 and argv[1] == b"kernel" and os.path.realpath(argv[0]) == REAL_BINARY:
            pids.append(int(entry))
    return pids
