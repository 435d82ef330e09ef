"""Native reference for scripts/models/bench-cnn.ts: the small CNN of issue 10 trained by PyTorch on the CPU.

Usage: /usr/bin/python3 scripts/models/bench_cnn_torch.py [--threads N] [--batches B] [--repeats R]
Prints the BLAS, a matmul GFLOP/s line (TOOLCHAIN.md: without OpenBLAS PyTorch looks 20x slower),
then one JSON line. Same work as the tfjs side: conv 32 3x3 relu, maxpool 2, conv 64 3x3 relu,
maxpool 2, dense 128 relu, dense 10; softmax cross-entropy, Adam, batch 128, seeded random 28x28
inputs, loss read back after every batch. The figure is the median of several runs.
"""
import argparse
import json
import os
import statistics
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--batches", type=int, default=40)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--latency-runs", type=int, default=300)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(1)
a = torch.randn(512, 512)
torch.mm(a, a)
t0 = time.perf_counter()
for _ in range(20):
    torch.mm(a, a)
gflops = 20 * 2 * 512 ** 3 / (time.perf_counter() - t0) / 1e9
blas = [part.strip() for part in torch.__config__.show().replace("\n", ",").split(",") if "BLAS" in part]
print(f"# BLAS: {'; '.join(blas) or 'unknown'}; libblas.so.3 -> {os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')}; matmul 512: {gflops:.1f} GFLOP/s ({args.threads} thread(s))")

bs = args.batch_size
x = torch.rand(args.batches * bs, 1, 28, 28)
y = torch.randint(0, 10, (args.batches * bs,))


def make():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


loss_fn = nn.CrossEntropyLoss()


def train_once():
    model = make()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)

    def run_batch(b):
        optimizer.zero_grad()
        loss = loss_fn(model(x[b * bs:(b + 1) * bs]), y[b * bs:(b + 1) * bs])
        loss.backward()
        optimizer.step()
        return loss.item()

    run_batch(0)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for b in range(args.batches):
        run_batch(b)
    return model, time.perf_counter() - start, time.process_time() - cpu_start


runs = [train_once() for _ in range(args.repeats)]
seconds = [r[1] for r in runs]
model = runs[-1][0].eval()
times = []
with torch.no_grad():
    one = x[0:1]
    for i in range(20 + args.latency_runs):
        t0 = time.perf_counter()
        model(one).numpy()
        if i >= 20:
            times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({
    "torch": torch.__version__,
    "threads": args.threads,
    "samplesPerSecond": args.batches * bs / statistics.median(seconds),
    "samplesPerSecondRange": [args.batches * bs / max(seconds), args.batches * bs / min(seconds)],
    # Per CPU-second: with 1 thread the steadier figure on a shared machine; with 2 threads it
    # counts both threads' time, so only the wall figure compares.
    "samplesPerCpuSecond": args.batches * bs / statistics.median([r[2] for r in runs]),
    "loadAverage": os.getloadavg()[0],
    "batch1MedianMs": statistics.median(times),
}))
