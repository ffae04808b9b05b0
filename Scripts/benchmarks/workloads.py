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
    """Products per measurement: enough that one takes about 0.15 s at the 200 GFLOP/s of
    AVX-512 kernels on two cores, where a few 1 ms products would time mostly threads
    waking, and a shorter run was seen to catch this shared machine's hiccups of tens of ms."""
    return max(3, round(0.15 / (2 * n**3 / 200e9)))


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
    # A loop as long as the timed one first, as every peer here is warmed up: a fresh process's
    # first products also pay for its threads starting and their buffers' first touch.
    repeat = matmul_repeat(n)
    setup = f"a = randn({n}, {n});\nb = randn({n}, {n});\nfor i in 1..{repeat} {{ c = a @ b; }}"
    seconds = gradbook_timed(binary, setup, "c = a @ b;", repeat)
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
    """Seconds per n × n product `a @ b` (after a warm-up loop as long), with its rate."""
    repeat = matmul_repeat(n)
    for _ in range(repeat):
        a @ b
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


# JAX on the CPU (jax[cpu] from pip), in float64 (jax_enable_x64). Each training workload
# runs two ways: a jitted step called from a Python loop, and the whole loop compiled as one
# program (lax.fori_loop over the steps). Both compile ahead of the timed part
# (jit(...).lower(...).compile()) and return that compile time third, which the table shows
# apart from the time per step.

def jax_module():
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def jax_compile(fn, *example):
    """The compiled form of jax.jit(fn) for arguments like `example`, and seconds spent."""
    jax = jax_module()
    start = time.perf_counter()
    compiled = jax.jit(fn).lower(*example).compile()
    return compiled, time.perf_counter() - start


def jax_xor(loop):
    """W1 as numpy_xor computes it (the same Xavier-uniform start from the same generator, so
    the final loss matches numpy's), the gradient by jax.grad."""
    jax = jax_module()
    import jax.numpy as jnp
    import numpy as np
    rng = np.random.default_rng(1)
    x = jnp.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=jnp.float64)
    y = jnp.array([[0], [1], [1], [0]], dtype=jnp.float64)
    params = (jnp.asarray(rng.uniform(-1, 1, (2, 4)) * np.sqrt(6 / 6)), jnp.zeros(4),
              jnp.asarray(rng.uniform(-1, 1, (4, 1)) * np.sqrt(6 / 5)), jnp.zeros(1))

    def loss(p):
        w1, b1, w2, b2 = p
        h = jnp.tanh(x @ w1 + b1)
        return jnp.mean((jax.nn.sigmoid(h @ w2 + b2) - y) ** 2)

    def step(p):
        return tuple(v - 0.5 * g for v, g in zip(p, jax.grad(loss)(p)))

    if loop:
        train, compile_seconds = jax_compile(
            lambda p: jax.lax.fori_loop(0, XOR_EPOCHS, lambda i, p: step(p), p), params)
        start = time.perf_counter()
        params = jax.block_until_ready(train(params))
    else:
        train, compile_seconds = jax_compile(step, params)
        start = time.perf_counter()
        for _ in range(XOR_EPOCHS):
            params = train(params)
        params = jax.block_until_ready(params)
    seconds = time.perf_counter() - start
    return seconds / XOR_EPOCHS, f"loss {float(loss(params)):.3g}", compile_seconds


def jax_linear_init(key, fan_in, fan_out):
    """PyTorch's default for Linear and Conv2d weights and biases: uniform in ±1/√fan_in."""
    jax = jax_module()
    import jax.numpy as jnp
    bound = 1 / fan_in**0.5
    kw, kb = jax.random.split(key)
    shape = fan_out if isinstance(fan_out, tuple) else (fan_in, fan_out)
    bias = shape[0] if isinstance(fan_out, tuple) else fan_out
    return (jax.random.uniform(kw, shape, jnp.float64, -bound, bound),
            jax.random.uniform(kb, (bias,), jnp.float64, -bound, bound))


def jax_cross_entropy(logits, labels):
    jax = jax_module()
    import jax.numpy as jnp
    log_p = jax.nn.log_softmax(logits)
    return -jnp.mean(jnp.take_along_axis(log_p, labels[:, None], axis=1))


def jax_spiral(loop):
    """W2 as torch_spiral computes it: the same data, PyTorch's initialisation scheme, softmax
    cross-entropy, SGD with momentum as torch.optim.SGD has it (v ← μv + g, w ← w − lr·v),
    shuffled batches of 64 and the last one of 900 − 14·64 = 4."""
    jax = jax_module()
    import jax.numpy as jnp
    import numpy as np
    s = SPIRAL
    x_np, y_np = spiral_data(s["points"], s["classes"])
    x, y = jnp.asarray(x_np), jnp.asarray(y_np)
    keys = jax.random.split(jax.random.PRNGKey(1), 4)
    h = s["hidden"]
    params = sum((jax_linear_init(k, i, o) for k, (i, o) in
                  zip(keys, [(2, h), (h, h), (h, s["classes"])])), ())

    def logits(p, xb):
        a = jax.nn.relu(xb @ p[0] + p[1])
        a = jax.nn.relu(a @ p[2] + p[3])
        return a @ p[4] + p[5]

    def step(state, idx):
        p, v = state
        g = jax.grad(lambda p: jax_cross_entropy(logits(p, x[idx]), y[idx]))(p)
        v = tuple(s["momentum"] * vi + gi for vi, gi in zip(v, g))
        return tuple(pi - s["lr"] * vi for pi, vi in zip(p, v)), v

    state = (params, tuple(jnp.zeros_like(p) for p in params))
    n, batch = s["points"], s["batch"]
    full = n // batch
    steps = s["epochs"] * -(-n // batch)
    if loop:
        def epoch(e, state):
            order = jax.random.permutation(jax.random.fold_in(keys[3], e), n)
            state = jax.lax.fori_loop(
                0, full, lambda i, st: step(st, jax.lax.dynamic_slice(order, (i * batch,), (batch,))),
                state)
            return step(state, order[full * batch:]) if n % batch else state
        train, compile_seconds = jax_compile(
            lambda st: jax.lax.fori_loop(0, s["epochs"], epoch, st), state)
        start = time.perf_counter()
        state = jax.block_until_ready(train(state))
    else:
        rng = np.random.default_rng(1)
        step_full, c1 = jax_compile(step, state, np.arange(batch))
        step_last, c2 = jax_compile(step, state, np.arange(n % batch or batch))
        compile_seconds = c1 + c2
        start = time.perf_counter()
        for _ in range(s["epochs"]):
            order = rng.permutation(n)
            for i in range(0, n, batch):
                idx = order[i:i + batch]
                state = (step_full if len(idx) == batch else step_last)(state, idx)
        state = jax.block_until_ready(state)
    seconds = time.perf_counter() - start
    accuracy = float(jnp.mean(jnp.argmax(logits(state[0], x), axis=1) == y))
    return seconds / steps, f"accuracy {accuracy:.3g}", compile_seconds


def jax_cnn(loop):
    """W4 as torch_cnn computes it: conv(1, 8, 3) >> relu >> maxpool(2) >> conv(8, 16, 3) >>
    relu >> maxpool(2) >> flatten >> dense(400, 10) in NCHW (lax.conv_general_dilated,
    lax.reduce_window), PyTorch's initialisation scheme, cross-entropy, SGD 0.01."""
    jax = jax_module()
    import jax.numpy as jnp
    c = CNN
    keys = jax.random.split(jax.random.PRNGKey(1), 5)
    x = jax.random.normal(keys[0], (c["images"], 1, 28, 28), jnp.float64)
    y = jax.random.randint(keys[1], (c["images"],), 0, 10)
    params = (jax_linear_init(keys[2], 1 * 9, (8, 1, 3, 3)) + jax_linear_init(keys[3], 8 * 9, (16, 8, 3, 3))
              + jax_linear_init(keys[4], 400, 10))

    def conv(a, w, b):
        out = jax.lax.conv_general_dilated(a, w, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return out + b[None, :, None, None]

    def pool(a):
        return jax.lax.reduce_window(a, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def loss(p):
        a = pool(jax.nn.relu(conv(x, p[0], p[1])))
        a = pool(jax.nn.relu(conv(a, p[2], p[3])))
        return jax_cross_entropy(a.reshape(a.shape[0], -1) @ p[4] + p[5], y)

    def step(p):
        return tuple(v - c["lr"] * g for v, g in zip(p, jax.grad(loss)(p)))

    if loop:
        train, compile_seconds = jax_compile(
            lambda p: jax.lax.fori_loop(0, c["epochs"], lambda i, p: step(p), p), params)
        start = time.perf_counter()
        params = jax.block_until_ready(train(params))
    else:
        train, compile_seconds = jax_compile(step, params)
        start = time.perf_counter()
        for _ in range(c["epochs"]):
            params = train(params)
        params = jax.block_until_ready(params)
    seconds = time.perf_counter() - start
    return seconds / c["epochs"], f"loss {float(loss(params)):.3g}", compile_seconds


def jax_matmul(n):
    """Seconds per n × n product, jitted jnp.dot, each waited for (block_until_ready)."""
    jax = jax_module()
    import numpy as np
    a = jax.numpy.asarray(np.random.standard_normal((n, n)))
    b = jax.numpy.asarray(np.random.standard_normal((n, n)))
    dot, compile_seconds = jax_compile(jax.numpy.dot, a, b)
    repeat = matmul_repeat(n)
    for _ in range(repeat):
        dot(a, b).block_until_ready()
    start = time.perf_counter()
    for _ in range(repeat):
        dot(a, b).block_until_ready()
    seconds = (time.perf_counter() - start) / repeat
    return seconds, f"{2 * n**3 / seconds / 1e9:.1f} GFLOP/s", compile_seconds


def jax_small(op):
    """Seconds per jitted 4×4 `a + b` or `a @ b`, each waited for, less the empty loop; the
    fastest of three timings of each, as time_small."""
    jax = jax_module()
    import numpy as np
    a = jax.numpy.asarray(np.random.standard_normal((4, 4)))
    b = jax.numpy.asarray(np.random.standard_normal((4, 4)))
    f, compile_seconds = jax_compile((lambda a, b: a + b) if op == "add" else (lambda a, b: a @ b), a, b)
    repeat = 20_000
    loops, empties = [], []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            f(a, b).block_until_ready()
        loops.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(repeat):
            c = a
        empties.append(time.perf_counter() - start)
    del c
    return max(min(loops) - min(empties), 1e-9) / repeat, "4×4", compile_seconds


def jax_startup(python):
    start = time.perf_counter()
    out = subprocess.run([python, "-c", "import jax; jax.config.update('jax_enable_x64', True); "
                          "import jax.numpy as jnp; print(jnp.array([[1., 2], [3, 4]]) @ jnp.array([[1.], [1]]))"],
                         capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout.split("\n")[0]
