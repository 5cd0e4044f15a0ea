"""PyTorch side of the MLP training-step benchmark (Debian python3-torch, 2 threads).

usage: torchMlpStep.py DIM HIDDEN(comma-separated) BATCH STEPS
The network is sbkit's drift MLP: [x, sin(1000 t w_k), cos(1000 t w_k)] -> Linear/SiLU layers -> DIM, with a
64-dimensional time embedding; Adam (lr 1e-3), MSE loss, float32. Prints one JSON line with ms per step.
"""
import json
import math
import sys
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
dim, hidden, batch, steps = int(sys.argv[1]), [int(h) for h in sys.argv[2].split(",")], int(sys.argv[3]), int(sys.argv[4])
EMB = 64
freqs = torch.tensor([1000 * math.exp(-math.log(10000) * k / (EMB // 2)) for k in range(EMB // 2)])


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        widths = [dim + EMB, *hidden, dim]
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))

    def forward(self, x, t):
        ang = t * freqs
        h = torch.cat([x, torch.sin(ang), torch.cos(ang)], dim=1)
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i + 1 < len(self.layers):
                h = torch.nn.functional.silu(h)
        return h


model = Mlp()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(batch, dim)
t = torch.rand(batch, 1)
y = torch.randn(batch, dim)


def step():
    opt.zero_grad()
    loss = ((model(x, t) - y) ** 2).mean()
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(5):
    step()
t0 = time.perf_counter()
for _ in range(steps):
    step()
ms = (time.perf_counter() - t0) / steps * 1000
print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(), "dim": dim, "hidden": hidden, "batch": batch, "msPerStep": ms}))
