"""Writes conv_pytorch.json: inputs, weights, PyTorch's outputs and gradients for
Tests/NeuralNetTests/PyTorchConvTests.swift. Run with torch 2.13.0+cpu (Scripts/setup --tests
installs it; so does Scripts/bench --peers into .build/bench-venv):

    python3 Tests/Fixtures/conv/make_conv_fixture.py

Each case: a convolution (float64) of x with w and b, optionally followed by max pooling
(size, stride, ceil_mode) and average pooling, reduced to loss = Σ out · r with fixed random r;
the file holds out and ∂loss/∂x, ∂loss/∂w, ∂loss/∂b, all flat in row-major order."""

import json
import os

import torch

torch.manual_seed(15)
F = torch.nn.functional


def case(name, x_shape, out, kernel, stride, pad, groups, maxpool=None, avgpool=None):
    x = torch.randn(*x_shape, dtype=torch.float64, requires_grad=True)
    w = torch.randn(out, x_shape[1] // groups, *kernel, dtype=torch.float64, requires_grad=True)
    b = torch.randn(out, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, w, b, stride=stride, padding=pad, groups=groups)
    if maxpool:
        size, step, ceil = maxpool
        y = F.max_pool2d(y, size, step, ceil_mode=ceil)
    if avgpool:
        size, step = avgpool
        y = F.avg_pool2d(y, size, step)
    r = torch.randn(*y.shape, dtype=torch.float64)
    (y * r).sum().backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {
        "name": name, "stride": stride, "pad": pad, "groups": groups,
        "maxpool": [maxpool[0], maxpool[1], int(maxpool[2])] if maxpool else None, "avgpool": list(avgpool) if avgpool else None,
        "x_shape": list(x.shape), "w_shape": list(w.shape), "out_shape": list(y.shape),
        "x": flat(x), "w": flat(w), "b": flat(b), "r": flat(r), "out": flat(y),
        "dx": flat(x.grad), "dw": flat(w.grad), "db": flat(b.grad),
    }


cases = [
    case("plain 3×3", (2, 3, 8, 7), 4, (3, 3), 1, 0, 1),
    case("stride 2 pad 1 groups 2, 3×2 kernel", (2, 4, 9, 6), 6, (3, 2), 2, 1, 2),
    case("conv then overlapping ceil-mode max pool", (2, 2, 10, 9), 4, (3, 3), 1, 1, 1,
         maxpool=(3, 2, True)),
    case("conv then max pool 2 then average pool", (3, 1, 12, 12), 5, (3, 3), 1, 0, 1,
         maxpool=(2, 2, False), avgpool=(2, 1)),
]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_pytorch.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
    f.write("\n")
print(f"wrote {path} with torch {torch.__version__}")
