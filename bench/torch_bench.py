"""Native reference for bench/bench.mjs: the same models (the MLP, issue 10's small CNN), data
bytes and loop as the browser side.

Usage: /usr/bin/python3 bench/torch_bench.py bench/out/data.json [--epochs E] [--latency-runs L]

It stays alive and answers one JSON line per command line on stdin, so bench.mjs can interleave
native and browser measurements in rounds without paying for `import torch` each time:
  {"cmd": "probe"}               -> which BLAS library is loaded, torch's build info
  {"cmd": "run", "threads": N}   -> one matmul GFLOP/s figure, one full training run, batch-1 latency
  optional in "run": "model": "mlp" | "cnn", "samples": rows used (a prefix), "epochs"
While it waits for a command it uses no CPU, so it does not slow the browser side down.
"""
import argparse
import ctypes
import json
import os
import re
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("header")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--latency-runs", type=int, default=300)
parser.add_argument("--warmup-batches", type=int, default=1)
parser.add_argument("--matmul-size", type=int, default=1024)
args = parser.parse_args()

with open(args.header) as f:
    header = json.load(f)
raw = np.fromfile(os.path.join(os.path.dirname(args.header), header["file"]), dtype=np.uint8)
n, width, classes = header["n"], header["width"], header["classes"]
x = torch.from_numpy(raw[header["xOffset"]:header["xOffset"] + n * width * 4].view("<f4").reshape(n, width).copy())
y = torch.from_numpy(raw[header["yOffset"]:header["yOffset"] + n * 4].view("<i4").astype(np.int64))

bs = args.batch_size
loss_fn = nn.CrossEntropyLoss()


def loaded_blas():
    """The BLAS/LAPACK files this process really mapped: the truth behind libblas.so.3."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if re.search(r"blas|lapack|mkl|blis|atlas", line)}
    return sorted(os.path.realpath(p) for p in paths)


def openblas_info(paths):
    for path in paths:
        if "openblas" not in os.path.basename(path):
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {"config": lib.openblas_get_config().decode(), "core": lib.openblas_get_corename().decode(), "threads": lib.openblas_get_num_threads()}
        except (OSError, AttributeError):
            continue
    return None


def probe():
    # A first matmul makes torch load its BLAS, so /proc/self/maps shows it.
    a = torch.randn(256, 256)
    (a @ a).sum().item()
    paths = loaded_blas()
    build = torch.__config__.show()
    blas_info = re.search(r"BLAS_INFO=([^,]+)", build)
    return {
        "torch": torch.__version__,
        "cpuCount": os.cpu_count(),
        "buildBlasInfo": blas_info.group(1) if blas_info else None,
        "loadedBlas": paths,
        "openblas": openblas_info(paths),
        # What libblas.so.3 resolved to decides: Debian's reference BLAS lives in .../blas/,
        # OpenBLAS in .../openblas-*/ (liblapack may pull OpenBLAS in beside a reference libblas).
        "reference": any(os.path.basename(os.path.dirname(p)) == "blas" for p in paths if os.path.basename(p).startswith("libblas.so")),
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "OMP_", "MKL_"))},
    }


def matmul_gflops(size, repeats=7):
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(2):
        a @ b
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t0)
    return 2 * size ** 3 / statistics.median(times) / 1e9


def make_model(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(width, 128), nn.ReLU(), nn.Linear(128, classes))
    # Issue 10's CNN, as Kiln's BENCH_CNN: conv 32 3x3 relu, max-pool 2, conv 64 3x3 relu,
    # max-pool 2, dense 128 relu, dense to the classes ('valid' convolutions, bias everywhere).
    side = header["height"]
    flat = 64 * (((side - 2) // 2 - 2) // 2) ** 2
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Linear(128, classes))


def inputs(kind, rows):
    """The same bytes either way; the CNN sees each row as a 1-channel image (NCHW, PyTorch's own layout)."""
    return x[:rows] if kind == "mlp" else x[:rows].view(rows, 1, header["height"], width // header["height"])


def train_once(kind, rows, epochs):
    torch.manual_seed(1)
    model = make_model(kind)
    xs, ys = inputs(kind, rows), y[:rows]
    n_batches = (rows + bs - 1) // bs
    # eps matches tfjs's Adam default (1e-7); it does not change the amount of work.
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)

    def run_batch(b):
        optimizer.zero_grad()
        loss = loss_fn(model(xs[b * bs:(b + 1) * bs]), ys[b * bs:(b + 1) * bs])
        loss.backward()
        optimizer.step()
        # The browser reads every batch loss back; .item() is the same per-batch sync point.
        return loss.item()

    for b in range(args.warmup_batches):
        run_batch(b % n_batches)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _ in range(epochs):
        total = sum(run_batch(b) for b in range(n_batches))
    # CPU time of every thread of the process: torch.set_num_threads does not bound the threads
    # OpenBLAS starts itself, so "1 thread" can use more than one core.
    return model, (time.perf_counter() - start) * 1000, total / n_batches, (time.process_time() - cpu_start) * 1000


def latency(model, kind):
    row = x[0:1].numpy().copy()
    # An image is predicted as Kiln's Predict does it: uint8 pixels, /255, the model, softmax.
    pixels = np.rint(row * 255).astype(np.uint8).reshape(1, 1, header["height"], width // header["height"])
    if kind == "mlp":
        once = lambda: model(torch.from_numpy(row)).numpy()
    else:
        once = lambda: torch.softmax(model(torch.from_numpy(pixels).float().div_(255)), 1).numpy()
    times = []
    model.eval()
    with torch.no_grad():
        for i in range(20 + args.latency_runs):
            t0 = time.perf_counter()
            once()
            if i >= 20:
                times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "runs": len(times),
        "medianMs": statistics.median(times),
        "p10Ms": times[int(0.1 * len(times))],
        "p90Ms": times[int(0.9 * len(times))],
        "meanMs": sum(times) / len(times),
    }


def run(threads, kind="mlp", rows=None, epochs=None):
    rows = min(rows or n, n)
    epochs = epochs or args.epochs
    torch.set_num_threads(threads)
    gflops = matmul_gflops(args.matmul_size)
    model, train_ms, last_loss, cpu_ms = train_once(kind, rows, epochs)
    return {
        "model": kind,
        "threads": torch.get_num_threads(),
        "matmulGflops": gflops,
        "matmulSize": args.matmul_size,
        "epochs": epochs,
        "samples": rows,
        "batches": (rows + bs - 1) // bs,
        "trainMs": train_ms,
        "trainCpuMs": cpu_ms,
        "samplesPerSecond": epochs * rows / (train_ms / 1000),
        "lastEpochLoss": last_loss,
        "latency": latency(model, kind),
    }


for line in sys.stdin:
    if not line.strip():
        continue
    command = json.loads(line)
    try:
        answer = probe() if command["cmd"] == "probe" else run(int(command["threads"]), command.get("model", "mlp"), command.get("samples"), command.get("epochs"))
    except Exception as error:  # reported to bench.mjs, which shows it instead of a figure
        answer = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(answer), flush=True)
