"""Every example runs as a script, as a user would start it, with settings that make it quick."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "demo.py": ([], {}, "fitted a="),
    "linear_regression.py": ([], {}, "lstsq"),
    "logistic_regression.py": ([], {"SAMPLES": 100, "BATCH_SIZE": 100}, "after 1000 epochs"),
    "logistic_regression.py --no-sigmoid": (
        ["--no-sigmoid"],
        {"SAMPLES": 100, "BATCH_SIZE": 100},
        "not probabilities",
    ),
    "mnist_cnn.py --fashion": (["--fashion"], {"SAMPLES": 256, "EPOCHS": 1}, "samples/s"),
    "rnn.py": ([], {"SAMPLES": 256, "CHAR_EPOCHS": 1}, "bigru: test accuracy"),
    "autoencoder.py": (
        [],
        {"TENSORFLUX_DATASET": "fashion_mnist", "SAMPLES": 512, "EPOCHS": 1},
        "reconstruction MSE",
    ),
    "gan.py": ([], {"SAMPLES": 128, "EPOCHS": 1}, "wrote gan_samples.png"),
    "gan_mixture.py": ([], {"EPOCHS": 1}, "generated mean"),
    "custom_training_loop.py": ([], {"SAMPLES": 512, "EPOCHS": 1}, "test_accuracy"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_example_runs_as_a_script(case, tmp_path):
    argv, env, expected = CASES[case]
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, **{k: str(v) for k, v in env.items()}}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + path if path else "")  # this checkout's tensorflux
    script = ROOT / "examples" / case.split()[0]
    done = subprocess.run(
        [sys.executable, str(script), *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert expected in done.stdout + done.stderr, done.stdout[-2000:]
    assert "Traceback" not in done.stderr
