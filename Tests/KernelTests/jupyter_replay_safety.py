#!/usr/bin/env python3
"""Issue 17 item 4 from Jupyter's side: a stranger's notebook run through the kernel (by
nbclient, as `jupyter nbconvert --execute` would) keeps every rule of notebook replay. Its
cells try to write outside the notebook's folder — `save` to `../`, to an absolute path and
through a symbolic link that points out, `plot(…, file:)` to `../` and to /tmp, `:save` of
the session as a notebook to `../` and to /tmp — and none
of it lands anywhere, and each is an error the reader sees. `save` and `plot(…, file:)`
beside the notebook still write, so the refusals are not a kernel that writes nothing.

Run alone: python3 Tests/KernelTests/jupyter_replay_safety.py [.build/debug/gradbook]"""

import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jupyter_support import (Scratch, expect, install_kernelspec,  # noqa: E402
                             jupyter_environment, kernel_processes, run_tests, test)


def files_under(folder):
    found = set()
    for parent, folders, names in os.walk(folder):
        for name in names + folders:
            found.add(os.path.relpath(os.path.join(parent, name), folder))
    return found


@test(timeout=180)
def a_notebook_run_by_the_kernel_writes_only_beside_itself():
    import nbformat
    from nbclient import NotebookClient

    with Scratch() as scratch:
        env = jupyter_environment(scratch)
        install_kernelspec(scratch, env)
        os.environ.update(env)
        outside = os.path.join(scratch, "outside")
        folder = os.path.join(outside, "course")
        elsewhere = os.path.join(scratch, "elsewhere")
        for path in (folder, elsewhere):
            os.makedirs(path)
        os.symlink(elsewhere, os.path.join(folder, "link"))
        tag = uuid.uuid4().hex[:12]
        absolute = [f"/tmp/gb-escape-{tag}.safetensors", f"/tmp/gb-escape-{tag}.svg",
                    f"/tmp/gb-escape-{tag}.nb.md", f"/tmp/gb-escape-{tag}.nb.assets"]

        refused_saves = ['save(net, "../escape.safetensors")',
                         f'save(net, "{absolute[0]}")',
                         'save(net, "link/escape.safetensors")',
                         'save(net, "course/../../escape.safetensors")',
                         # The REPL's :save writes a notebook wherever it is told; a cell may
                         # not (the front end saves the notebook).
                         ':save ../escape.nb.md', f':save /tmp/gb-escape-{tag}.nb.md']
        plots = ['plot(data, file: "../escape.svg")', f'plot(data, file: "{absolute[1]}")']
        sources = (['data = xor()', 'net = dense(2, 4, tanh) >> dense(4, 1, sigmoid)']
                   + refused_saves + plots
                   + ['save(net, "inside.safetensors")', 'plot(data, file: "inside.svg")'])
        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(s) for s in sources],
            metadata={"kernelspec": {"name": "gradbook", "display_name": "Gradbook",
                                     "language": "gradbook"}})
        before = set(kernel_processes())
        NotebookClient(notebook, kernel_name="gradbook", timeout=60, startup_timeout=60,
                       allow_errors=True, resources={"metadata": {"path": folder}}).execute()

        by_source = {cell.source: cell.outputs for cell in notebook.cells}
        for source in refused_saves + plots:
            errors = [o for o in by_source[source] if o.output_type == "error"]
            expect(errors, f"{source} was not refused: {by_source[source]}")
        for source in sources[-2:]:
            expect(not any(o.output_type == "error" for o in by_source[source]),
                   f"{source} beside the notebook failed: {by_source[source]}")
        with open(os.path.join(folder, "inside.svg"), encoding="utf-8") as f:
            expect("<svg" in f.read(), "inside.svg is not the figure")

        expect(files_under(outside) == {"course", "course/link", "course/inside.safetensors",
                                        "course/inside.svg"},
               f"files outside the notebook's folder: {sorted(files_under(outside))}")
        expect(files_under(elsewhere) == set(), f"written through the link: "
               f"{sorted(files_under(elsewhere))}")
        for path in absolute:
            exists = os.path.lexists(path)
            if exists:
                os.remove(path)
            expect(not exists, f"the kernel wrote {path}")
        expect(set(kernel_processes()) == before, "nbclient left the kernel running")


if __name__ == "__main__":
    run_tests()
