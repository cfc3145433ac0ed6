"""Helpers for the end-to-end tests: run an example in this process and read its variables."""

import runpy
import sys
from pathlib import Path

import pytest

from tensorflux import keras

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def examples_on_path(monkeypatch):
    """Put examples/ on sys.path, as running a script from there does (they import _png and gan)."""
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return EXAMPLES


@pytest.fixture
def run_example(monkeypatch, tmp_path, examples_on_path):
    """``run_example("rnn.py", "--flag", MODELS="lstm")`` runs the script as ``__main__`` with those
    arguments and environment variables, in a temporary folder, and returns its globals. Python's,
    NumPy's and tensorflux's random streams are seeded first, so that each run is repeatable."""

    def run(name, *argv, **env):
        keras.utils.set_random_seed(1234)
        for key, value in env.items():
            monkeypatch.setenv(key, str(value))
        monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *argv])
        monkeypatch.chdir(tmp_path)
        return runpy.run_path(str(EXAMPLES / name), run_name="__main__")

    return run
