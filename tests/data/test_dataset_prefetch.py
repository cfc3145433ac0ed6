"""prefetch: a real background thread that overlaps a slow pipeline with a slow consumer."""

import threading
import time

import pytest

from tensorflux.data import AUTOTUNE, Dataset, TensorSpec

N, PRODUCE_S, CONSUME_S = 8, 0.04, 0.04


def slow(x):
    time.sleep(PRODUCE_S)
    return x


def consume(ds):
    t0 = time.perf_counter()
    out = []
    for v in ds.as_numpy_iterator():
        time.sleep(CONSUME_S)  # a training step
        out.append(int(v))
    return out, time.perf_counter() - t0


def test_prefetch_overlaps_a_slow_map_with_a_slow_consumer():
    serial = N * (PRODUCE_S + CONSUME_S)  # 0.64 s when nothing overlaps
    out, elapsed = consume(Dataset.range(N).map(slow).prefetch(2))
    assert out == list(range(N))
    # Overlapped: about N * max(...) + one production = 0.36 s. Sleeping needs no CPU, so the
    # margin holds on a loaded machine.
    assert elapsed < 0.8 * serial, elapsed
    out, elapsed_plain = consume(Dataset.range(N).map(slow))
    assert elapsed_plain >= 0.95 * serial


def test_prefetch_keeps_order_and_metadata():
    ds = Dataset.range(50).batch(7).prefetch(AUTOTUNE)
    assert [v.tolist() for v in ds.as_numpy_iterator()][-1] == [49]
    assert int(ds.cardinality()) == 8 and ds.element_spec.shape == (None,)
    assert [int(v) for v in Dataset.range(3).prefetch(0).as_numpy_iterator()] == [0, 1, 2]
    with pytest.raises(ValueError):
        Dataset.range(3).prefetch(-5)


def test_prefetch_forwards_errors():
    def gen():
        yield 1
        raise RuntimeError("broken source")

    ds = Dataset.from_generator(gen, output_signature=TensorSpec((), "int32")).prefetch(2)
    it = ds.as_numpy_iterator()
    assert int(next(it)) == 1
    with pytest.raises(RuntimeError, match="broken source"):
        next(it)


def test_stopping_early_ends_the_thread_and_closes_the_source():
    closed = threading.Event()

    def gen():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    before = threading.active_count()
    ds = Dataset.from_generator(gen, output_signature=TensorSpec((), "int64")).prefetch(3)
    for i, _ in enumerate(ds):
        if i == 5:
            break
    # The loop's iterator is gone; closing it (here via garbage collection) stops the producer.
    deadline = time.monotonic() + 2
    while (threading.active_count() > before or not closed.is_set()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert closed.is_set()
    assert threading.active_count() == before
