#!/usr/bin/env python3
"""Writes lrn_pytorch.json: PyTorch's LocalResponseNorm of one fixed input, for several
sizes (odd and even) and settings, so that Gradbook's lrn can be checked against it
(Tests/NeuralNetTests/LocalResponseNormLayerTests.swift).

Gradbook's lrn takes the AlexNet paper's alpha; PyTorch divides its alpha by size, so each
case is run in PyTorch with alpha * size. Run with torch installed (CPU build, float64):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install 'torch==2.13.0+cpu'
    /tmp/venv/bin/python Tests/Fixtures/lrn_pytorch.py
"""
import json
import os

import torch

torch.manual_seed(15)
shape = [2, 7, 3, 2]
x = (torch.rand(shape, dtype=torch.float64) * 4 - 2)

cases = []
for size, alpha, beta, k in [
    (5, 1e-4, 0.75, 2.0),  # AlexNet's
    (5, 0.05, 0.75, 2.0),  # a larger alpha, so the sum matters
    (1, 0.3, 0.5, 1.0),
    (2, 0.2, 0.75, 1.0),
    (3, 0.1, 1.5, 0.5),
    (4, 0.2, 0.75, 2.0),
    (6, 0.1, 0.6, 1.0),
    (9, 0.05, 0.75, 1.0),  # wider than the 7 channels
]:
    layer = torch.nn.LocalResponseNorm(size, alpha=alpha * size, beta=beta, k=k)
    y = layer(x)
    cases.append({
        "size": size, "alpha": alpha, "torch_alpha": alpha * size, "beta": beta, "k": k,
        "output": y.flatten().tolist(),
    })

fixture = {
    "generator": "Tests/Fixtures/lrn_pytorch.py, torch " + torch.__version__,
    "shape": shape,
    "input": x.flatten().tolist(),
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lrn_pytorch.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
