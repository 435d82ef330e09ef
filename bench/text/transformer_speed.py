"""Native reference for bench/text/transformer-speed.run.ts: the same transformer encoder classifier
(2 pre-norm layers, d=64, 4 heads, feed-forward 256, sequence 64, learned positions, final layer norm,
mean pool, linear head), Adam, batch 32, random token ids, training tokens per second.

Usage: /usr/bin/python3 bench/text/transformer_speed.py [--threads N] [--steps S] [--repeats R]
Prints one JSON object on stdout.
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
parser.add_argument("--steps", type=int, default=40)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--vocab", type=int, default=8000)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--seq", type=int, default=64)
parser.add_argument("--clip", type=float, default=0, help="clip the gradient norm (Kiln's studio trains with 1)")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)
D, HEADS, FF, LAYERS, CLASSES = 64, 4, 256, 2, 2


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(args.vocab, D, padding_idx=0)
        self.position = nn.Parameter(torch.randn(args.seq, D) * 0.02)
        layer = nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, activation="relu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D)
        self.head = nn.Linear(D, CLASSES)

    def forward(self, ids):
        pad = ids == 0
        x = self.encoder(self.embedding(ids) + self.position[: ids.shape[1]], src_key_padding_mask=pad)
        x = self.norm(x)
        keep = (~pad).unsqueeze(-1).float()
        return self.head((x * keep).sum(1) / keep.sum(1).clamp(min=1))


def run():
    model = Encoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(2)
    ids = torch.randint(1, args.vocab, (args.steps + 5, args.batch, args.seq), generator=g)
    y = torch.randint(0, CLASSES, (args.steps + 5, args.batch), generator=g)

    def step(i):
        opt.zero_grad()
        loss = loss_fn(model(ids[i]), y[i])
        loss.backward()
        if args.clip > 0:
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        return loss.item()

    for i in range(5):  # warm-up
        step(i)
    start = time.perf_counter()
    for i in range(args.steps):
        step(5 + i)
    seconds = time.perf_counter() - start
    return args.steps * args.batch * args.seq / seconds


rates = [run() for _ in range(args.repeats)]
blas = torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in torch.__config__.show() else "?"
a = torch.randn(512, 512)
start = time.perf_counter()
for _ in range(20):
    a @ a
gflops = 20 * 2 * 512 ** 3 / (time.perf_counter() - start) / 1e9
print(json.dumps({"tokensPerSecond": statistics.median(rates), "runs": rates, "threads": args.threads, "torch": torch.__version__, "blas": blas, "matmulGflops": gflops}))
