"""Wall time of ``import tensorflux`` in a fresh interpreter, against PyTorch and TensorFlow.

    python bench/import_time.py            # tensorflux (with plain Python and numpy for scale)
    python bench/import_time.py --peers    # torch and tensorflow too, with the side interpreter

Each figure is the median over several fresh processes of ``python -c "import X"`` (process
start included, as a user sees it), with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` is
cleared for the subprocesses; a warm-up run writes the ``__pycache__`` files). Peers run under
``TENSORFLUX_PEER_PYTHON`` (default /tmp/peers/bin/python). Writes bench/results/import_time.json.
Target: tensorflux <= 0.3 s.
For a per-module breakdown, run ``python -X importtime -c "import tensorflux"``.
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
PEER_PY = os.environ.get("TENSORFLUX_PEER_PYTHON", "/tmp/peers/bin/python")
TARGET_S = 0.3


def wall_times(python: str, code: str, runs: int) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    # time imports as users get them, from cached bytecode (the first, warm-up run writes it)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run([python, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
        out.append(time.perf_counter() - t)
        if p.returncode != 0:
            raise RuntimeError(f"{python} -c {code!r} failed: {p.stderr.strip().splitlines()[-1:]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", action="store_true", help="also time torch and tensorflow")
    ap.add_argument("--runs", type=int, default=9, help="fresh processes per measurement (peers: a third)")
    args = ap.parse_args()

    rows: list[tuple[str, str, str, int]] = [
        ("python (empty)", sys.executable, "pass", args.runs),
        ("numpy", sys.executable, "import numpy", args.runs),
        ("tensorflux", sys.executable, "import tensorflux", args.runs),
    ]
    if args.peers:
        if Path(PEER_PY).exists():
            peer_runs = max(args.runs // 3, 2)
            rows += [
                ("torch", PEER_PY, "import torch", peer_runs),
                ("tensorflow", PEER_PY, "import tensorflow", peer_runs),
            ]
        else:
            print(f"(--peers: {PEER_PY} not found; set TENSORFLUX_PEER_PYTHON)", file=sys.stderr)

    results = {}
    wall_times(sys.executable, "import tensorflux", 1)  # warm the file cache and bytecode once
    for name, python, code, runs in rows:
        ts = wall_times(python, code, runs)
        results[name] = {"median_s": statistics.median(ts), "min_s": min(ts), "runs": runs}

    ours = results["tensorflux"]["median_s"]
    print(f"{'import':<16} {'median s':>9} {'min s':>7} {'tensorflux/peer':>16}")
    for name, r in results.items():
        ratio = f"{ours / r['median_s']:.3f}" if name in ("torch", "tensorflow") else ""
        print(f"{name:<16} {r['median_s']:>9.3f} {r['min_s']:>7.3f} {ratio:>16}")
    verdict = "ok" if ours <= TARGET_S else "OVER TARGET"
    print(f"{'(target)':<16} {TARGET_S:>9.3f} {'':>7} {verdict:>16}")
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / "import_time.json"
    path.write_text(json.dumps({"results": results, "target_s": TARGET_S}, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
