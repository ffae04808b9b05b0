"""The benchmark's workloads, written for it, in Gradbook, numpy and PyTorch: the same data,
models, initialisation scheme and hyperparameters everywhere. Each function returns
(seconds of the measured part, what it computed) so a reader sees the work was done."""

import gzip
import os
import subprocess
import time

XOR_EPOCHS = 10_000
SPIRAL = dict(points=900, classes=3, hidden=64, epochs=200, batch=64, lr=0.05, momentum=0.9)
MATMUL_SIZES = (256, 512, 1024, 2048)
# W4: one SGD step of a small CNN on a full batch of 64 images of 1×28×28 (random pixels and
# labels: the arithmetic, not what is learned, is measured).
CNN = dict(images=64, epochs=100, lr=0.01)
CNN_MODEL = ("conv(1, 8, 3) >> relu >> maxpool(2) >> conv(8, 16, 3) >> relu >> maxpool(2) "
             ">> flatten >> dense(400, 10)")

# The digits CNN of the cnn notebook, trained as there (Adam 0.01, shuffled batches of 32) on
# the 1,797 8×8 digits Gradbook carries (its own file, read by numpy for the peers).
DIGITS = dict(epochs=20, batch=32, lr=0.01, images=1797)
DIGITS_MODEL = ("conv(1, 16, 3, pad: 1) >> relu >> maxpool(2) >> conv(16, 32, 3, pad: 1) >> relu "
                ">> maxpool(2) >> flatten >> dense(128, 10)")
DIGITS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Sources",
                           "NeuralNet", "Datasets", "Resources", "digits.csv.gz")


def matmul_repeat(n):
    """Products per measurement: enough that one takes about 50 ms, where a few 1 ms products
    would time mostly OpenBLAS waking its threads."""
    return max(3, round(0.05 / (2 * n**3 / 30e9)))


# Gradbook: scripts run by the release binary, the way a user runs them.

def gradbook(binary, script):
    """Runs a script; gives its output lines."""
    out = subprocess.run([binary], input=script, capture_output=True, text=True, check=True)
    return out.stdout.strip().split("\n")


def gradbook_xor(binary):
    lines = gradbook(binary, f"""
data = xor();
net = dense(2, 4, tanh) >> dense(4, 1, sigmoid);
h = fit(net, data, loss: mse, opt: sgd(lr: 0.5), epochs: {XOR_EPOCHS});
print(h.seconds, digits: 17)
print(h.loss[-1], digits: 17)
""")
    return float(lines[-2]) / XOR_EPOCHS, f"loss {float(lines[-1]):.3g}"


def gradbook_spiral(binary):
    s = SPIRAL
    lines = gradbook(binary, f"""
data = spiral({s['points']}, classes: {s['classes']});
net = dense(2, {s['hidden']}, relu) >> dense({s['hidden']}, {s['hidden']}, relu) >> dense({s['hidden']}, {s['classes']}, softmax);
h = fit(net, data, loss: cross_entropy, opt: sgd(lr: {s['lr']}, momentum: {s['momentum']}), batch: {s['batch']}, epochs: {s['epochs']});
print(h.seconds, digits: 17)
print(accuracy(net, data), digits: 17)
""")
    steps = s["epochs"] * -(-s["points"] // s["batch"])
    return float(lines[-2]) / steps, f"accuracy {float(lines[-1]):.3g}"


def gradbook_cnn(binary):
    c = CNN
    lines = gradbook(binary, f"""
data = dataset(randn({c['images']}, 1, 28, 28), floor(rand({c['images']}) * 10), classes: 10);
net = {CNN_MODEL};
h = fit(net, data, loss: cross_entropy, opt: sgd(lr: {c['lr']}), batch: {c['images']}, epochs: {c['epochs']});
print(h.seconds, digits: 17)
print(h.loss[-1], digits: 17)
""")
    return float(lines[-2]) / c["epochs"], f"loss {float(lines[-1]):.3g}"


def gradbook_digits(binary):
    d = DIGITS
    lines = gradbook(binary, f"""
net = {DIGITS_MODEL};
h = fit(net, digits(), loss: cross_entropy, opt: adam(lr: {d['lr']}), batch: {d['batch']}, epochs: {d['epochs']});
print(h.seconds, digits: 17)
print(h.accuracy[-1], digits: 17)
""")
    seconds = float(lines[-2]) / (d["epochs"] * d["images"])
    return seconds, f"{1 / seconds:,.0f} images/s, training accuracy {float(lines[-1]):.3g}"


def gradbook_times(binary, setup, statements, repeat):
    """Seconds per run of each statement, timed in one process by the REPL's :time over
    `repeat` runs in a loop."""
    script = setup + "".join(f"\n:time for i in 1..{repeat} {{ {s} }}" for s in statements) + "\n"
    out = subprocess.run([binary, "-i"], input=script, capture_output=True, text=True, check=True)
    times = []
    for line in [l for l in out.stdout.split("\n") if "time: " in l]:
        value, unit = line.split("time: ")[1].split()
        times.append(float(value) * {"s": 1, "ms": 1e-3, "µs": 1e-6}[unit] / repeat)
    return times


def gradbook_timed(binary, setup, statement, repeat):
    """Seconds per run of `statement`, timed by the REPL's :time over `repeat` runs in a loop."""
    return gradbook_times(binary, setup, [statement], repeat)[-1]


def gradbook_matmul(binary, n):
    # One product before the timed loop, as time_matmul warms numpy and PyTorch up.
    setup = f"a = randn({n}, {n});\nb = randn({n}, {n});\nc = a @ b;"
    seconds = gradbook_timed(binary, setup, "c = a @ b;", matmul_repeat(n))
    return seconds, f"{2 * n**3 / seconds / 1e9:.1f} GFLOP/s"


def gradbook_small(binary, op):
    """The loop with the operation and the empty loop, three times each in one process (as
    time_small does), the fastest of each: the difference of two single timings is mostly
    noise at this size."""
    statement = "c = a + b;" if op == "add" else "c = a @ b;"
    times = gradbook_times(binary, "a = randn(4, 4);\nb = randn(4, 4);",
                           [statement, "c = a;"] * 3, 100_000)
    return max(min(times[0::2]) - min(times[1::2]), 1e-9), "4×4"


def gradbook_startup(binary):
    start = time.perf_counter()
    out = subprocess.run([binary], input="[[1, 2], [3, 4]] @ [[1], [1]]\n", capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout.split("\n")[-2]


# The engine through its Swift API (Sources/gradbook-bench): the same work without the language.

def engine(binary, *arguments):
    out = subprocess.run([binary] + [str(a) for a in arguments], capture_output=True, text=True, check=True)
    seconds, note = out.stdout.strip().split(" ", 1)
    return float(seconds), note


# numpy, written by hand as a student would.

def numpy_xor():
    import numpy as np
    rng = np.random.default_rng(1)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    # Xavier uniform, as Gradbook's dense.
    w1 = rng.uniform(-1, 1, (2, 4)) * np.sqrt(6 / 6)
    b1 = np.zeros(4)
    w2 = rng.uniform(-1, 1, (4, 1)) * np.sqrt(6 / 5)
    b2 = np.zeros(1)
    start = time.perf_counter()
    for _ in range(XOR_EPOCHS):
        h = np.tanh(x @ w1 + b1)
        o = 1 / (1 + np.exp(-(h @ w2 + b2)))
        d_o = (o - y) * (2 / y.size) * o * (1 - o)
        d_h = (d_o @ w2.T) * (1 - h * h)
        w2 -= 0.5 * (h.T @ d_o)
        b2 -= 0.5 * d_o.sum(0)
        w1 -= 0.5 * (x.T @ d_h)
        b1 -= 0.5 * d_h.sum(0)
    seconds = time.perf_counter() - start
    return seconds / XOR_EPOCHS, f"loss {float(((o - y) ** 2).mean()):.3g}"


def time_matmul(a, b, n):
    """Seconds per n × n product `a @ b` (after one warm-up), with its rate."""
    a @ b
    repeat = matmul_repeat(n)
    start = time.perf_counter()
    for _ in range(repeat):
        a @ b
    seconds = (time.perf_counter() - start) / repeat
    return seconds, f"{2 * n**3 / seconds / 1e9:.1f} GFLOP/s"


def numpy_matmul(n):
    import numpy as np
    return time_matmul(np.random.standard_normal((n, n)), np.random.standard_normal((n, n)), n)


def time_small(a, b, op):
    """Seconds per `a + b` or `a @ b` in a Python loop, less the cost of the loop itself; the
    fastest of three timings of each."""
    repeat = 100_000
    loops, empties = [], []
    for _ in range(3):
        start = time.perf_counter()
        if op == "add":
            for _ in range(repeat):
                c = a + b
        else:
            for _ in range(repeat):
                c = a @ b
        loops.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(repeat):
            c = a
        empties.append(time.perf_counter() - start)
    del c
    return max(min(loops) - min(empties), 1e-9) / repeat, "4×4"


def numpy_small(op):
    import numpy as np
    return time_small(np.random.standard_normal((4, 4)), np.random.standard_normal((4, 4)), op)


# PyTorch on the CPU.

def torch_xor(dtype_name):
    import torch
    dtype = getattr(torch, dtype_name)
    torch.manual_seed(1)
    x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype)
    y = torch.tensor([[0], [1], [1], [0]], dtype=dtype)
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1), torch.nn.Sigmoid()).to(dtype)
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    loss_fn = torch.nn.MSELoss()
    start = time.perf_counter()
    for _ in range(XOR_EPOCHS):
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    return seconds / XOR_EPOCHS, f"loss {loss.item():.3g}"


def spiral_data(points, classes, seed=1):
    import numpy as np
    rng = np.random.default_rng(seed)
    per = points // classes
    xs, ys = [], []
    for k in range(classes):
        r = np.linspace(0.0, 1, per)
        t = np.linspace(k * 4, (k + 1) * 4, per) + rng.standard_normal(per) * 0.2
        xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys += [k] * per
    return np.concatenate(xs), np.array(ys)


def torch_spiral(dtype_name):
    import torch
    s = SPIRAL
    dtype = getattr(torch, dtype_name)
    torch.manual_seed(1)
    x_np, y_np = spiral_data(s["points"], s["classes"])
    x = torch.tensor(x_np, dtype=dtype)
    y = torch.tensor(y_np)
    h = s["hidden"]
    net = torch.nn.Sequential(torch.nn.Linear(2, h), torch.nn.ReLU(), torch.nn.Linear(h, h), torch.nn.ReLU(), torch.nn.Linear(h, s["classes"])).to(dtype)
    opt = torch.optim.SGD(net.parameters(), lr=s["lr"], momentum=s["momentum"])
    loss_fn = torch.nn.CrossEntropyLoss()
    steps = 0
    start = time.perf_counter()
    for _ in range(s["epochs"]):
        order = torch.randperm(len(x))
        for i in range(0, len(x), s["batch"]):
            idx = order[i:i + s["batch"]]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            steps += 1
    seconds = time.perf_counter() - start
    accuracy = (net(x).argmax(1) == y).double().mean().item()
    return seconds / steps, f"accuracy {accuracy:.3g}"


def torch_cnn(dtype_name):
    import torch
    c = CNN
    dtype = getattr(torch, dtype_name)
    torch.manual_seed(1)
    x = torch.randn(c["images"], 1, 28, 28, dtype=dtype)
    y = torch.randint(0, 10, (c["images"],))
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 10)).to(dtype)
    opt = torch.optim.SGD(net.parameters(), lr=c["lr"])
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(c["epochs"]):
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    return seconds / c["epochs"], f"loss {loss.item():.3g}"


def torch_digits(dtype_name):
    import numpy as np
    import torch
    d = DIGITS
    dtype = getattr(torch, dtype_name)
    torch.manual_seed(1)
    with gzip.open(DIGITS_FILE, "rt") as f:
        rows = np.loadtxt(f, delimiter=",")
    x = torch.tensor(rows[:, :64].reshape(-1, 1, 8, 8) / 16, dtype=dtype)
    y = torch.tensor(rows[:, 64], dtype=torch.long)
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(128, 10)).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=d["lr"])
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(d["epochs"]):
        order = torch.randperm(len(x))
        for i in range(0, len(x), d["batch"]):
            idx = order[i:i + d["batch"]]
            opt.zero_grad()
            loss_fn(net(x[idx]), y[idx]).backward()
            opt.step()
    seconds = (time.perf_counter() - start) / (d["epochs"] * len(x))
    accuracy = (net(x).argmax(1) == y).double().mean().item()
    return seconds, f"{1 / seconds:,.0f} images/s, training accuracy {accuracy:.3g}"


def torch_matmul(n):
    import torch
    return time_matmul(torch.randn(n, n, dtype=torch.float64), torch.randn(n, n, dtype=torch.float64), n)


def torch_small(op):
    import torch
    return time_small(torch.randn(4, 4, dtype=torch.float64), torch.randn(4, 4, dtype=torch.float64), op)


def torch_startup(python):
    start = time.perf_counter()
    out = subprocess.run([python, "-c", "import torch; print(torch.tensor([[1., 2], [3, 4]]) @ torch.tensor([[1.], [1]]))"], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout.split("\n")[0]
