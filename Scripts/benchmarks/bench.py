"""Runs the benchmark's workloads on Gradbook and, when they are installed, on numpy,
PyTorch and JAX, alternating and repeated, and prints one table of medians and ratios. Started by
Scripts/bench; see the README's Performance section."""

import argparse
import datetime
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads as w  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--gradbook", required=True, help="the release binary")
parser.add_argument("--engine", required=True, help="gradbook-bench, the Swift API's side")
parser.add_argument("--reps", type=int, default=7, help="repetitions of each workload")
parser.add_argument("--only", help="run only the workloads whose name starts with this, e.g. W4")
args = parser.parse_args()
has_numpy = importlib.util.find_spec("numpy") is not None
has_torch = importlib.util.find_spec("torch") is not None
has_jax = importlib.util.find_spec("jax") is not None
# Why JAX's columns are empty, when they are: printed under the table.
jax_missing = None if has_jax else "JAX is not installed (Scripts/bench --peers installs jax[cpu])"
if has_jax:
    try:
        w.jax_module().devices()
    except Exception as error:  # a jaxlib that cannot load on this CPU or Python
        has_jax, jax_missing = False, f"JAX did not load ({type(error).__name__}: {error})"
g = args.gradbook
e = args.engine


def peers(numpy_fn=None, torch_fn=None, api=None, jax_fn=None):
    out = {"Swift API": api} if api else {}
    if has_numpy and numpy_fn:
        out["numpy"] = numpy_fn
    if has_torch and torch_fn:
        out["PyTorch f64"] = lambda: torch_fn("float64")
        out["PyTorch f32"] = lambda: torch_fn("float32")
    if has_jax and jax_fn:
        out["JAX step"] = lambda: jax_fn(False)
        out["JAX loop"] = lambda: jax_fn(True)
    return out


# name, unit, Gradbook, peers, and whether bigger is better (GFLOP/s).
table = [
    ("W1 XOR 2-4-1, per step", "µs", lambda: w.gradbook_xor(g),
     peers(w.numpy_xor, w.torch_xor, lambda: w.engine(e, "xor", w.XOR_EPOCHS), w.jax_xor)),
    ("W2 spiral 2-64-64-3, per step", "µs", lambda: w.gradbook_spiral(g),
     peers(None, w.torch_spiral, lambda: w.engine(e, "spiral"), w.jax_spiral)),
    ("W4 CNN 64×1×28×28, per step", "ms", lambda: w.gradbook_cnn(g),
     peers(None, w.torch_cnn, lambda: w.engine(e, "cnn", w.CNN["epochs"]), w.jax_cnn)),
    ("W4 digits CNN training, per image", "µs", lambda: w.gradbook_digits(g),
     peers(None, w.torch_digits)),
]
for n in w.MATMUL_SIZES:
    table.append((
        f"W3 matmul {n}", "GFLOP/s", (lambda n=n: w.gradbook_matmul(g, n)),
        {k: v for k, v in {
            "Swift API": lambda n=n: w.engine(e, "matmul", n, w.matmul_repeat(n)),
            "numpy": (lambda n=n: w.numpy_matmul(n)) if has_numpy else None,
            "PyTorch f64": (lambda n=n: w.torch_matmul(n)) if has_torch else None,
            "JAX step": (lambda n=n: w.jax_matmul(n)) if has_jax else None,
        }.items() if v}))
for op in ("add", "matmul"):
    table.append((
        f"W5 4×4 {op}", "µs", (lambda op=op: w.gradbook_small(g, op)),
        {k: v for k, v in {
            "Swift API": lambda op=op: w.engine(e, "small", op, 100_000),
            "numpy": (lambda op=op: w.numpy_small(op)) if has_numpy else None,
            "PyTorch f64": (lambda op=op: w.torch_small(op)) if has_torch else None,
            "JAX step": (lambda op=op: w.jax_small(op)) if has_jax else None,
        }.items() if v}))
table.append(("S startup, pipe to answer", "ms", lambda: w.gradbook_startup(g),
              {k: v for k, v in {
                  "PyTorch f64": (lambda: w.torch_startup(sys.executable)) if has_torch else None,
                  "JAX step": (lambda: w.jax_startup(sys.executable)) if has_jax else None,
              }.items() if v}))


def peak_rss_kib(command, stdin=None):
    """The peak resident size of a process running `command`. It is started by a small
    Python of its own: a process forked straight from this one (numpy and torch loaded)
    would count this process's memory as its own peak before it runs anything."""
    launcher = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdin=sys.stdin, "
                "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run(["/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "python3", "-c", launcher] + command,
                         input=stdin or "", capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


if args.only:
    table = [row for row in table if row[0].startswith(args.only)]

columns = ["Gradbook", "Swift API", "numpy", "PyTorch f64", "PyTorch f32", "JAX step", "JAX loop"]
rows = []
for name, unit, mine, others in table:
    results = {c: [] for c in ["Gradbook"] + list(others)}
    compiles = {}  # JAX's compile seconds, apart from the time per step
    notes = {}
    for _ in range(args.reps):  # alternating, so drift hits every column alike
        for column, fn in [("Gradbook", mine)] + list(others.items()):
            # The column before may have left threads spinning for the next call (OpenBLAS's
            # and OpenMP's for about 0.1-0.2 s, XLA's pool): on two cores they would take one
            # from whichever column runs next. W3 at 1024 read 126 GFLOP/s for Gradbook right
            # after JAX, and 195 alone.
            time.sleep(0.5)
            try:
                seconds, note, *compile_seconds = fn()
            except Exception as error:
                if not column.startswith("JAX"):
                    raise
                # JAX that fails on this machine leaves its cells empty, with the reason below.
                jax_missing = jax_missing or f"JAX failed in {name} ({type(error).__name__}: {error})"
                continue
            results[column].append(seconds)
            compiles.setdefault(column, []).extend(compile_seconds)
            notes[column] = note
    medians = {c: statistics.median(v) for c, v in results.items() if v}
    compile_medians = {c: statistics.median(v) for c, v in compiles.items() if v}
    rows.append((name, unit, medians, compile_medians))
    print(f"  {name}: " + ", ".join(f"{c} {notes[c]}" for c in medians), file=sys.stderr)


def shown(name, unit, seconds):
    if unit == "GFLOP/s":
        n = int(name.split()[-1])
        return f"{2 * n**3 / seconds / 1e9:.1f}"
    scale = {"µs": 1e6, "ms": 1e3}[unit]
    return f"{seconds * scale:.3g}"


memory = None
if has_torch and not args.only:
    s = w.SPIRAL
    script = (f"data = spiral({s['points']}, classes: {s['classes']});\n"
              f"net = dense(2, {s['hidden']}, relu) >> dense({s['hidden']}, {s['hidden']}, relu) >> dense({s['hidden']}, {s['classes']}, softmax);\n"
              f"fit(net, data, loss: cross_entropy, opt: sgd(lr: {s['lr']}, momentum: {s['momentum']}), batch: {s['batch']}, epochs: {s['epochs']});\n")
    mine_kib = peak_rss_kib([g], script)
    torch_kib = peak_rss_kib([sys.executable, "-c",
                              "import sys; sys.path.insert(0, %r); import workloads; workloads.torch_spiral('float64')"
                              % os.path.dirname(os.path.abspath(__file__))])
    memory = (mine_kib, torch_kib)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
versions = [f"Python {platform.python_version()}"]
if has_numpy:
    import numpy
    versions.append(f"numpy {numpy.__version__}")
if has_torch:
    import torch
    versions.append(f"torch {torch.__version__} ({torch.get_num_threads()} threads)")
if has_jax:
    import jax
    versions.append(f"jax {jax.__version__} (float64, {jax.devices()[0].platform})")


def openblas_kernels():
    """Which OpenBLAS, and which of its kernels, Gradbook and numpy run: on this project's
    machines OPENBLAS_CORETYPE chooses them (read after the measurements: loading OpenBLAS
    here starts its threads)."""
    import ctypes
    found = []
    try:
        lib = ctypes.CDLL("libopenblas.so.0")  # the one Gradbook links (Debian's)
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        version = lib.openblas_get_config().decode().split()[1]
        found.append(f"Gradbook's OpenBLAS {version} {lib.openblas_get_corename().decode()}")
    except (OSError, AttributeError, IndexError):
        pass
    if has_numpy and importlib.util.find_spec("threadpoolctl"):
        import threadpoolctl
        for info in threadpoolctl.threadpool_info():
            if "numpy" in info.get("filepath", "") and info.get("internal_api") == "openblas":
                found.append(f"numpy's OpenBLAS {info['version']} {info['architecture']}")
    coretype = os.environ.get("OPENBLAS_CORETYPE", "unset")
    return "; ".join(found + [f"OPENBLAS_CORETYPE={coretype}"])


gb_version = subprocess.run([g, "--version"], capture_output=True, text=True).stdout.strip()
print(f"Gradbook {gb_version} benchmark, {datetime.date.today()}, {cpu}, {os.cpu_count()} cores")
print("; ".join(versions) + f"; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
print(openblas_kernels())
print(f"medians of {args.reps} alternating runs; ratio = peer time / Gradbook time (for GFLOP/s: Gradbook / peer); > 1 means Gradbook is ahead")
print()
print("Gradbook runs scripts through the release binary, as a user would; Swift API calls the engine from Swift (Scripts/benchmarks/, Sources/gradbook-bench)")
print("JAX step: a jitted step (or operation) called from Python; JAX loop: the whole training loop jitted (lax.fori_loop); "
      "vs JAX: against the faster of the two; JAX compile: seconds to compile, step / loop, apart from the times per step")
print()
print("| workload | unit | Gradbook | Swift API | numpy | PyTorch f64 | PyTorch f32 | JAX step | JAX loop | JAX compile | vs numpy | vs PyTorch f64 | vs JAX |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for name, unit, medians, compile_medians in rows:
    cells = [shown(name, unit, medians[c]) if c in medians else "–" for c in columns]
    compile_cell = " / ".join(f"{compile_medians[c]:.2g}" for c in ("JAX step", "JAX loop") if c in compile_medians) or "–"
    jax_best = min((c for c in ("JAX step", "JAX loop") if c in medians), key=lambda c: medians[c], default=None)

    def ratio(peer):
        # Times are compared for every workload; for GFLOP/s that is Gradbook's rate over the peer's.
        return f"{medians[peer] / medians['Gradbook']:.2f}×" if peer in medians else "–"
    print(f"| {name} | {unit} | " + " | ".join(cells) + f" | {compile_cell} | {ratio('numpy')} | {ratio('PyTorch f64')} | {ratio(jax_best)} |")
if memory:
    mine_kib, torch_kib = memory
    print(f"| M peak memory of W2 | MiB | {mine_kib / 1024:.0f} | – | – | {torch_kib / 1024:.0f} | – | – | – | – | – | {torch_kib / mine_kib:.2f}× | – |")
if jax_missing:
    print()
    print(f"JAX's columns show –: {jax_missing}.")
