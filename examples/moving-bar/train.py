"""Trains examples/moving-bar/model.py on the moving-bar data set of make-data.ts.

    npx tsx examples/moving-bar/make-data.ts /tmp/moving-bar-data
    /usr/bin/python3 examples/moving-bar/train.py /tmp/moving-bar-data

Needs PyTorch (CPU is enough: about a minute on 2 cores) and numpy; the workbench itself
never does. Writes examples/moving-bar/weights.safetensors (written here with the
standard library: an 8-byte header length, a JSON header, the raw little-endian F32 data)
and prints the held-out accuracy of

* the float ANN: the ReLU network applied to each BIN_MS-ms frame of the event counts,
  class scores summed over the frames (the counts summed over the whole sample carry no
  direction: every pixel sees the bar once whichever way it moves);
* the float SNN: the converted network (ReLU -> integrate-and-fire, threshold 1,
  min_v_mem -1, reset by subtraction, several spikes per step, as the workbench's
  conversion and sinabs' time-stepped IAFSqueeze do it) in 1 ms steps, unquantized.

The quantized time-stepped and chip-exact event-driven accuracies come from the
workbench: `dcnn eval ... --mode timestep|event` (see README.md).
"""

import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
BIN_MS = 4
EPOCHS = 30
SEED = 0


def load_model():
    scope = {}
    with open(os.path.join(HERE, "model.py")) as f:
        exec(f.read(), scope)
    return scope["model"]


def load(data, name):
    x = np.load(os.path.join(data, f"{name}.npy"))
    y = np.load(os.path.join(data, f"{name}-labels.npy"))
    return torch.from_numpy(x), torch.from_numpy(y[:, 0].astype(np.int64))


def frames(x, bin_ms):
    n, t, c, h, w = x.shape
    return x.float().reshape(n, t // bin_ms, bin_ms, c, h, w).sum(2)


def ann_scores(model, x, bin_ms):
    """Class scores of the float ANN: the network on every frame, summed over frames."""
    f = frames(x, bin_ms)
    n, k = f.shape[:2]
    return model(f.reshape(n * k, *f.shape[2:])).reshape(n, k, -1).sum(1)


def snn_counts(model, x):
    """Output spike counts of the converted network, float weights, 1 ms steps."""
    layers = list(model)
    n, t = x.shape[:2]
    state = {}
    counts = 0
    for step in range(t):
        h = x[:, step].float()
        for i, layer in enumerate(layers):
            if isinstance(layer, nn.ReLU):
                v = state.get(i, 0) + h
                s = torch.clamp(torch.floor(v), min=0)  # MultiSpike, threshold 1
                state[i] = torch.clamp(v - s, min=-1.0)  # reset by subtraction, min_v_mem -1
                h = s
            else:
                h = layer(h)
        counts = counts + h
    return counts


def accuracy(scores, y):
    return (scores.argmax(1) == y).float().mean().item()


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().cpu().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "/tmp/moving-bar-data"
    torch.manual_seed(SEED)
    torch.set_num_threads(os.cpu_count() or 1)
    x_train, y_train = load(data, "train")
    x_test, y_test = load(data, "test")
    model = load_model()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    n = len(x_train)
    for epoch in range(EPOCHS):
        perm = torch.randperm(n)
        total = 0.0
        for b in range(0, n, 32):
            idx = perm[b : b + 32]
            scores = ann_scores(model, x_train[idx], BIN_MS)
            loss = F.cross_entropy(scores / 10.0, y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 5 == 4 or epoch == EPOCHS - 1:
            with torch.no_grad():
                print(f"epoch {epoch + 1}: loss {total / n:.4f}, ANN test accuracy {accuracy(ann_scores(model, x_test, BIN_MS), y_test):.4f}")
    with torch.no_grad():
        for i, layer in enumerate(model):
            if hasattr(layer, "weight"):
                print(f"layer {i}: max |w| {layer.weight.abs().max().item():.3f}")
        print(f"float ANN test accuracy ({BIN_MS} ms frames): {accuracy(ann_scores(model, x_test, BIN_MS), y_test):.4f}")
        print(f"float SNN test accuracy (1 ms steps): {accuracy(snn_counts(model, x_test), y_test):.4f}")
    write_safetensors(os.path.join(HERE, "weights.safetensors"), {k: v for k, v in model.state_dict().items()})


if __name__ == "__main__":
    main()
