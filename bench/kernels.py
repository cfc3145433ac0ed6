"""Time forward + backward of the seed CNN's three conv layers, side by side with PyTorch and TensorFlow.

The workload: batch 64 of 28x28x1 images through conv3x3(32)+bias+relu, 2x2 max pool,
conv3x3(64)+bias+relu, 2x2 max pool, conv3x3(64)+bias+relu (VALID, as the seed CNN), then the
gradient of the sum of the output with respect to the six weights (not the images).

    python3 bench/kernels.py            # tensorflux only
    python3 bench/kernels.py --peers    # also PyTorch (eager) and TensorFlow (tf.function)

tensorflux runs the step both eagerly (as PyTorch does) and under ``tf.function`` (as the
TensorFlow code does); each is compared with the faster peer.

The peers run in their own processes with /tmp/peers/bin/python when they cannot be imported
here; rounds alternate between the frameworks and each reports the median step time.  Ratios
are peer time / tensorflux time (>= 1.0: tensorflux is at least as fast).  Results go to
bench/results/kernels.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

BATCH = 64
SHAPES = [(3, 3, 1, 32), (3, 3, 32, 64), (3, 3, 64, 64)]
PEER_PYTHON = "/tmp/peers/bin/python"
PAUSE = 0.5


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, 28, 28, 1), dtype=np.float32)
    ws = [(rng.standard_normal(s) * np.sqrt(2.0 / np.prod(s[:3]))).astype(np.float32) for s in SHAPES]
    bs = [np.full(s[-1], 0.01, np.float32) for s in SHAPES]
    return x, ws, bs


def tensorflux_step(traced: bool = False):
    import tensorflux as tf

    x, ws, bs = _data()
    x = tf.constant(x)
    ws = [tf.Variable(w) for w in ws]
    bs = [tf.Variable(b) for b in bs]

    def step():
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, ws[0], 1, "VALID"), bs[0]))
            h = tf.nn.max_pool2d(h, 2, 2, "VALID")
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, ws[1], 1, "VALID"), bs[1]))
            h = tf.nn.max_pool2d(h, 2, 2, "VALID")
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, ws[2], 1, "VALID"), bs[2]))
            loss = tf.reduce_sum(h)
        return tape.gradient(loss, ws + bs)

    return tf.function(step) if traced else step


# The peers' code: run as a server reading "N" (steps to time) on stdin and answering the times.
PEER_CODE = r"""
import os, sys, json, time
os.environ.setdefault("CUDA_VISIBLE_DEVICES", ""); os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
sys.path.insert(0, {root!r})
from bench.kernels import _data
x, ws, bs = _data()
which = sys.argv[1]
if which == "torch":
    import torch
    import torch.nn.functional as F
    xt = torch.tensor(x).permute(0, 3, 1, 2).contiguous()
    wt = [torch.tensor(w).permute(3, 2, 0, 1).contiguous().requires_grad_() for w in ws]
    bt = [torch.tensor(b).requires_grad_() for b in bs]
    def step():
        h = F.max_pool2d(F.relu(F.conv2d(xt, wt[0], bt[0])), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, wt[1], bt[1])), 2)
        h = F.relu(F.conv2d(h, wt[2], bt[2]))
        g = torch.autograd.grad(h.sum(), wt + bt)
        return [v.numpy() for v in g]
else:
    import tensorflow as tf
    xf = tf.constant(x)
    wf = [tf.Variable(w) for w in ws]
    bf = [tf.Variable(b) for b in bs]
    @tf.function
    def grads():
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(xf, wf[0], 1, "VALID"), bf[0]))
            h = tf.nn.max_pool2d(h, 2, 2, "VALID")
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, wf[1], 1, "VALID"), bf[1]))
            h = tf.nn.max_pool2d(h, 2, 2, "VALID")
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, wf[2], 1, "VALID"), bf[2]))
            loss = tf.reduce_sum(h)
        return tape.gradient(loss, wf + bf)
    def step():
        return [v.numpy() for v in grads()]
for _ in range(3):
    step()
print("ready", flush=True)
for line in sys.stdin:
    ts = []
    for _ in range(int(line)):
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    print(json.dumps(ts), flush=True)
"""


class Peer:
    """A peer framework in its own process, timing steps on request."""

    def __init__(self, which: str, python: str) -> None:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
        self.name = which
        self.proc = subprocess.Popen(
            [python, "-c", PEER_CODE.format(root=os.path.abspath(root)), which],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"peer {which} failed to start")

    def time(self, n: int) -> list[float]:
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _local_time(step, n: int) -> list[float]:
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t)
    return ts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", action="store_true", help="also time PyTorch and TensorFlow")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=6, help="steps per round")
    args = ap.parse_args()

    ours = {"tensorflux": tensorflux_step(), "tensorflux-traced": tensorflux_step(traced=True)}
    for step in ours.values():
        for _ in range(3):
            step()
    peers = []
    if args.peers:
        python = sys.executable if _importable("torch") and _importable("tensorflow") else PEER_PYTHON
        for which in ("torch", "tensorflow"):
            try:
                peers.append(Peer(which, python))
            except (OSError, RuntimeError) as e:
                print(f"skipping {which}: {e}", file=sys.stderr)
    times: dict[str, list[float]] = {k: [] for k in ours}
    for p in peers:
        times[p.name] = []
    for _ in range(args.rounds):  # alternate, so that load changes hit every framework alike
        # a pause before each framework lets the others' thread pools stop spinning (they would
        # otherwise steal a core from the framework being timed)
        for name, step in ours.items():
            time.sleep(PAUSE)
            times[name] += _local_time(step, args.steps)
        for p in peers:
            time.sleep(PAUSE)
            times[p.name] += p.time(args.steps)
    for p in peers:
        p.close()

    med = {k: float(np.median(v)) * 1e3 for k, v in times.items()}
    best = {k: float(np.min(v)) * 1e3 for k, v in times.items()}
    result = {
        "workload": "seed CNN conv layers fwd+bwd, batch 64",
        "steps_per_framework": len(times["tensorflux"]),
        "median_ms": {k: round(v, 2) for k, v in med.items()},
        "best_ms": {k: round(v, 2) for k, v in best.items()},
    }
    # the best step shows each framework's speed when the machine is idle; the median is what a
    # busy shared machine gives
    print(f"{'framework':<18} {'median ms':>10} {'best ms':>9} {'samples/s':>10}")
    for k, v in med.items():
        print(f"{k:<18} {v:>10.2f} {best[k]:>9.2f} {BATCH / v * 1e3:>10.0f}")
    if peers:
        fastest = min(med[p.name] for p in peers)
        best_fastest = min(best[p.name] for p in peers)
        for name in ours:
            ratios = {p.name: round(med[p.name] / med[name], 3) for p in peers}
            ratios["vs_faster_peer"] = round(fastest / med[name], 3)
            result[f"ratio_peer_over_{name}"] = ratios
            best_ratio = round(best_fastest / best[name], 3)
            result[f"ratio_best_vs_faster_peer_{name}"] = best_ratio
            print(f"{name}: ratios of medians (peer time / tensorflux time, >= 1.0 is the target):", ratios)
            print(f"{name}: ratio of best steps, faster peer / tensorflux:", best_ratio)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "kernels.json"), "w") as f:
        json.dump(result, f, indent=2)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    main()
