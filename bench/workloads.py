"""The seed workloads on tensorflux, written exactly as a Keras user would write them.

Run by bench/run.py in a fresh process per workload; prints one JSON line per workload:
training samples/s over one epoch, test accuracy after it, and one-sample latencies.

    python bench/workloads.py cnn mlp lstm latency [--n N]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

t0 = time.perf_counter()
import tensorflux.keras as keras  # noqa: E402

t_import = time.perf_counter() - t0
import numpy as np  # noqa: E402

from tensorflux.keras.datasets import fashion_mnist  # noqa: E402


def cnn(keras: Any = keras) -> Any:
    """The CNN workload's model, built with ``keras`` (tensorflux's or another Keras)."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def mlp(keras: Any = keras) -> Any:
    """The MLP workload's model, built with ``keras`` (tensorflux's or another Keras)."""
    return keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def lstm(keras: Any = keras) -> Any:
    """The LSTM workload's model, built with ``keras`` (tensorflux's or another Keras)."""
    return keras.Sequential(
        [keras.Input((28, 28)), keras.layers.LSTM(128), keras.layers.Dense(10, activation="softmax")]
    )


def run(name, model, xs, y, xts, yt, batch, n):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(xs[: batch * 4], y[: batch * 4], batch_size=batch, epochs=1, verbose=0)  # warm-up
    t = time.perf_counter()
    model.fit(xs[:n], y[:n], batch_size=batch, epochs=1, verbose=0)
    dt = time.perf_counter() - t
    _, acc = model.evaluate(xts, yt, batch_size=1000, verbose=0)
    print(
        json.dumps(
            {
                "framework": "tensorflux",
                "work": name,
                "train_samples_per_s": round(n / dt, 1),
                "test_acc_after": round(float(acc), 4),
                "n": n,
                "batch": batch,
            }
        ),
        flush=True,
    )


def latency(xt):
    m = cnn()
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    one = xt[:1, ..., None]
    for _ in range(20):
        m(one)
        m.predict(one, verbose=0)
    ts = []
    for _ in range(300):
        t = time.perf_counter()
        m(one)
        ts.append(time.perf_counter() - t)
    tp = []
    for _ in range(300):
        t = time.perf_counter()
        m.predict(one, verbose=0)
        tp.append(time.perf_counter() - t)
    big = xt[..., None]
    t = time.perf_counter()
    m.predict(big, batch_size=1000, verbose=0)
    tb = time.perf_counter() - t
    print(
        json.dumps(
            {
                "framework": "tensorflux",
                "work": "latency",
                "call_1_ms": round(1e3 * float(np.median(ts)), 3),
                "predict_1_ms": round(1e3 * float(np.median(tp)), 3),
                "predict_10k_samples_per_s": round(10000 / tb, 1),
            }
        ),
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("work", nargs="*", default=["cnn", "mlp", "lstm", "latency"])
    ap.add_argument("--n", type=int, default=0, help="training samples (default: the peers' numbers)")
    ap.add_argument("--test-n", type=int, default=10000)
    a = ap.parse_args()
    (x, y), (xt, yt) = fashion_mnist.load_data()
    x = x.astype("float32") / 255
    xt = xt[: a.test_n].astype("float32") / 255
    yt = yt[: a.test_n]
    # the data preparation above (the same lines as the peers' scripts) sets a floor under peak RSS
    data_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    keras.utils.set_random_seed(0)
    for w in a.work:
        if w == "cnn":
            run("cnn", cnn(), x[..., None], y, xt[..., None], yt, 64, a.n or 60000)
        elif w == "mlp":
            run("mlp", mlp(), x.reshape(-1, 784), y, xt.reshape(-1, 784), yt, 128, a.n or 60000)
        elif w == "lstm":
            run("lstm", lstm(), x, y, xt, yt, 128, a.n or 15360)
        elif w == "latency":
            latency(xt)
    print(
        json.dumps(
            {
                "framework": "tensorflux",
                "import_s": round(t_import, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "data_prep_peak_rss_mb": round(data_peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
