#!/usr/bin/env python3
"""Mutated programs through the built binary under a memory limit: every outcome must be a
result or a clean error, never a crash or a hang.

The programs are mutations (fixed seed) of the code in Notebooks/*.nb.md, the README's code
blocks and transcripts, and the scripts in Tests/WorkspaceTests/Fixtures. Each runs as
`gradbook FILE.gb` under `ulimit -v` (RLIMIT_AS): it must exit 0, or 1 with a diagnostic
`FILE:LINE:COL: error: …`; one still running after a few seconds gets SIGINT, as Ctrl-C
sends, and must then stop at once (exit 130, `FILE:LINE:COL: interrupted`). A signal, a
"Fatal error", any other status, or no stop after the interrupt is a failure, reported with
the program (also kept in .build/fuzz-failures/) so that it can be run again. Some batches of
programs also go through one REPL (`gradbook --interactive`), where state piles up.

Run by Scripts/test; alone with
`python3 Tests/FuzzTests/fuzz_programs.py [.build/debug/gradbook] [--count N] [--seed S]`."""

import argparse
import concurrent.futures
import glob
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARGUMENTS = argparse.ArgumentParser(description=__doc__)
ARGUMENTS.add_argument("binary", nargs="?", default=os.path.join(ROOT, ".build/debug/gradbook"))
ARGUMENTS.add_argument("--count", type=int, default=1400, help="programs run one by one")
ARGUMENTS.add_argument("--batches", type=int, default=100, help="REPL sessions of several programs")
ARGUMENTS.add_argument("--seed", type=int, default=2026)
ARGUMENTS.add_argument("--jobs", type=int, default=2)
OPTIONS = ARGUMENTS.parse_args()
BINARY = os.path.abspath(OPTIONS.binary)

MEMORY_LIMIT = 4 << 30  # bytes of address space: twice the tensor memory cap
INTERRUPT_AFTER = 2.0  # seconds before Ctrl-C
GRACE = 15.0  # seconds to stop after Ctrl-C (a tensor near the memory cap takes seconds to
# fill on a busy machine, and one fill is not interrupted midway)
DIAGNOSTIC = re.compile(r"^\S+\.gb:\d+:\d+: (error: .+|interrupted)$", re.MULTILINE)

HOSTILE_NUMBERS = [
    "0", "-1", "1e9", "1e12", "1e15", "1e308", "-1e308", "0.5", "2.5e8", "1e-320", "(0/0)",
    "(1/0)", "100000000", "17", "-0", "3", "1e7", "65536", "-2.5",
]
VOCABULARY = [
    "(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "-", "*", "/", "^", "@", "'", ">>", "..",
    ".", "!", "&&", "||", "==", "<", "0", "1", "nan", "x", "t", "\"s\"", "if", "while", "for",
    "in", "fn", "return", "epochs:", "axis:", "lr:", "noise:", "n:", "\n",
]
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])")
IDENTIFIER = re.compile(r"\b[a-z_][a-z_0-9]*\b")
EPOCHS = re.compile(r"epochs:\s*(\d+(?:\.\d+)?(?:e\d+)?)")


def seeds():
    """Programs to mutate, with the number of epochs in them cut down so that a run takes
    milliseconds, not seconds (mutations may put large counts back)."""
    programs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Notebooks", "*.nb.md"))):
        text = open(path, encoding="utf-8").read()
        cells = re.findall(r"```gradbook[^\n]*\n(.*?)```", text, re.S)
        programs.append("".join(cells))
        programs.extend(cells)
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    for block in re.findall(r"```[a-z]*\n(.*?)```", readme, re.S):
        lines = [line[4:] for line in block.split("\n") if line.startswith(("gb> ", "..> "))]
        if lines:
            programs.append("\n".join(lines) + "\n")
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/WorkspaceTests/Fixtures/*.gb"))):
        programs.append(open(path, encoding="utf-8").read())
    programs = [p for p in programs if p.strip() and ":load" not in p]
    return [EPOCHS.sub(lambda m: "epochs: " + str(min(float(m.group(1)), 20)).rstrip("0").rstrip("."), p)
            for p in programs]


def mutate(program, rng, corpus):
    """One to four random edits: hostile numbers, deleted, doubled, swapped or borrowed
    lines, removed or inserted tokens, renamed identifiers, a cut."""
    for _ in range(rng.randint(1, 4)):
        lines = program.split("\n")
        kind = rng.randrange(10)
        if kind <= 2:
            numbers = list(NUMBER.finditer(program))
            if numbers:
                m = rng.choice(numbers)
                program = program[:m.start()] + rng.choice(HOSTILE_NUMBERS) + program[m.end():]
        elif kind == 3 and len(lines) > 1:
            del lines[rng.randrange(len(lines))]
            program = "\n".join(lines)
        elif kind == 4:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            program = "\n".join(lines)
        elif kind == 5:
            other = rng.choice(corpus).split("\n")
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(other))
            program = "\n".join(lines)
        elif kind == 6 and program:
            i = rng.randrange(len(program))
            program = program[:i] + program[i + rng.randint(1, 6):]
        elif kind == 7:
            i = rng.randrange(len(program) + 1)
            program = program[:i] + " " + rng.choice(VOCABULARY) + " " + program[i:]
        elif kind == 8:
            names = list(IDENTIFIER.finditer(program))
            words = [m.group(0) for m in names]
            if names:
                m = rng.choice(names)
                program = program[:m.start()] + rng.choice(words) + program[m.end():]
        elif kind == 9 and len(lines) > 1:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            program = "\n".join(lines)
    return program


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(arguments, stdin_text, folder):
    """Runs the binary; gives (status or -signal, stderr, whether it ignored Ctrl-C)."""
    environment = dict(os.environ, SWIFT_BACKTRACE="enable=no", NO_COLOR="1",
                       HOME=folder, XDG_STATE_HOME=folder)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [BINARY] + arguments, cwd=folder, env=environment, stdin=subprocess.PIPE,
            stdout=out, stderr=err, preexec_fn=limit_memory)
        try:
            process.stdin.write(stdin_text.encode())
            process.stdin.close()
        except BrokenPipeError:
            pass
        hung = False
        try:
            process.wait(INTERRUPT_AFTER)
        except subprocess.TimeoutExpired:
            # Ctrl-C, again each second: a REPL stops only the entry that is running.
            deadline = time.monotonic() + GRACE
            while process.poll() is None and time.monotonic() < deadline:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(1.0 if "--interactive" in arguments else GRACE)
                except subprocess.TimeoutExpired:
                    pass
            if process.poll() is None:
                hung = True
                process.kill()
                process.wait()
        err.seek(0)
        return process.returncode, err.read().decode(errors="replace"), hung


def check_script(program, folder):
    """Runs one program as a script file; gives a failure description or None."""
    path = os.path.join(folder, "program.gb")
    with open(path, "w", encoding="utf-8") as f:
        f.write(program)
    status, stderr, hung = run(["program.gb"], "", folder)
    if hung:
        return "hang: still running after Ctrl-C"
    if status < 0 or "Fatal error" in stderr or "Program crashed" in stderr:
        return f"crash: status {status}\n{stderr[-1500:]}"
    if status == 0:
        return None
    if status in (1, 130):
        if not DIAGNOSTIC.search(stderr):
            return f"exit {status} without a diagnostic with its place:\n{stderr[-1500:]}"
        return None
    return f"unexpected exit status {status}\n{stderr[-1500:]}"


def check_batch(programs, folder):
    """Runs several programs through one REPL session, one after another."""
    status, stderr, hung = run(["--interactive"], "\n".join(programs) + "\n", folder)
    if hung:
        return "hang: the REPL did not finish after Ctrl-C"
    if status != 0 or "Fatal error" in stderr or "Program crashed" in stderr:
        return f"crash: status {status}\n{stderr[-1500:]}"
    return None


def main():
    if not os.path.exists(BINARY):
        print(f"no binary at {BINARY}; build first")
        return 1
    corpus = seeds()
    rng = random.Random(OPTIONS.seed)
    jobs = []
    for i in range(OPTIONS.count):
        jobs.append(("script", [mutate(rng.choice(corpus), rng, corpus)]))
    for i in range(OPTIONS.batches):
        jobs.append(("repl", [mutate(rng.choice(corpus), rng, corpus) for _ in range(8)]))
    failures_folder = os.path.join(ROOT, ".build", "fuzz-failures")
    shutil.rmtree(failures_folder, ignore_errors=True)

    def work(job):
        kind, programs = job
        folder = tempfile.mkdtemp(prefix="gb-fuzz-")
        try:
            started = time.monotonic()
            failure = (check_script(programs[0], folder) if kind == "script"
                       else check_batch(programs, folder))
            return failure, time.monotonic() - started
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    started = time.monotonic()
    slowest = []
    failed = 0
    interrupted = 0
    with concurrent.futures.ThreadPoolExecutor(OPTIONS.jobs) as pool:
        for n, (job, (failure, seconds)) in enumerate(zip(jobs, pool.map(work, jobs))):
            if seconds >= INTERRUPT_AFTER:
                interrupted += 1
            slowest.append((seconds, n))
            if failure is None:
                continue
            failed += 1
            os.makedirs(failures_folder, exist_ok=True)
            kind, programs = job
            name = os.path.join(failures_folder, f"{n}.gb")
            with open(name, "w", encoding="utf-8") as f:
                f.write("\n".join(programs))
            how = "gradbook --interactive <" if kind == "repl" else "gradbook"
            print(f"✘ program {n} ({kind}): {failure}\n  reproduce: {how} {name}\n"
                  + "".join(f"  | {line}\n" for line in "\n".join(programs).split("\n")[:60]))
    print(f"ran {len(jobs)} fuzz programs in {time.monotonic() - started:.0f} s "
          f"({interrupted} needed Ctrl-C), seed {OPTIONS.seed}")
    if os.environ.get("FUZZ_SLOWEST"):
        for seconds, n in sorted(slowest)[-int(os.environ["FUZZ_SLOWEST"]):]:
            print(f"{seconds:.2f} s: program {n}")
            print("".join(f"  | {line}\n" for line in "\n".join(jobs[n][1]).split("\n")[:30]))
    print(f"fuzz tests: {len(jobs) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
