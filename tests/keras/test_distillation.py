"""keras.distillation against Keras 3.15 golden values (scripts/golden_distillation.py)."""

import os

import numpy as np
import pytest

from tensorflux import keras
from tensorflux.keras.distillation import DistillationLoss, Distiller, FeatureDistillation, LogitsDistillation

G = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "distillation", "golden.npz"))


@pytest.mark.parametrize(
    "key, make",
    [
        ("logits_default", lambda: LogitsDistillation()),
        ("logits_t1", lambda: LogitsDistillation(temperature=1.0)),
        ("logits_kl_instance", lambda: LogitsDistillation(temperature=4.0, loss=keras.losses.KLDivergence())),
        ("logits_cce", lambda: LogitsDistillation(temperature=2.0, loss="categorical_crossentropy")),
        ("feature_mse", lambda: FeatureDistillation()),
        ("feature_mae", lambda: FeatureDistillation(loss="mae")),
        ("feature_cos", lambda: FeatureDistillation(loss="cosine_similarity")),
    ],
)
def test_loss_values_match_keras(key, make):
    got = make().compute_loss(G["t"], G["s"])
    np.testing.assert_allclose(float(got), G["loss_" + key], rtol=1e-5)


def test_nested_losses_skip_none():
    pair = ([G["t"], G["t2"]], [G["s"], G["s2"]])
    d = LogitsDistillation(temperature=2.0, loss=["kl_divergence", None])
    np.testing.assert_allclose(float(d.compute_loss(*pair)), G["loss_logits_list"], rtol=1e-5)
    d = FeatureDistillation(loss=["mse", "mae"])
    np.testing.assert_allclose(float(d.compute_loss(*pair)), G["loss_feature_list"], rtol=1e-5)


def test_loss_argument_errors():
    with pytest.raises(ValueError, match="positive"):
        LogitsDistillation(temperature=0.0)
    with pytest.raises(ValueError, match="must be a number"):
        LogitsDistillation(temperature="3")
    with pytest.raises(ValueError, match="non-`None`"):
        LogitsDistillation(loss=[None])
    with pytest.raises(ValueError, match="at least one non-`None`"):
        FeatureDistillation(loss=None)
    with pytest.raises(NotImplementedError):
        DistillationLoss().compute_loss(1.0, 1.0)


def test_loss_config_round_trip():
    d = LogitsDistillation.from_config(LogitsDistillation(temperature=5.0, loss="mse").get_config())
    assert d.temperature == 5.0
    np.testing.assert_allclose(
        float(d.compute_loss(G["t"], G["s"])), np.mean((G["t"] - G["s"]) ** 2) / 25, 1e-5
    )
    f = FeatureDistillation.from_config(FeatureDistillation("mae", "a", "b").get_config())
    assert (f.teacher_layer_name, f.student_layer_name) == ("a", "b")


def _mlp(name, tag):
    m = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(6, activation="relu", name="hidden"),
            keras.layers.Dense(3, name="logits"),
        ],
        name=name,
    )
    for i, w in enumerate(m.weights):
        w.assign(G[f"{tag}_w{i}"])
    return m


def _distiller():
    teacher, student = _mlp("teacher", "teacher"), _mlp("student", "student")
    d = Distiller(
        teacher=teacher,
        student=student,
        distillation_losses=[
            LogitsDistillation(temperature=2.0),
            FeatureDistillation(loss="mse", teacher_layer_name="hidden", student_layer_name="hidden"),
        ],
        distillation_loss_weights=[1.0, 0.5],
        student_loss_weight=0.3,
    )
    d.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return d, teacher, student


def test_fit_evaluate_predict_match_keras():
    d, teacher, student = _distiller()
    x, y = G["x"], G["y"]
    ev0 = d.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    for k, v in ev0.items():
        np.testing.assert_allclose(v, G["eval0_" + k], rtol=1e-5, err_msg=k)
    hist = d.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert set(hist.history) == {k[5:] for k in G.files if k.startswith("hist_")}
    for k, v in hist.history.items():
        np.testing.assert_allclose(v, G["hist_" + k], rtol=1e-5, err_msg=k)
    for i, w in enumerate(student.weights):
        np.testing.assert_allclose(w.numpy(), G[f"student_after_w{i}"], rtol=1e-5, atol=1e-6)
    for i, w in enumerate(teacher.weights):  # frozen
        np.testing.assert_array_equal(w.numpy(), G[f"teacher_after_w{i}"])
    np.testing.assert_allclose(d.predict(x, verbose=0), G["predict"], rtol=1e-5, atol=1e-6)
    ev = d.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    for k, v in ev.items():
        np.testing.assert_allclose(v, G["eval_" + k], rtol=1e-5, err_msg=k)
    assert d.metrics_names == list(G["metrics_names"])
    assert not teacher.trainable and d.student is student


def test_distiller_argument_errors():
    teacher, student = _mlp("t", "teacher"), _mlp("s", "student")
    logits = LogitsDistillation()
    with pytest.raises(ValueError, match="Teacher must be a keras.Model"):
        Distiller(teacher=1, student=student, distillation_losses=logits)
    with pytest.raises(ValueError, match="between 0.0 and 1.0"):
        Distiller(teacher, student, logits, student_loss_weight=1.5)
    with pytest.raises(ValueError, match="cannot be `None`"):
        Distiller(teacher, student, None)
    with pytest.raises(ValueError, match=r"distillation_loss_weights \(1\) must match"):
        Distiller(teacher, student, [logits, logits], distillation_loss_weights=[1.0])
    with pytest.raises(ValueError, match="In teacher model"):
        Distiller(teacher, student, FeatureDistillation(teacher_layer_name="nope"))
    other = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="input shapes are incompatible"):
        Distiller(teacher, other, logits)
    d = Distiller(teacher, student, logits)
    with pytest.raises(ValueError, match="'loss' cannot be `None`"):
        d.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="metrics must be a list"):
        d.compile(optimizer="sgd", loss="mse", metrics="accuracy")


def test_student_loss_weight_one_is_plain_student_training():
    d, _, _ = _distiller()
    d.student_loss_weight = 1.0
    x, y = G["x"], G["y"]
    logs = d.evaluate(x, y, verbose=0, return_dict=True)
    expected = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, d.student(x))
    np.testing.assert_allclose(logs["loss"], float(expected), rtol=1e-5)
    assert logs["distillation_loss"] == 0.0


def test_save_and_load_round_trip(tmp_path):
    d, _, _ = _distiller()
    x, y = G["x"], G["y"]
    d.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    path = str(tmp_path / "distiller.keras")
    d.save(path)
    with pytest.warns(UserWarning, match="compile"):  # a custom compile() is not restored, as in Keras
        loaded = keras.models.load_model(path)
    assert isinstance(loaded, Distiller) and not loaded.teacher.trainable
    assert loaded.student_loss_weight == 0.3 and loaded.distillation_loss_weights == [1.0, 0.5]
    kinds = [type(x).__name__ for x in loaded.distillation_losses]
    assert kinds == ["LogitsDistillation", "FeatureDistillation"]
    assert loaded.distillation_losses[1].teacher_layer_name == "hidden"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), d.predict(x, verbose=0), rtol=1e-6)
