"""Batching in-memory arrays is vectorized: an MNIST-sized epoch iterates in well under a second."""

import time

import numpy as np

from tensorflux.data import Dataset


def epoch_seconds(ds):
    t0 = time.perf_counter()
    n = sum(1 for _ in ds)
    return n, time.perf_counter() - t0


def test_mnist_sized_epoch_is_fast():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(60000, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, size=60000).astype(np.uint8)
    ds = Dataset.from_tensor_slices((x, y))
    n, plain = epoch_seconds(ds.batch(64))
    assert n == 938 and plain < 0.5, plain
    n, shuffled = epoch_seconds(ds.shuffle(60000, seed=1).batch(64))
    assert n == 938 and shuffled < 0.75, shuffled
    n, windowed = epoch_seconds(ds.shuffle(1024, seed=1).batch(64, drop_remainder=True))
    assert n == 937 and windowed < 0.75, windowed
