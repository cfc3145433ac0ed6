"""A tiny run of the benchmark, so bench/ cannot rot (no timing is asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FMNIST = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")


def _run_script(script, *args):
    """Run ``bench/<script>`` in a fresh interpreter; it must succeed."""
    p = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ),
    )
    assert p.returncode == 0, p.stderr
    return p


@pytest.mark.skipif(not FMNIST.exists(), reason="needs Debian's dataset-fashion-mnist")
def test_bench_smoke_runs_every_workload(tmp_path):
    out = tmp_path / "bench.json"
    p = _run_script("run.py", "--smoke", "--out", str(out))
    results = json.loads(out.read_text())["tensorflux"]
    for work in ("cnn", "mlp", "lstm"):
        assert results[work]["train_samples_per_s"] > 0, results[work]
        assert 0.0 <= results[work]["test_acc_after"] <= 1.0
    assert results["latency"]["call_1_ms"] > 0 and results["latency"]["predict_1_ms"] > 0
    assert "cnn train samples/s" in p.stdout


@pytest.mark.parametrize("script", ["kernels.py", "kernels_rnn.py"])
def test_kernel_benches_run(script):
    # tensorflux only (no peers), one round of one step: the scripts must keep running
    p = _run_script(script, "--rounds", "1", "--steps", "1")
    assert "tensorflux" in p.stdout


@pytest.mark.skipif(not FMNIST.exists(), reason="needs Debian's dataset-fashion-mnist")
def test_accuracy_over_seeds_runs(tmp_path):
    out = tmp_path / "accuracy.json"
    p = _run_script("accuracy.py", "mlp", "--seeds", "2", "--n", "256", "--out", str(out))
    accs = json.loads(out.read_text())["mlp"]["tensorflux"]
    assert len(accs) == 2 and all(0.0 <= a <= 1.0 for a in accs)
    assert accs[0] != accs[1]  # the seed reaches the initial weights and the shuffle
    assert "mlp   tensorflux  mean" in p.stdout
