"""Writes deconv_pytorch.json: inputs, weights, PyTorch's outputs and gradients for
Tests/NeuralNetTests/PyTorchDeconvTests.swift. Run with torch 2.13.0+cpu (Scripts/setup
--fixtures installs it):

    python3 Tests/Fixtures/deconv/make_deconv_fixture.py

Each case: a transposed convolution (float64, nn.ConvTranspose2d's weight layout
[in, out, kh, kw]) of x with w and b, optionally followed by nearest upsampling
(nn.Upsample(scale_factor=s)), reduced to loss = Σ out · r with fixed random r; the file holds
out and ∂loss/∂x, ∂loss/∂w, ∂loss/∂b, all flat in row-major order."""

import json
import os

import torch

torch.manual_seed(16)
F = torch.nn.functional


def case(name, x_shape, out, kernel, stride, pad, upsample=None):
    x = torch.randn(*x_shape, dtype=torch.float64, requires_grad=True)
    w = torch.randn(x_shape[1], out, *kernel, dtype=torch.float64, requires_grad=True)
    b = torch.randn(out, dtype=torch.float64, requires_grad=True)
    y = F.conv_transpose2d(x, w, b, stride=stride, padding=pad)
    if upsample:
        y = torch.nn.Upsample(scale_factor=upsample, mode="nearest")(y)
    r = torch.randn(*y.shape, dtype=torch.float64)
    (y * r).sum().backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {
        "name": name, "stride": stride, "pad": pad, "upsample": upsample,
        "x_shape": list(x.shape), "w_shape": list(w.shape), "out_shape": list(y.shape),
        "x": flat(x), "w": flat(w), "b": flat(b), "r": flat(r), "out": flat(y),
        "dx": flat(x.grad), "dw": flat(w.grad), "db": flat(b.grad),
    }


cases = [
    case("plain 3×3", (2, 3, 4, 5), 2, (3, 3), 1, 0),
    case("stride 2, 2×2 kernel: the decoder's doubling", (2, 4, 3, 3), 3, (2, 2), 2, 0),
    case("stride 2 pad 1, 3×2 kernel", (2, 2, 4, 3), 3, (3, 2), 2, 1),
    case("stride 3 pad 2, 4×4 kernel, then nearest upsampling by 2", (1, 3, 3, 2), 2, (4, 4), 3, 2,
         upsample=2),
]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "deconv_pytorch.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
    f.write("\n")
print(f"wrote {path} with torch {torch.__version__}")
