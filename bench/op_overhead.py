"""Python overhead per eager op: tensorflux against PyTorch and TensorFlow.

    python bench/op_overhead.py            # tensorflux, plus torch/tensorflow if importable here
    python bench/op_overhead.py --peers    # the same micro-benchmarks under the side interpreter too

Two micro-benchmarks on 4x4 float32 tensors, where the kernel itself costs well under a
microsecond, so the figures measure each framework's per-op machinery:

- ``add``: ``a + b`` with no tape;
- ``mul+grad``: a multiply and its gradient. tensorflux and TensorFlow run
  ``with GradientTape() as t: t.watch(a); y = a * b`` then ``t.gradient(y, a)``; PyTorch runs
  ``(a * b).sum().backward()`` on a leaf that requires grad.

Each figure is the median over many ``timeit`` repeats, in microseconds. ``--peers`` runs the
peers' benchmarks with ``TENSORFLUX_PEER_PYTHON`` (default ``/tmp/peers/bin/python``) in a
subprocess. Results: a table on stdout (with tensorflux / peer ratios) and
bench/results/op_overhead.json. The default run takes well under 30 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_PY = os.environ.get("TENSORFLUX_PEER_PYTHON", "/tmp/peers/bin/python")
TARGETS_US = {"add": 3.0, "mul+grad": 60.0}
PEERS = ("torch", "tensorflow")


def median_us(fn: Callable[[], object], number: int, repeat: int) -> float:
    """Median time of one call, in microseconds, over ``repeat`` timings of ``number`` calls."""
    for _ in range(max(number // 10, 1)):  # warm caches and lazy paths first
        fn()
    times = timeit.repeat(fn, number=number, repeat=repeat)
    return statistics.median(times) / number * 1e6


def bench_tensorflux(scale: float) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    import numpy as np

    import tensorflux as tf

    a = tf.constant(np.random.default_rng(0).standard_normal((4, 4)).astype(np.float32))
    b = tf.constant(np.random.default_rng(1).standard_normal((4, 4)).astype(np.float32))

    def mul_grad() -> object:
        with tf.GradientTape() as t:
            t.watch(a)
            y = a * b
        return t.gradient(y, a)

    return {
        "add": median_us(lambda: a + b, int(20000 * scale), 31),
        "mul+grad": median_us(mul_grad, int(2000 * scale), 31),
    }


def bench_torch(scale: float) -> dict[str, float]:
    import torch

    torch.set_num_threads(1)
    a = torch.randn(4, 4, dtype=torch.float32)
    b = torch.randn(4, 4, dtype=torch.float32)
    leaf = a.clone().requires_grad_(True)

    def mul_grad() -> object:
        leaf.grad = None  # a fresh gradient each time, as a tape gives
        (leaf * b).sum().backward()
        return leaf.grad

    return {
        "add": median_us(lambda: a + b, int(20000 * scale), 31),
        "mul+grad": median_us(mul_grad, int(2000 * scale), 31),
        "version": torch.__version__,  # type: ignore[dict-item]
    }


def bench_tensorflow(scale: float) -> dict[str, float]:
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import tensorflow as tf

    a = tf.constant(np.random.default_rng(0).standard_normal((4, 4)).astype(np.float32))
    b = tf.constant(np.random.default_rng(1).standard_normal((4, 4)).astype(np.float32))

    def mul_grad() -> object:
        with tf.GradientTape() as t:
            t.watch(a)
            y = a * b
        return t.gradient(y, a)

    # TensorFlow's eager ops are ~20x slower: fewer calls keep the run short
    return {
        "add": median_us(lambda: a + b, int(2000 * scale), 15),
        "mul+grad": median_us(mul_grad, int(200 * scale), 15),
        "version": tf.__version__,  # type: ignore[dict-item]
    }


BENCHES: dict[str, Callable[[float], dict[str, float]]] = {
    "torch": bench_torch,
    "tensorflow": bench_tensorflow,
}


def run_peers_in_subprocess(names: list[str], scale: float) -> dict[str, dict[str, float]]:
    if not Path(PEER_PY).exists():
        print(f"(--peers: {PEER_PY} not found; set TENSORFLUX_PEER_PYTHON)", file=sys.stderr)
        return {}
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    cmd = [PEER_PY, str(Path(__file__).resolve()), "--worker", ",".join(names), "--scale", str(scale)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)  # type: ignore[no-any-return]
    print(f"(--peers failed: {p.stderr.strip().splitlines()[-1:]})", file=sys.stderr)
    return {}


def table(results: dict[str, dict[str, float]]) -> str:
    ours = results["tensorflux"]
    lines = [f"{'benchmark':<10} {'framework':<11} {'us/call':>9} {'tensorflux/peer':>16}"]
    for key in ("add", "mul+grad"):
        for name, r in results.items():
            if key not in r:
                continue
            ratio = "" if name == "tensorflux" else f"{ours[key] / r[key]:.3f}"
            lines.append(f"{key:<10} {name:<11} {r[key]:>9.2f} {ratio:>16}")
        verdict = "ok" if ours[key] <= TARGETS_US[key] else "OVER TARGET"
        lines.append(f"{'':<10} {'(target)':<11} {TARGETS_US[key]:>9.2f} {verdict:>16}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--peers", action="store_true", help="also run torch/tensorflow with the side interpreter"
    )
    ap.add_argument(
        "--scale", type=float, default=1.0, help="multiply the number of calls (0.1 for a smoke run)"
    )
    # subprocess mode: run the comma-separated peers and print their results as one JSON line
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        out = {n: BENCHES[n](args.scale) for n in args.worker.split(",") if importlib.util.find_spec(n)}
        print(json.dumps(out))
        return

    started = time.perf_counter()
    results: dict[str, dict[str, float]] = {"tensorflux": bench_tensorflux(args.scale)}
    here = [n for n in PEERS if importlib.util.find_spec(n) is not None]
    for name in here:
        results[name] = BENCHES[name](args.scale)
    missing = [n for n in PEERS if n not in here]
    if args.peers and missing:
        results.update(run_peers_in_subprocess(missing, args.scale))
    print(table(results))
    info = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / "op_overhead.json"
    path.write_text(json.dumps({"results": results, "targets_us": TARGETS_US, "info": info}, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({info['seconds']} s)")


if __name__ == "__main__":
    main()
