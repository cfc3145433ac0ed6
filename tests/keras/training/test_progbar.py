"""The progress bar: Keras 3's look on a terminal, one clean line per epoch on a pipe."""

import re

import numpy as np
import pytest
from training_helpers import TinyDense, strip_control

from tensorflux.keras.utils import progbar as progbar_module
from tensorflux.keras.utils.progbar import Progbar

BAR = "\u2501" * 20
NUM = r"-?\d+\.\d{4}(e[-+]\d+)?"
STEP_TIME = r"\d+(s|ms|us)/step"


def _data(n=100):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0).astype("int64")
    return x, y


def _model():
    m = TinyDense(4, 3, "softmax")
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(progbar_module, "_is_interactive", lambda: True)


def test_verbose_1_on_a_terminal(terminal, capsys):
    x, y = _data()
    _model().fit(x, y, epochs=3, batch_size=10, validation_split=0.2)
    raw = capsys.readouterr().out
    assert "\x1b[32m" in raw and "\r" in raw  # coloured, redrawn in place
    lines = [ln for ln in strip_control(raw).split("\n") if ln]
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    metrics = rf"accuracy: {NUM} - loss: {NUM} - val_accuracy: {NUM} - val_loss: {NUM}"
    final = re.compile(rf"^8/8 {BAR} \d+s {STEP_TIME} - {metrics}$")
    for line in lines[1::2]:
        assert final.match(line), line


def test_verbose_1_to_a_pipe_writes_one_clean_line_per_epoch(capsys):
    x, y = _data()
    _model().fit(x, y, epochs=2, batch_size=10)
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out and "\b" not in out
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 4
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    for line in lines[1::2]:
        assert re.match(rf"^10/10 {BAR} \d+s {STEP_TIME} - accuracy: {NUM} - loss: {NUM}$", line), line


def test_verbose_2_one_line_per_epoch(capsys):
    x, y = _data()
    _model().fit(x, y, epochs=2, batch_size=25, verbose=2)
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    for line in lines[1::2]:
        assert re.match(rf"^4/4 - \d+s - {STEP_TIME} - accuracy: {NUM} - loss: {NUM}$", line), line


def test_single_epoch_has_no_epoch_header(capsys):
    x, y = _data(20)
    _model().fit(x, y, epochs=1, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch" not in out and out.startswith("1/1 - ")


def test_evaluate_and_predict_bars(capsys):
    x, y = _data(40)
    m = _model()
    m.evaluate(x, y, batch_size=10)
    m.predict(x[:1])
    m.predict(x, batch_size=16)
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    assert re.match(rf"^4/4 {BAR} \d+s {STEP_TIME} - accuracy: {NUM} - loss: {NUM}$", lines[0]), lines[0]
    assert re.match(rf"^1/1 {BAR} \d+s {STEP_TIME}$", lines[1]), lines[1]
    assert re.match(rf"^3/3 {BAR} \d+s {STEP_TIME}$", lines[2]), lines[2]


def test_updates_are_throttled(terminal, capsys):
    bar = Progbar(target=5000, interval=0.05)
    for i in range(1, 5001):
        bar.update(i, [("loss", 1.0 / i)])
    raw = capsys.readouterr().out
    assert raw.count("\r") < 200  # far fewer redraws than updates
    last = strip_control(raw).rstrip("\n").split("\n")[-1]
    assert re.match(rf"^5000/5000 {BAR} \d+s {STEP_TIME} - loss: 2\.0000e-04$", last), last


def test_running_bar_shows_eta_and_partial_fill(terminal, capsys, monkeypatch):
    clock = iter([100.0, 101.0, 103.0])
    monkeypatch.setattr(progbar_module.time, "time", lambda: next(clock))
    bar = Progbar(target=40, interval=0)
    bar.update(1, [("acc", 0.5)])
    bar.update(10, [("acc", 0.75)])
    raw = capsys.readouterr().out
    line = strip_control(raw).split("\n")[-1]
    # ETA from the steps after the first (2 s / 9 steps * 30 left); values not declared stateful are
    # averaged over steps: (0.5 * 1 + 0.75 * 9) / 10
    assert line == "10/40 " + "\u2501" * 20 + " 6s 222ms/step - acc: 0.7250", line
    assert "\x1b[32m" + "\u2501" * 5 + "\x1b[0m\x1b[37m" + "\u2501" * 15 in raw  # a quarter filled, in green


def test_duration_and_value_formats():
    assert progbar_module._fmt_duration(2.4, "step") == " 2s/step"
    assert progbar_module._fmt_duration(0.0123, "step") == " 12ms/step"
    assert progbar_module._fmt_duration(0.0000456, "step") == " 46us/step"
    assert progbar_module._fmt_eta(30.2) == "30s"
    assert progbar_module._fmt_eta(125) == "2:05"
    assert progbar_module._fmt_eta(3725) == "1:02:05"
    assert progbar_module._fmt_value(0.12345) == "0.1235"
    assert progbar_module._fmt_value(-0.5) == "-0.5000"
    assert progbar_module._fmt_value(0.0002) == "2.0000e-04"


def test_stateless_values_are_averaged(capsys):
    bar = Progbar(target=4, verbose=2, stateless_metrics=["loss"])
    bar.update(2, [("loss", 1.0)])
    bar.update(3, [("loss", 4.0)])
    bar.update(4, [("loss", 0.5)], finalize=False)
    bar.update(4, [("loss", 0.5)])
    assert capsys.readouterr().out.strip().endswith("loss: 0.5000")
