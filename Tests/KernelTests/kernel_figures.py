"""Figures through the kernel: `plot(...)` gives display_data with a real SVG and a real PNG
(drawn by gnuplot), `fit(..., live: true)` a loss curve redrawn in place, and `file:` writes
only inside the kernel's folder (the notebook's), as notebook replay does; `save` too."""

import base64
import os
import struct
import tempfile
import time

import kernel_support as support

checks = support.Checks()


def displays(outputs, kind="display_data"):
    return [m["content"] for m in outputs if m["msg_type"] == kind]


def figure_tests():
    outside = tempfile.mkdtemp(prefix="gradbook-outside-")
    km, kc, folder = support.start_kernel()
    reply, outputs = support.execute(kc, 'plot([1, 4, 9, 16], title: "squares")')
    checks.check("plot runs", reply["content"]["status"] == "ok", reply["content"])
    [shown] = displays(outputs) or [None]
    data = shown["data"] if shown else {}
    svg = data.get("image/svg+xml", "")
    checks.check("the figure is an SVG document gnuplot drew",
                 svg.lstrip().startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
                 and "squares" in svg, svg[:200])
    png = base64.b64decode(data.get("image/png", ""))
    width, height = struct.unpack(">II", png[16:24]) if len(png) > 24 else (0, 0)
    checks.check("the figure is a PNG image of 800×600",
                 png.startswith(b"\x89PNG\r\n\x1a\n") and (width, height) == (800, 600),
                 (png[:8], width, height))
    checks.check("a figure is not the cell's value", support.result(outputs) is None)

    # file: writes beside the notebook, and nowhere else.
    reply, outputs = support.execute(kc, 'plot([1, 2], file: "line.svg")')
    written = os.path.join(folder, "line.svg")
    checks.check("file: writes the figure in the kernel's folder",
                 os.path.exists(written) and "<svg" in open(written).read(), os.listdir(folder))
    checks.check("... says so, and shows it", "wrote line.svg" in support.stdout(outputs)
                 and len(displays(outputs)) == 1, outputs)
    escape = os.path.join(outside, "escape.svg")
    for name in (escape, "../" + os.path.basename(outside) + "/escape.svg"):
        reply, _ = support.execute(kc, f'plot([1, 2], file: "{name}")')
        checks.check(f"file: {name} is refused", reply["content"]["status"] == "error"
                     and "own folder" in reply["content"]["evalue"], reply["content"])
    checks.check("... and nothing is written outside", os.listdir(outside) == [])
    reply, _ = support.execute(kc, f'net = dense(2, 1)\nsave(net, "{outside}/net.safetensors")')
    checks.check("save outside the folder is refused", reply["content"]["status"] == "error"
                 and "own folder" in reply["content"]["evalue"] and os.listdir(outside) == [],
                 reply["content"])
    reply, _ = support.execute(kc, 'save(net, "net.safetensors")')
    checks.check("save beside the notebook works",
                 os.path.exists(os.path.join(folder, "net.safetensors")), reply["content"])

    # The live loss curve: one display, redrawn in place with the same id.
    support.execute(kc, "data = xor()\nnet = dense(2, 4, tanh) >> dense(4, 1, sigmoid);")
    # A run long enough to be redrawn (the curve is redrawn less often when drawing is slow),
    # interrupted once it has been.
    msg_id = kc.execute("fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: 10000000, live: true);")
    first, updates = [], []
    deadline = time.time() + 60
    while not updates and time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        content = msg["content"]
        if "image/svg+xml" in content.get("data", {}):
            (updates if msg["msg_type"] == "update_display_data" else first).append(content)
    km.interrupt_kernel()
    support.shell_reply(kc, msg_id)
    outputs = support.iopub_until_idle(kc, msg_id)
    updates += [d for d in displays(outputs, "update_display_data") if "image/svg+xml" in d["data"]]
    checks.check("live: true shows the loss curve once", len(first) == 1, len(first))
    ids = {d["transient"]["display_id"] for d in first + updates}
    checks.check("... and redraws it in place", len(updates) >= 1 and len(ids) == 1,
                 (len(updates), ids))
    checks.check("... until interrupted", "interrupted in epoch" in support.stdout(outputs),
                 support.stdout(outputs))


checks.run("figures", figure_tests)
checks.finish()
