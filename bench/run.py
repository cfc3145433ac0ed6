"""The benchmark: the seed workloads on tensorflux, and with --peers on TensorFlow/Keras and PyTorch.

    python bench/run.py                 # tensorflux only
    python bench/run.py --peers         # alternate tensorflux, Keras (TF backend), PyTorch
    python bench/run.py --smoke         # a few hundred samples, for the test suite

Each workload runs in a fresh process per framework (so peak RSS and import time are per process),
in the order tensorflux, keras, torch for each workload. Peers run the reference scripts in
../shared/bench (override with TENSORFLUX_PEERS_DIR) under a side interpreter that has
tensorflow-cpu and torch (TENSORFLUX_PEER_PYTHON, default /tmp/peers/bin/python). Results go to
bench/results/bench.json and a table on stdout with tensorflux/peer ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_DIR = Path(os.environ.get("TENSORFLUX_PEERS_DIR", ROOT.parent / "shared" / "bench"))
PEER_PY = os.environ.get("TENSORFLUX_PEER_PYTHON", "/tmp/peers/bin/python")

# Training FLOPs per sample (forward x3; the first conv has no input gradient: x2).
_CNN_FWD = [
    26 * 26 * 32 * 9 * 1 * 2,
    11 * 11 * 64 * 9 * 32 * 2,
    3 * 3 * 64 * 9 * 64 * 2,
    576 * 64 * 2,
    64 * 10 * 2,
]
FLOPS = {
    "cnn": 2 * _CNN_FWD[0] + 3 * sum(_CNN_FWD[1:]),
    "mlp": 3 * 2 * (784 * 512 + 512 * 512 + 512 * 10),
    "lstm": 3 * 2 * 28 * (28 * 512 + 128 * 512) + 3 * 2 * 128 * 10,
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow", PYTHONPATH=str(ROOT)
    )
    return env


def _run(cmd: list[str], cwd: Path, timeout: float) -> list[dict]:
    p = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)
    rows = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    if p.returncode != 0:
        rows.append({"error": p.stderr.strip().splitlines()[-1:] or [f"exit {p.returncode}"]})
    return rows


def gemm_peak_gflops() -> float:
    """Measured float32 GEMM speed of this machine's BLAS (best of several 1024^3 products)."""
    import numpy as np

    a = np.random.rand(1024, 1024).astype(np.float32)
    b = np.random.rand(1024, 1024).astype(np.float32)
    a @ b
    best = 1e9
    for _ in range(8):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * 1024**3 / best / 1e9


def import_time(python: str, module: str, repeats: int = 5) -> float:
    """Median time of ``import module`` in a fresh process, as users get it: from cached bytecode.

    With ``PYTHONDONTWRITEBYTECODE`` set (as in some shells), edited modules would be compiled
    again on every import (tensorflux: ~0.24 s against ~0.15 s), so the variable is dropped here
    and an untimed first run writes the caches, as bench/import_time.py does.
    """
    env = _env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    ts = []
    for i in range(repeats + 1):
        p = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        if p.returncode == 0 and i:
            ts.append(float(p.stdout.strip().splitlines()[-1]))
    return statistics.median(ts) if ts else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", nargs="*", default=["cnn", "mlp", "lstm", "latency"])
    ap.add_argument("--peers", action="store_true", help="also run Keras (TensorFlow) and PyTorch")
    ap.add_argument("--smoke", action="store_true", help="tiny run for the test suite")
    ap.add_argument("--out", default=str(HERE / "results" / "bench.json"))
    a = ap.parse_args()

    frameworks = ["tensorflux"]
    if a.peers:
        if not Path(PEER_PY).exists() or not (PEERS_DIR / "keras_seed.py").exists():
            sys.exit(f"--peers needs {PEER_PY} (tensorflow-cpu, torch) and {PEERS_DIR}/keras_seed.py")
        frameworks += ["keras", "torch"]
    results: dict[str, dict] = {f: {} for f in frameworks}
    extra = ["--n", "256", "--test-n", "500"] if a.smoke else []
    timeout = 300 if a.smoke else 1800
    for w in a.work:
        for f in frameworks:
            if f == "tensorflux":
                cmd = [sys.executable, str(HERE / "workloads.py"), w, *extra]
                rows = _run(cmd, ROOT, timeout)
            else:
                script = "keras_seed.py" if f == "keras" else "torch_seed.py"
                rows = _run([PEER_PY, script, w], PEERS_DIR, timeout)
            for r in rows:
                if "error" in r:
                    results[f][w] = {"error": r["error"]}
                elif "work" in r:
                    results[f][w] = r
                elif w == "cnn" and "peak_rss_mb" in r:
                    results[f]["cnn_peak_rss_mb"] = r["peak_rss_mb"]
                    if "data_prep_peak_rss_mb" in r:
                        results[f]["cnn_data_prep_peak_rss_mb"] = r["data_prep_peak_rss_mb"]
            print(f"  {f:10s} {w:8s} {results[f].get(w)}", flush=True)
    if not a.smoke:
        results["tensorflux"]["import_s"] = import_time(sys.executable, "tensorflux")
        if a.peers:
            results["keras"]["import_s"] = import_time(PEER_PY, "tensorflow")
            results["torch"]["import_s"] = import_time(PEER_PY, "torch")
    peak = gemm_peak_gflops()
    results["machine"] = {"gemm_peak_gflops": round(peak, 1), "cores": os.cpu_count()}
    _table(results, frameworks, peak)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(results, indent=1))


def _get(results: dict, f: str, w: str, k: str) -> float | None:
    v = results.get(f, {}).get(w)
    if isinstance(v, dict):
        return v.get(k)
    return None


def _table(results: dict, frameworks: list[str], peak: float) -> None:
    rows = []
    for w in ("cnn", "mlp", "lstm"):
        rows.append(
            (f"{w} train samples/s", [_get(results, f, w, "train_samples_per_s") for f in frameworks], True)
        )
        rows.append(
            (f"{w} test acc after 1 epoch", [_get(results, f, w, "test_acc_after") for f in frameworks], True)
        )
    rows.append(
        ("model(x) 1 sample, ms", [_get(results, f, "latency", "call_1_ms") for f in frameworks], False)
    )
    rows.append(
        ("predict(x) 1 sample, ms", [_get(results, f, "latency", "predict_1_ms") for f in frameworks], False)
    )
    rows.append(
        (
            "predict 10k samples/s",
            [_get(results, f, "latency", "predict_10k_samples_per_s") for f in frameworks],
            True,
        )
    )  # noqa: E501
    rows.append(("import, s", [results[f].get("import_s") for f in frameworks], False))
    rows.append(("cnn process peak RSS, MB", [results[f].get("cnn_peak_rss_mb") for f in frameworks], False))
    rows.append(
        (
            "  of which data prep peak, MB",
            [results[f].get("cnn_data_prep_peak_rss_mb") for f in frameworks],
            False,
        )
    )
    head = f"{'':32s}" + "".join(f"{f:>12s}" for f in frameworks)
    if len(frameworks) > 1:
        head += "".join(f"{'tfx/' + f:>12s}" for f in frameworks[1:])
    print("\n" + head)
    for label, vals, _higher in rows:
        line = f"{label:32s}" + "".join(f"{'-' if v is None else format(v, '.4g'):>12s}" for v in vals)
        for v in vals[1:]:
            r = vals[0] / v if vals[0] is not None and v else None
            line += f"{'-' if r is None else format(r, '.2f') + 'x':>12s}"
        print(line)
    for w in ("cnn", "mlp", "lstm"):
        sps = _get(results, "tensorflux", w, "train_samples_per_s")
        if sps:
            print(
                f"{w}: {sps * FLOPS[w] / 1e9:.1f} GFLOP/s achieved of {peak:.0f} GFLOP/s measured GEMM peak"
            )


if __name__ == "__main__":
    main()
