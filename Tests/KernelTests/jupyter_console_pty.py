#!/usr/bin/env python3
"""A new user's first session: `gradbook kernel install --user`, then `jupyter console
--kernel gradbook` on a real pseudo-terminal (pexpect, as Tests/TerminalTests/repl_pty.py
drives the REPL), typing as a person would: train XOR, see its loss and accuracy, quit with
Ctrl-D. jupyter console is prompt_toolkit's full editor here, not --simple-prompt.

Run alone: python3 Tests/KernelTests/jupyter_console_pty.py [.build/debug/gradbook] [-k NAME]"""

import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jupyter_support import (Scratch, expect, install_kernelspec,  # noqa: E402
                             jupyter_environment, kernel_processes, run_tests, test)

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")
CTRL_D = "\x04"


class Console:
    """`jupyter console --kernel gradbook` on a pty, with the kernel it starts."""

    def __init__(self, env, home):
        self.child = pexpect.spawn(
            "jupyter", ["console", "--kernel", "gradbook"], env=env, cwd=home,
            encoding="utf-8", dimensions=(40, 120), timeout=60)
        self.count = 1
        self.prompt()

    def prompt(self, timeout=-1):
        # prompt_toolkit draws the number in bold: In [\x1b[0;1m2\x1b[0m]:
        style = r"(?:\x1b\[[0-9;]*m)*"
        self.child.expect(rf"In \[{style}{self.count}{style}\]: ", timeout=timeout)

    def run(self, line, timeout=60):
        """Types `line` and Enter; returns what the console showed before the next prompt,
        without terminal escapes."""
        self.child.send(line + "\r")
        self.count += 1
        self.prompt(timeout)
        return ANSI.sub("", self.child.before)

    def quit(self):
        """Ctrl-D, and yes to "Do you really want to exit": the console shuts the kernel
        down, as it does for a person."""
        self.child.send(CTRL_D)
        self.child.expect_exact("Do you really want to exit")
        self.child.send("y\r")
        self.child.expect(pexpect.EOF, timeout=30)
        self.child.close()
        return self.child.exitstatus

    def kill(self):
        if self.child.isalive():
            self.child.terminate(force=True)


@test(timeout=180)
def a_new_user_installs_the_kernel_and_trains_xor_in_jupyter_console():
    with Scratch() as scratch:
        env = jupyter_environment(scratch)
        env["TERM"] = "xterm"
        home = os.path.join(scratch, "home")
        os.makedirs(home)
        env["HOME"] = home
        # --user honours JUPYTER_DATA_DIR (here inside the scratch folder), as Jupyter does.
        folder = install_kernelspec(scratch, env, how=("--user",))
        expect(folder.startswith(scratch), f"installed into {folder}")
        before = set(kernel_processes())
        console = Console(env, home)
        try:
            banner = ANSI.sub("", console.child.before)
            expect("Gradbook" in banner, f"the banner does not name Gradbook: {banner!r}")
            out = console.run("data = xor()")
            expect("dataset xor · 4 samples" in out, f"data = xor() showed {out!r}")
            out = console.run("net = dense(2, 4, tanh) >> dense(4, 1, sigmoid)")
            expect("17 parameters" in out, f"the model showed {out!r}")
            out = console.run("h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 3000)",
                              timeout=120)
            # The last state of the live training line, with the loss the REPL shows
            # (xor.nb.md records 0.0004565 for this very run).
            losses = re.findall(r"epoch 3000/3000 · loss ([0-9.e-]+)", out)
            expect(losses, f"fit showed no final loss: {out!r}")
            expect(float(losses[-1]) < 0.01, f"XOR did not train: loss {losses[-1]}")
            out = console.run("accuracy(net, data)")
            # The value as Out[4]. (The kernel's text/plain ends with a newline, which
            # jupyter console takes for a multi-line value and starts on the next line.)
            expect(re.search(r"Out\[4\]: \n?1\n", out), f"accuracy showed {out!r}")
            out = console.run("h")
            expect(re.search(r"Out\[5\]: \n?history · 3000 epochs · loss", out),
                   f"h showed {out!r}")
            expect(console.quit() == 0, "jupyter console did not exit cleanly")
        finally:
            console.kill()
        left = set(kernel_processes()) - before
        expect(not left, f"the console left its kernel running: {left}")


if __name__ == "__main__":
    run_tests()
