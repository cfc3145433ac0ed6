"""Eager against traced (``tensorflux.function``) execution, side by side.

    python bench/graph.py              # about a minute on a quiet machine
    python bench/graph.py --quick      # fewer repeats

Measured, each as the median over many repeats, eager and traced alternating so that a noisy
(shared) machine slows both alike:

- ``mlp train step``: the MLP 784-512-512-10, batch 128, Adam, sparse categorical cross-entropy:
  one call of ``model.make_train_function()`` (``fit``'s step) with ``run_eagerly=True`` against
  the default traced step (forward, loss, backward and the Adam update as one graph);
- ``cnn train step``: the seed CNN (bench/workloads.py), batch 64, the same way;
- ``mlp/cnn model(x)``: one sample, ``model(x)`` (eager, as in Keras) against
  ``tf.function(model)(x)``;
- ``mlp/cnn predict``: one sample, ``model.predict(x)`` with ``run_eagerly=True`` against the
  default traced predict step.

Prints a table (times in ms, traced / eager ratio) and writes bench/results/graph.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

import tensorflux as tf  # noqa: E402
from tensorflux import keras  # noqa: E402
from tensorflux.keras import layers  # noqa: E402


def mlp() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(512, activation="relu"),
            layers.Dense(512, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def cnn() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def alternate(fns: dict[str, Callable[[], object]], repeats: int, warmup: int = 3) -> dict[str, float]:
    """Median seconds per call of each function, calling them in turn ``repeats`` times."""
    for _ in range(warmup):
        for f in fns.values():
            f()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def pair(build: Callable[[], keras.Model]) -> tuple[keras.Model, keras.Model]:
    """The same initial model twice: compiled eager and compiled traced (the default)."""
    keras.utils.set_random_seed(0)
    eager = build()
    traced = build()
    traced.set_weights(eager.get_weights())
    eager.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
    traced.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return eager, traced


def train_steps(
    build: Callable[[], keras.Model], shape: tuple[int, ...], batch: int, repeats: int
) -> dict[str, float]:
    eager, traced = pair(build)
    rng = np.random.default_rng(0)
    data = (
        tf.constant(rng.uniform(size=(batch,) + shape).astype("float32")),
        tf.constant(rng.integers(0, 10, batch)),
    )
    step_e, step_t = eager.make_train_function(), traced.make_train_function()
    return alternate({"eager": lambda: step_e(data), "traced": lambda: step_t(data)}, repeats)


def latencies(
    build: Callable[[], keras.Model], shape: tuple[int, ...], repeats: int
) -> dict[str, dict[str, float]]:
    eager, traced = pair(build)
    x = np.random.default_rng(1).uniform(size=(1,) + shape).astype("float32")
    xt = tf.constant(x)
    serve = tf.function(traced)
    call = alternate({"eager": lambda: eager(xt), "traced": lambda: serve(xt)}, repeats, warmup=10)
    predict = alternate(
        {"eager": lambda: eager.predict(x, verbose=0), "traced": lambda: traced.predict(x, verbose=0)},
        repeats,
        warmup=10,
    )
    np.testing.assert_allclose(serve(xt).numpy(), eager(xt).numpy(), rtol=1e-6, atol=1e-7)
    return {"model(x)": call, "predict": predict}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    k = 0.25 if args.quick else 1.0
    rows: dict[str, dict[str, float]] = {}
    rows["mlp train step (batch 128)"] = train_steps(mlp, (784,), 128, int(60 * k))
    rows["cnn train step (batch 64)"] = train_steps(cnn, (28, 28, 1), 64, int(50 * k))
    for name, build, shape in (("mlp", mlp, (784,)), ("cnn", cnn, (28, 28, 1))):
        for what, r in latencies(build, shape, int(400 * k)).items():
            rows[f"{name} {what}, 1 sample"] = r
    print(f"{'':34s} {'eager ms':>10s} {'traced ms':>10s} {'traced/eager':>13s}")
    for name, r in rows.items():
        print(
            f"{name:34s} {r['eager'] * 1e3:10.3f} {r['traced'] * 1e3:10.3f} {r['traced'] / r['eager']:13.2f}"
        )
    out = {
        "results_ms": {n: {k2: v * 1e3 for k2, v in r.items()} for n, r in rows.items()},
        "machine": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "graph.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
