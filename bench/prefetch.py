"""Does prefetch overlap a slow input pipeline with the training step? (issue 6)

A map that takes PRODUCE_S per batch (decoding, augmentation) feeds a consumer that takes
CONSUME_S per batch (a training step stand-in: a real float32 GEMM). Without prefetch the
times add; with prefetch(2) the map runs in a background thread while the consumer computes.

    python bench/prefetch.py [--batches 40]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from tensorflux.data import Dataset

PRODUCE_S = 0.01


def _slow_map(i):
    time.sleep(PRODUCE_S)  # an I/O-bound step: releases the GIL, as file reads and decoding do
    return i


def _step(a, k):
    for _ in range(k):
        a @ a


def _consume(ds, a, k):
    t = time.perf_counter()
    for _ in ds.as_numpy_iterator():
        _step(a, k)  # calibrated to take about as long as the map
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=40)
    n = ap.parse_args().batches
    a = np.random.rand(256, 256).astype(np.float32)
    t = time.perf_counter()
    for _ in range(20):
        a @ a
    k = max(1, round(PRODUCE_S / ((time.perf_counter() - t) / 20)))
    t = time.perf_counter()
    _step(a, k * 10)
    consume_s = (time.perf_counter() - t) / 10
    plain = _consume(Dataset.range(n).map(_slow_map), a, k)
    pre = _consume(Dataset.range(n).map(_slow_map).prefetch(2), a, k)
    r = {
        "batches": n,
        "map_s": PRODUCE_S,
        "step_s": round(consume_s, 4),
        "no_prefetch_s": round(plain, 3),
        "prefetch_s": round(pre, 3),
        "speedup": round(plain / pre, 2),
    }
    print(
        f"{n} batches: map {PRODUCE_S * 1e3:.0f} ms + step {consume_s * 1e3:.1f} ms each; "
        f"no prefetch {plain:.3f} s, prefetch(2) {pre:.3f} s ({plain / pre:.2f}x)"
    )
    print(json.dumps(r))


if __name__ == "__main__":
    main()
