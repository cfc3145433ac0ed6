"""Test accuracy after one epoch over several seeds, tensorflux against Keras (TensorFlow backend).

The bench table compares one run at seed 0, and one epoch's accuracy moves by about 0.01 from seed
to seed (the initial weights and the shuffle), so a 0.013 gap at one seed says little.  This runs
each workload of ``workloads.py`` (the same model code, the same data, the same warm-up fit on four
batches, then one epoch) at seeds 0..N-1 in both frameworks and prints the mean, the spread and
each seed's accuracy.

    python3 bench/accuracy.py                    # tensorflux, seeds 0-4, mlp
    python3 bench/accuracy.py mlp cnn --seeds 6 --peers

Keras runs this same file under the side interpreter (``TENSORFLUX_PEER_PYTHON``, default
/tmp/peers/bin/python) with ``--framework keras``: only the import of ``keras`` differs.
Results go to bench/results/accuracy.json (a workload's entry replaces its earlier one).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_PY = os.environ.get("TENSORFLUX_PEER_PYTHON", "/tmp/peers/bin/python")
# batch, training samples: as bench/run.py's workloads
SETTINGS = {"cnn": (64, 60000), "mlp": (128, 60000), "lstm": (128, 15360)}


def _child(framework: str, work: str, seeds: int, n: int) -> None:
    """Train ``work`` once per seed in this process and print one JSON line per seed."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    if framework == "keras":
        import keras
    else:
        import tensorflux.keras as keras
    import workloads

    from tensorflux.keras.datasets import fashion_mnist

    (x, y), (xt, yt) = fashion_mnist.load_data()
    x = x.astype("float32") / 255
    xt = xt.astype("float32") / 255
    batch, default_n = SETTINGS[work]
    n = n or default_n
    shape = {"cnn": (28, 28, 1), "mlp": (784,), "lstm": (28, 28)}[work]
    xs, xts = x.reshape((-1, *shape)), xt.reshape((-1, *shape))
    for seed in range(seeds):
        keras.utils.set_random_seed(seed)
        model = getattr(workloads, work)(keras)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(xs[: batch * 4], y[: batch * 4], batch_size=batch, epochs=1, verbose=0)
        model.fit(xs[:n], y[:n], batch_size=batch, epochs=1, verbose=0)
        _, acc = model.evaluate(xts, yt, batch_size=1000, verbose=0)
        print(
            json.dumps({"framework": framework, "work": work, "seed": seed, "acc": round(float(acc), 4)}),
            flush=True,
        )


def _runs(python: str, framework: str, work: str, seeds: int, n: int) -> list[float]:
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    cmd = [python, __file__, work, "--child", framework, "--seeds", str(seeds), "--n", str(n)]
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=7200)
    if p.returncode != 0:
        sys.exit(f"{framework} {work} failed: {p.stderr.strip().splitlines()[-1:]}")
    return [json.loads(line)["acc"] for line in p.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", nargs="*", default=["mlp"], choices=sorted(SETTINGS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--n", type=int, default=0, help="training samples (default: the bench's)")
    ap.add_argument("--peers", action="store_true", help="also Keras (TensorFlow backend)")
    ap.add_argument("--child", choices=["tensorflux", "keras"], help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(HERE / "results" / "accuracy.json"))
    a = ap.parse_args()
    if a.child:
        for work in a.work:
            _child(a.child, work, a.seeds, a.n)
        return
    frameworks = {"tensorflux": sys.executable}
    if a.peers:
        if not Path(PEER_PY).exists():
            sys.exit(f"--peers needs {PEER_PY} (a Python with tensorflow-cpu)")
        frameworks["keras"] = PEER_PY
    results: dict[str, dict[str, list[float]]] = {}
    for work in a.work:
        results[work] = {f: _runs(py, f, work, a.seeds, a.n) for f, py in frameworks.items()}
        for f, accs in results[work].items():
            sd = statistics.stdev(accs) if len(accs) > 1 else 0.0
            print(
                f"{work:5s} {f:11s} mean {statistics.mean(accs):.4f}  sd {sd:.4f}  "
                f"min {min(accs):.4f}  max {max(accs):.4f}  seeds 0-{len(accs) - 1}: {accs}"
            )
        if len(results[work]) == 2:
            ours, theirs = (statistics.mean(v) for v in results[work].values())
            print(f"{work:5s} tensorflux - keras: {ours - theirs:+.4f}")
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    earlier = json.loads(out.read_text()) if out.exists() else {}
    out.write_text(json.dumps({**earlier, **results}, indent=1))  # other workloads' runs are kept


if __name__ == "__main__":
    main()
