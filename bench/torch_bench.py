"""Native reference for bench/bench.mjs: the same MLP, data bytes and loop as the browser side.

Usage: /usr/bin/python3 bench/torch_bench.py bench/out/data.json [--threads N] [--repeats R]
Prints one JSON object on stdout.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("header")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--latency-runs", type=int, default=300)
parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
# One 3-epoch run takes well under a second here, and with 2 OpenMP threads its speed swung
# 3x from run to run on this VM, so the native figure is the median of several full runs.
parser.add_argument("--repeats", type=int, default=5)
args = parser.parse_args()

with open(args.header) as f:
    header = json.load(f)
raw = np.fromfile(os.path.join(os.path.dirname(args.header), header["file"]), dtype=np.uint8)
n, width, classes = header["n"], header["width"], header["classes"]
x = torch.from_numpy(raw[header["xOffset"]:header["xOffset"] + n * width * 4].view("<f4").reshape(n, width).copy())
y = torch.from_numpy(raw[header["yOffset"]:header["yOffset"] + n * 4].view("<i4").astype(np.int64))

torch.manual_seed(1)
torch.set_num_threads(args.threads)
bs = args.batch_size
batches = (n + bs - 1) // bs
loss_fn = nn.CrossEntropyLoss()


def train_once():
    model = nn.Sequential(nn.Linear(width, 128), nn.ReLU(), nn.Linear(128, classes))
    # eps matches tfjs's Adam default (1e-7); it does not change the amount of work.
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)

    def run_batch(b):
        optimizer.zero_grad()
        loss = loss_fn(model(x[b * bs:(b + 1) * bs]), y[b * bs:(b + 1) * bs])
        loss.backward()
        optimizer.step()
        # The browser reads every batch loss back; .item() is the same per-batch sync point.
        return loss.item()

    run_batch(0)
    start = time.perf_counter()
    for _ in range(args.epochs):
        total = sum(run_batch(b) for b in range(batches))
    return model, (time.perf_counter() - start) * 1000, total / batches


runs = [train_once() for _ in range(args.repeats)]
model = runs[-1][0]
train_ms = [r[1] for r in runs]

row = x[0:1].numpy().copy()
times = []
model.eval()
with torch.no_grad():
    for i in range(20 + args.latency_runs):
        t0 = time.perf_counter()
        model(torch.from_numpy(row)).numpy()
        if i >= 20:
            times.append((time.perf_counter() - t0) * 1000)
times.sort()

print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "cpuCount": os.cpu_count(),
    "epochs": args.epochs,
    "samples": n,
    "batches": batches,
    "repeats": args.repeats,
    "trainMs": statistics.median(train_ms),
    "samplesPerSecond": args.epochs * n / (statistics.median(train_ms) / 1000),
    "samplesPerSecondRange": [args.epochs * n / (max(train_ms) / 1000), args.epochs * n / (min(train_ms) / 1000)],
    "lastEpochLoss": runs[-1][2],
    "latency": {
        "runs": len(times),
        "medianMs": statistics.median(times),
        "p10Ms": times[int(0.1 * len(times))],
        "p90Ms": times[int(0.9 * len(times))],
        "meanMs": sum(times) / len(times),
    },
}))
