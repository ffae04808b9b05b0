#!/usr/bin/env python3
"""End-to-end tests of the REPL through a real pseudo-terminal (pexpect), on the built
binary: what a person typing at `gradbook` sees. Run by Scripts/test; run alone with
`python3 Tests/TerminalTests/repl_pty.py [.build/debug/gradbook] [-k NAME]`."""

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import termios
import time
import traceback

import pexpect

ARGUMENTS = argparse.ArgumentParser(description=__doc__)
ARGUMENTS.add_argument("binary", nargs="?", default=".build/debug/gradbook")
ARGUMENTS.add_argument("-k", dest="selected", default="", help="run the tests whose name has this")
OPTIONS = ARGUMENTS.parse_args()
BINARY = os.path.abspath(OPTIONS.binary)
UP = "\x1b[A"
CTRL_C, CTRL_D, CTRL_R = "\x03", "\x04", "\x12"
PROMPT = "gb> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x01")


class REPL:
    """One gradbook process on a pty, with its own state folder and home."""

    def __init__(self, state=None, home=None, colour=False, size=(40, 100), env=None, args=()):
        self.state = state or tempfile.mkdtemp(prefix="gb-state-")
        self.home = home or tempfile.mkdtemp(prefix="gb-home-")
        environment = dict(os.environ, XDG_STATE_HOME=self.state, HOME=self.home, TERM="xterm")
        environment.pop("EDITRC", None)
        if colour:
            environment.pop("NO_COLOR", None)
        else:
            environment["NO_COLOR"] = "1"
        environment.update(env or {})
        self.child = pexpect.spawn(BINARY, list(args), env=environment, encoding="utf-8",
                                   dimensions=size, timeout=20, cwd=self.home)
        self.child.expect("Ctrl-D to quit")
        self.prompt()

    def prompt(self, text=PROMPT):
        self.child.expect_exact(text)

    def send(self, text):
        self.child.send(text)

    def run(self, line):
        """Types a line and Enter; gives what was printed before the next prompt."""
        self.child.send(line + "\r")
        self.prompt()
        out = ANSI.sub("", self.child.before).replace("\r\n", "\n")
        # Drop the echo of the line itself.
        return out.split("\n", 1)[1] if "\n" in out else ""

    def quit(self):
        self.child.send(CTRL_D)
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def history_entries(state):
    """The history file, decoded: libedit writes one entry per line in vis(3) encoding."""
    path = os.path.join(state, "gradbook", "history")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    expect(lines and lines[0] == "_HiStOrY_V2_", f"history file header: {lines[:1]}")
    return [re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), line) for line in lines[1:]]


def recall(r, keys, entry, value):
    """Presses `keys`, which must bring back `entry`; Enter must then print `value`."""
    r.send(keys)
    r.child.expect_exact(entry)
    out = r.run("")
    expect(out.strip().endswith(value), f"{entry} printed {out!r}")


# The tests, in the order of the issue.

def test_an_expression_prints_its_value():
    r = REPL()
    expect(r.run("1 + 2") == "3\n", "1 + 2")
    expect(r.run("[[1, 2], [3, 4]] @ [[1], [1]]") == "tensor [2, 1]\n[[3], [7]]\n", "matmul")
    expect(r.quit() == 0, "exit status")


def test_an_open_bracket_continues_on_a_second_prompt():
    r = REPL()
    r.send("x = [1, 2,\r")
    r.prompt("..> ")
    out = r.run("3]")
    expect(out == "tensor [3]\n[1, 2, 3]\n", repr(out))
    r.send("fn sq(a) {\r")
    r.prompt("..> ")
    r.send("a * a\r")
    r.prompt("..> ")
    r.send("}\r")
    r.prompt()
    expect(r.run("sq(7)") == "49\n", "function defined over three lines")
    r.quit()


def test_a_pasted_block_runs_whole():
    r = REPL()
    r.send("fn cube(a) {\r  a * a * a\r}\rcube(3) + 1\r")
    r.child.expect("28\r\n")
    r.prompt()
    r.quit()


def test_arrow_up_recalls_the_previous_entry():
    r = REPL()
    expect(r.run("40 + 2") == "42\n", "first")
    recall(r, UP, "40 + 2", "42")
    r.quit()


def test_ctrl_r_searches_the_history():
    r = REPL()
    r.run("alpha = 11")
    r.run("beta = 22")
    r.send(CTRL_R + "alp")
    r.child.expect_exact("alpha = 11")
    r.send("\r")
    r.child.expect("11\r\n")
    r.prompt()
    r.quit()


def test_the_history_file_outlives_the_session():
    r = REPL()
    r.run("first_value = 5")
    r.run("first_value = 5")  # the same entry twice in a row is kept once
    r.send("m = [1,\r")
    r.prompt("..> ")
    r.run("2]")
    expect(r.quit() == 0, "exit")
    entries = history_entries(r.state)
    expect(entries == ["first_value = 5", "m = [1,\n2]"], f"history file: {entries}")
    # A new REPL recalls them: up once for the multi-line entry, twice for the first.
    again = REPL(state=r.state, home=r.home)
    recall(again, UP + UP, "first_value = 5", "5")
    again.quit()


def test_tab_completes_a_builtin_a_variable_a_keyword_and_a_member():
    # libedit redraws the line in pieces, so each completion is checked by what the
    # completed line does when run.
    r = REPL()
    r.run("data = xor();")
    r.run("my_rate = 0.25;")
    # A built-in, with its bracket: `sigm<Tab>` is `sigmoid(`.
    expect(r.run("sigm\t0)").strip().endswith("0.5"), "built-in")
    # A variable.
    expect(r.run("my_r\t * 4").strip().endswith("1"), "variable")
    # A keyword argument of the call being typed: `ax<Tab>` is `axis: `. (print's `dig<Tab>`
    # is ambiguous since the built-in digits() came: both are listed.)
    out = r.run("sum([[1, 2], [3, 4]], ax\t0)")
    expect(out.strip().endswith("[4, 6]"), f"keyword argument: {out!r}")
    # A member after a dot.
    out = r.run("data.cl\t")
    expect(out.strip().endswith("2"), f"member: {out!r}")
    # Several candidates are listed, in columns.
    r.send("data.\t")
    r.child.expect(r"classes\s+n\s+x\s+y")
    r.send("\x15")  # Ctrl-U drops the line
    r.run("")
    r.quit()


def test_help_fit_shows_its_signature():
    r = REPL()
    out = r.run(":help fit")
    expect(out.startswith("fit(model, data, loss: mse, opt: sgd(lr: 0.1), epochs: 100"), out)
    expect("example: " in out, out)
    expect(r.run("?fit") == out, "?fit is :help fit")
    index = r.run(":help")
    expect("training" in index and "accuracy" in index, index)
    r.quit()


def test_ctrl_c_stops_a_long_fit_and_keeps_the_model():
    r = REPL()
    r.run("data = xor();")
    r.run("net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);")
    before = r.run("net(data.x)")
    r.send("h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 10000000)\r")
    r.child.expect("epoch [0-9]+/10000000")  # the live progress line
    time.sleep(0.5)
    r.send(CTRL_C)
    r.child.expect("interrupted in epoch")
    r.prompt()
    after = r.run("net(data.x)")
    expect(after.startswith("tensor [4, 1]") and after != before, f"{before!r} → {after!r}")
    expect(r.run("accuracy(net, data)").strip() == "1", "trained until interrupted")
    epochs = r.run("h.epochs").strip()
    expect(epochs.isdigit() and 0 < int(epochs) < 10000000, f"h.epochs = {epochs}")
    r.quit()


def test_a_fit_stopped_with_ctrl_c_is_saved_and_checked_as_it_ran():
    r = REPL()
    r.run("data = xor();")
    r.run("net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);")
    r.send("h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 10000000)\r")
    r.child.expect("epoch [0-9]+/10000000")
    time.sleep(0.3)
    r.send(CTRL_C)
    r.child.expect("interrupted in epoch")
    r.prompt()
    epochs = r.run("h.epochs").strip()
    path = os.path.join(r.home, "stopped.nb.md")
    r.run(f":save {path}")
    r.quit()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    expect(re.search(r"```gradbook \{interrupted=[0-9]+\}\nh = fit\(", text), text)
    expect(f"```gradbook\nh.epochs\n```\n```output\n{epochs}\n```" in text, text)
    # The check replays the epochs that ran, not 10,000,000 (which would take an hour).
    start = time.time()
    out, status = pexpect.run(f"{BINARY} check {path}", withexitstatus=True, encoding="utf-8",
                              timeout=120)
    expect(status == 0 and "every output as recorded" in out, out)
    expect(time.time() - start < 60, f"the check took {time.time() - start:.0f} s")


def test_plot_draws_text_figures_inline():
    r = REPL(size=(40, 90), env={"DISPLAY": "", "GNUTERM": ""})
    r.run("net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);")
    r.run("h = fit(net, xor(), loss: mse, opt: sgd(lr: 0.5), epochs: 500);")
    out = r.run("plot(h)")
    lines = out.rstrip("\n").split("\n")
    expect(len(lines) > 15 and all(len(line) <= 90 for line in lines), out)
    expect("epoch" in out and "500" in out and "loss" in out, out)
    out = r.run("plot(net, xor())")
    expect("class 0" in out and ":" in out and "." in out, out)
    r.quit()


def test_a_killed_repl_is_recovered_from_its_journal():
    r = REPL()
    r.run("a = 2")
    r.run(":md Three cells, then a kill.")
    r.run("b = a * 21")
    r.run("b + 1")
    os.kill(r.child.pid, signal.SIGKILL)
    r.child.expect(pexpect.EOF)
    r.child.close()
    folder = tempfile.mkdtemp(prefix="gb-recover-")
    env = dict(os.environ, XDG_STATE_HOME=r.state)
    out = pexpect.run(f"{BINARY} recover", cwd=folder, env=env, encoding="utf-8")
    expect(out.startswith("recovered 3 cells from "), out)
    with open(os.path.join(folder, "recovered.nb.md"), encoding="utf-8") as f:
        text = f.read()
    expected = ("<!-- gradbook notebook format=1 seed=42 -->\n"
                "```gradbook\na = 2\n```\n```output\n2\n```\n"
                "Three cells, then a kill.\n\n"
                "```gradbook\nb = a * 21\n```\n```output\n42\n```\n"
                "```gradbook\nb + 1\n```\n```output\n43\n```\n")
    expect(text == expected, repr(text))


def test_a_notebook_given_on_the_command_line_opens_in_the_repl():
    folder = tempfile.mkdtemp(prefix="gb-open-")
    path = os.path.join(folder, "sums.nb.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("<!-- gradbook notebook format=1 seed=42 -->\n```gradbook\nb = 40\n```\n")
    r = REPL(args=[path])  # the first "gb> " it waits for is the replayed cell's
    r.child.expect_exact("1 cell replayed")
    r.prompt()
    expect(r.run("b + 2") == "42\n", "the notebook's bindings are there")
    r.run(":save")
    r.quit()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    expect("```gradbook\nb + 2\n```\n```output\n42\n```\n" in text, text)


def test_ctrl_c_at_the_prompt_drops_the_line():
    r = REPL()
    r.send("this is not finished")
    r.send(CTRL_C)
    r.prompt()
    expect(r.run("7") == "7\n", "the dropped text is gone")
    r.send("x = (1 +\r")
    r.prompt("..> ")
    r.send(CTRL_C)
    r.prompt()
    expect(r.run("8") == "8\n", "an unfinished statement is dropped too")
    r.quit()


def test_unicode_is_typed_and_printed_whatever_the_locale():
    for lang in ("C.UTF-8", ""):
        r = REPL(env={"LANG": lang, "LC_ALL": "", "LC_CTYPE": ""})
        out = r.run('"∂E/∂w · é"')
        expect(out == '"∂E/∂w · é"\n', f"LANG={lang!r}: {out!r}")
        r.quit()


def test_ctrl_d_exits_with_status_0():
    r = REPL()
    r.run("1")
    expect(r.quit() == 0, "status")


def test_quit_command_exits_with_status_0():
    r = REPL()
    r.send(":quit\r")
    r.child.expect(pexpect.EOF)
    r.child.close()
    expect(r.child.exitstatus == 0, "status")


def test_errors_are_red_and_the_prompt_coloured_unless_no_color():
    r = REPL(colour=True)
    r.send("1 +* 2\r")
    r.child.expect_exact("\x1b[1;31merror:\x1b[0m")
    r.child.expect_exact("\x1b[1;32m")  # the next prompt, in colour
    r.quit()
    plain = REPL()
    plain.send("1 +* 2\r")
    plain.prompt()
    expect("\x1b[1;31m" not in plain.child.before, "NO_COLOR leaves errors plain")
    plain.quit()


def test_the_users_editrc_is_honoured():
    home = tempfile.mkdtemp(prefix="gb-home-")
    with open(os.path.join(home, ".editrc"), "w") as f:
        f.write("bind -s ^T '6 * 7'\n")
    r = REPL(home=home)
    r.send("\x14")
    expect(r.run("").strip().endswith("42"), "Ctrl-T typed the bound text")
    r.quit()


def test_the_terminal_is_restored_when_the_process_dies():
    # SIGTERM and SIGHUP end the process through the same handler that a crash (SIGSEGV,
    # SIGILL from a Swift trap) passes through before Swift's crash reporter.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        r = REPL()
        fd = r.child.child_fd
        lflag = termios.tcgetattr(fd)[3]
        expect(not lflag & termios.ICANON, "libedit has the terminal in raw mode at the prompt")
        os.kill(r.child.pid, sig)
        r.child.expect(pexpect.EOF)
        lflag = termios.tcgetattr(fd)[3]
        expect(lflag & termios.ICANON and lflag & termios.ECHO, f"cooked mode after {sig!r}")
        r.child.close()
        expect(r.child.signalstatus == sig, f"died of {sig!r}: {r.child.signalstatus}")


def test_tensors_are_printed_to_the_terminal_width():
    r = REPL(size=(40, 40))
    out = r.run("arange(0, 40) / 7")
    lines = out.rstrip("\n").split("\n")
    expect(lines[0] == "tensor [40]", out)
    expect(len(lines) > 2 and all(len(line) <= 40 for line in lines), out)
    r.quit()


def main():
    tests = [(n, f) for n, f in globals().items()
             if n.startswith("test_") and OPTIONS.selected in n]
    failed = 0
    for name, test in tests:
        try:
            test()
            print(f"✔ {name}")
        except Exception as error:  # a failed expect, a pexpect timeout or EOF
            failed += 1
            print(f"✘ {name}: {type(error).__name__}: {str(error)[:2000]}")
            traceback.print_exc(limit=3)
    print(f"terminal tests: {len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
