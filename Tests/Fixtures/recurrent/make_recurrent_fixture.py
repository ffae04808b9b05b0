"""Writes recurrent_pytorch.json: inputs, weights, PyTorch's outputs and gradients for
Tests/NeuralNetTests/PyTorchRecurrentTests.swift, and recurrent_pytorch.safetensors, a
state_dict of nn.Sequential(nn.LSTM(3, 4), …) as PyTorch names it, for the weight-file round
trip. Run with torch 2.13.0+cpu (Scripts/setup --fixtures installs it) and safetensors
(Scripts/setup --tests):

    python3 Tests/Fixtures/recurrent/make_recurrent_fixture.py

Each case: nn.RNN / nn.GRU / nn.LSTM (one layer, batch_first, float64) over x [n, time, in],
returning every step's output or only the last hidden state h_n, reduced to
loss = Σ out · r with fixed random r; the file holds the state_dict (flat, row-major),
out and ∂loss/∂x and ∂loss/∂ each parameter."""

import json
import os

import torch

torch.manual_seed(16)
KINDS = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}
NAMES = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]


def case(kind, n, time, inputs, hidden, sequences):
    layer = KINDS[kind](inputs, hidden, batch_first=True).double()
    x = torch.randn(n, time, inputs, dtype=torch.float64, requires_grad=True)
    out, state = layer(x)
    h = state[0] if kind == "lstm" else state
    y = out if sequences else h[0]
    r = torch.randn(*y.shape, dtype=torch.float64)
    (y * r).sum().backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    params = dict(layer.named_parameters())
    return {
        "kind": kind, "inputs": inputs, "hidden": hidden, "sequences": sequences,
        "x_shape": list(x.shape), "out_shape": list(y.shape),
        "x": flat(x), "r": flat(r), "out": flat(y), "dx": flat(x.grad),
        "parameters": {name: flat(params[name]) for name in NAMES},
        "gradients": {name: flat(params[name].grad) for name in NAMES},
    }


cases = [
    case(kind, 2, 5, 3, 4, sequences)
    for kind in ["rnn", "gru", "lstm"]
    for sequences in [False, True]
]
here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "recurrent_pytorch.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
    f.write("\n")

# A model as PyTorch users write one, saved with PyTorch's own names: the LSTM is module 0,
# the linear head module 1 (Gradbook's dense names its weights w and b).
from safetensors.torch import save_file  # noqa: E402

lstm = torch.nn.LSTM(3, 4, batch_first=True).double()
state = {f"0.{k}": v.detach().contiguous() for k, v in lstm.state_dict().items()}
save_file(state, os.path.join(here, "recurrent_pytorch.safetensors"))
x = torch.randn(2, 5, 3, dtype=torch.float64)
with open(os.path.join(here, "recurrent_pytorch_lstm.json"), "w") as f:
    json.dump({"x": x.reshape(-1).tolist(), "h": lstm(x)[1][0][0].reshape(-1).tolist()}, f)
    f.write("\n")
print(f"wrote {path} with torch {torch.__version__}")
