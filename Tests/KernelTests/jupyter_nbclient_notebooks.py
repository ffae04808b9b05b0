#!/usr/bin/env python3
"""Every course notebook (Notebooks/*.nb.md), exported with `gradbook export --to ipynb`,
re-run by nbclient (what `jupyter nbconvert --execute` and papermill use) with the
kernelspec `gradbook kernel install --prefix` wrote: each cell's text output must be the
notebook's recorded output, and each cell must draw as many figures as were recorded.

What "text output" is, since the kernel says in messages what the notebook file keeps as
one text: in output order, every `stream` (stdout and stderr), the `text/plain` of an
`execute_result` (the value of the last expression) and of a `display_data` that carries no
image (the live training line, which ends as the run's last line). A value or a display
does not end its text with a newline in Jupyter, and the notebook keeps one after each, so
one is added. A figure's `display_data` (with an image) is counted, not compared: its
pixels are not the notebook's concern, the recorded hash is (gradbook check compares that).

One difference is normalised, the only one known: `fit` ends its final line with the time
it took (` · 0.04 s`), which the terminal and the kernel show and a notebook never records
(the workspace sends it as a timing event, which the recorder drops and the kernel prints);
it is taken off the kernel's text with the pattern the tests use for terminal text
(`withoutTimings` in Tests/WorkspaceTests/FixtureTests.swift: ` · NUMBER s` at the end of a
line). Nothing else is. Cells marked {tolerance=X} in the
notebook (kept in the exported cell's metadata.gradbook.options) compare their numbers with
that relative tolerance, exactly as `gradbook check` does; their text must still match.

Two notebooks run at once (the machine has two cores), each kernel with one OpenBLAS thread.
Run alone: python3 Tests/KernelTests/jupyter_nbclient_notebooks.py [.build/debug/gradbook] [-k xor]"""

import concurrent.futures
import glob
import json
import os
import re
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jupyter_support import (BINARY, OPTIONS, ROOT, Scratch, expect, gradbook,  # noqa: E402
                             install_kernelspec, jupyter_environment, kernel_processes)

# A cell's wait for its reply: the slowest course cell takes about 10 s in a debug build
# on a busy machine; this only stops a kernel that has hung.
CELL_TIMEOUT = 300
TIMING = re.compile(r" · [0-9]+(\.[0-9]+)? s(?=\n|$)")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def text_of(outputs):
    """A code cell's outputs as the notebook file keeps them (see the module's doc), and how
    many figures it drew."""
    text, figures = "", 0
    for output in outputs:
        kind = output["output_type"]
        if kind == "stream":
            text += output["text"]
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if any(key.startswith("image/") for key in data):
                figures += 1
                continue
            value = data.get("text/plain", "")
            # A live line the kernel cleared at the end (its text went on as stdout) is gone.
            if value:
                text += value if value.endswith("\n") else value + "\n"
        elif kind == "error":
            text += "\n".join(output.get("traceback", [])) + "\n"
    return text, figures


def same(recorded, now, tolerance):
    """Whether the texts match: exactly, or with each number within `tolerance` (relative,
    at least absolute) — NotebookReplay.sameOutput's rule."""
    if recorded == now:
        return True
    if tolerance is None:
        return False
    if NUMBER.sub("#", recorded) != NUMBER.sub("#", now):
        return False
    a = [float(m.group()) for m in NUMBER.finditer(recorded)]
    b = [float(m.group()) for m in NUMBER.finditer(now)]
    return len(a) == len(b) and all(abs(x - y) <= tolerance * max(1, abs(x), abs(y))
                                    for x, y in zip(a, b))


def tolerance_of(cell):
    for option in cell.get("metadata", {}).get("gradbook", {}).get("options", []):
        if option.startswith("tolerance="):
            return float(option[len("tolerance="):])
    return None


def check_notebook(path, env):
    """Exports and re-runs one notebook in its own folder; returns the differences found."""
    import nbformat
    from nbclient import NotebookClient

    name = os.path.basename(path)[: -len(".nb.md")]
    with Scratch(prefix=f"gb-nbclient-{name}-") as folder:
        exported = os.path.join(folder, f"{name}.ipynb")
        done = gradbook("export", path, "--to", "ipynb", "--output", exported)
        expect(done.returncode == 0, f"export failed: {done.stderr}")
        notebook = nbformat.read(exported, as_version=4)
        expect(notebook.metadata.kernelspec.name == "gradbook",
               f"the export names kernel {notebook.metadata.kernelspec}")
        with open(path, encoding="utf-8") as f:
            fences = sum(1 for line in f if re.match(r"^```gradbook( \{.*\})?$", line))
        cells = [c for c in notebook.cells if c.cell_type == "code"]
        expect(len(cells) == fences, f"{len(cells)} code cells exported, {fences} in the file")
        recorded = [text_of(c.outputs) for c in cells]
        exported_language = dict(notebook.metadata.language_info)

        # The kernel's working folder is the notebook's: what it saves lands there.
        client = NotebookClient(notebook, kernel_name="gradbook", timeout=CELL_TIMEOUT,
                                startup_timeout=60, allow_errors=True,
                                resources={"metadata": {"path": folder}})
        client.execute(env=env)

        differences = []
        # nbclient writes the kernel's kernel_info language_info into the notebook: the
        # export must have named the same language, extension and mimetype.
        ran_language = notebook.metadata.language_info
        for key, value in exported_language.items():
            if ran_language.get(key) != value:
                differences.append(f"language_info.{key}: exported {value!r}, "
                                   f"the kernel says {ran_language.get(key)!r}")
        for number, (cell, (text, figures)) in enumerate(zip(cells, recorded), start=1):
            now, drawn = text_of(cell.outputs)
            now = TIMING.sub("", now)
            if not same(text, now, tolerance_of(cell)):
                differences.append(f"cell {number} ({cell.source.splitlines()[0]!r}):\n"
                                   f"  recorded {text!r}\n  kernel   {now!r}")
            if drawn != figures:
                differences.append(f"cell {number}: {drawn} figures, {figures} recorded")
        return differences


def run_one(path, env):
    start = time.monotonic()
    try:
        differences = check_notebook(path, env)
    except Exception:
        differences = [traceback.format_exc()]
    return path, differences, time.monotonic() - start


def main():
    notebooks = sorted(p for p in glob.glob(os.path.join(ROOT, "Notebooks", "*.nb.md"))
                       if OPTIONS.selected in os.path.basename(p))
    passed = failed = 0
    start = time.monotonic()
    with Scratch() as scratch:
        env = jupyter_environment(scratch)
        env["OPENBLAS_NUM_THREADS"] = "1"
        try:
            install_kernelspec(scratch, env)
        except Exception:
            traceback.print_exc()
            print(f"kernel tests: 0 passed, {len(notebooks)} failed", flush=True)
            sys.exit(1)
        # Jupyter looks kernelspecs up in this process's environment; the workers inherit it.
        os.environ.update(env)
        # The slowest first, so the two workers finish together.
        notebooks.sort(key=lambda p: -os.path.getsize(p))
        with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(run_one, path, env) for path in notebooks]
            for future in concurrent.futures.as_completed(futures):
                path, differences, seconds = future.result()
                name = os.path.relpath(path, ROOT)
                if differences:
                    failed += 1
                    print(f"✘ {name} ({seconds:.1f} s)", flush=True)
                    for difference in differences:
                        print("  " + difference.replace("\n", "\n  "), flush=True)
                else:
                    passed += 1
                    print(f"✔ {name}: every cell as recorded ({seconds:.1f} s)", flush=True)
    # nbclient shuts each kernel down; one still running (after a grace for its exit) would
    # be a leak.
    deadline = time.monotonic() + 10
    while kernel_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    left = kernel_processes()
    for pid in left:
        os.kill(pid, 9)
    if left:
        failed += 1
        print(f"✘ kernels left running after nbclient finished: {left}", flush=True)
    print(f"nbclient: {len(notebooks)} notebooks in {time.monotonic() - start:.0f} s", flush=True)
    print(f"kernel tests: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
