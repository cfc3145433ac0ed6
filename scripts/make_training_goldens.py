"""Golden values for the training tests, computed with real Keras 3.

Run once with /tmp/peers/bin/python scripts/make_training_goldens.py
(a side virtualenv with keras and tensorflow-cpu; never a dependency of tensorflux).
Writes tests/fixtures/training/{optimizers,schedules,losses,metrics,fit_dense}.json: every case
holds its inputs, the Keras class name and arguments, and Keras' outputs, so the tests rebuild
the same objects in tensorflux and compare.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "training")


def _list(a):
    return np.asarray(a, dtype=np.float64).tolist()


def _save(name, data):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(data, f, indent=None, separators=(",", ":"))
    print("wrote", name, file=sys.stderr)


# -- optimizers: 20 steps of a fixed gradient sequence on two variables --------------------------
def _schedule(spec):
    if spec is None:
        return None
    return getattr(keras.optimizers.schedules, spec["class_name"])(**spec["config"])


OPTIMIZER_CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.2}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.7}),
    (
        "SGD",
        {
            "learning_rate": {
                "class_name": "ExponentialDecay",
                "config": {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5},
            }
        },
    ),
    (
        "SGD",
        {
            "learning_rate": {
                "class_name": "PiecewiseConstantDecay",
                "config": {"boundaries": [5, 12], "values": [0.1, 0.05, 0.01]},
            }
        },
    ),
    ("Adam", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9, "ema_overwrite_frequency": 7}),
    (
        "Adam",
        {
            "learning_rate": {
                "class_name": "CosineDecay",
                "config": {
                    "initial_learning_rate": 0.0,
                    "decay_steps": 10,
                    "warmup_target": 0.02,
                    "warmup_steps": 5,
                    "alpha": 0.1,
                },
            }
        },
    ),
    ("AdamW", {"learning_rate": 0.01}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.05, "amsgrad": True, "clipnorm": 1.0}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.05}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Lion", {"learning_rate": 0.01}),
    ("Ftrl", {"learning_rate": 0.05}),
    (
        "Ftrl",
        {
            "learning_rate": 0.05,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.03,
            "beta": 0.1,
        },
    ),
    (
        "Ftrl",
        {
            "learning_rate": {
                "class_name": "InverseTimeDecay",
                "config": {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.5},
            }
        },
    ),
    (
        "Adagrad",
        {
            "learning_rate": {
                "class_name": "PolynomialDecay",
                "config": {
                    "initial_learning_rate": 0.1,
                    "decay_steps": 6,
                    "cycle": True,
                    "end_learning_rate": 0.01,
                    "power": 2.0,
                },
            }
        },
    ),
    (
        "RMSprop",
        {
            "learning_rate": {
                "class_name": "CosineDecayRestarts",
                "config": {
                    "initial_learning_rate": 0.02,
                    "first_decay_steps": 4,
                    "t_mul": 1.5,
                    "m_mul": 0.8,
                    "alpha": 0.05,
                },
            }
        },
    ),
]


def make_optimizers():
    rng = np.random.default_rng(7)
    w0 = rng.normal(size=(3, 2)).astype("float32")
    b0 = rng.normal(size=(2,)).astype("float32")
    gw = rng.normal(size=(20, 3, 2)).astype("float32")
    gb = rng.normal(size=(20, 2)).astype("float32")
    cases = []
    for cls, kwargs in OPTIMIZER_CASES:
        kw = dict(kwargs)
        if isinstance(kw.get("learning_rate"), dict):
            kw["learning_rate"] = _schedule(kw["learning_rate"])
        opt = getattr(keras.optimizers, cls)(**kw)
        w, b = keras.Variable(w0, name="kernel"), keras.Variable(b0, name="bias")
        for step in range(20):
            opt.apply_gradients(
                [(keras.ops.convert_to_tensor(gw[step]), w), (keras.ops.convert_to_tensor(gb[step]), b)]
            )
        cases.append(
            {
                "class_name": cls,
                "config": kwargs,
                "kernel": _list(w.numpy()),
                "bias": _list(b.numpy()),
                "num_variables": len(opt.variables),
                "iterations": int(opt.iterations.numpy()),
            }
        )
    _save(
        "optimizers.json",
        {
            "kernel0": _list(w0),
            "bias0": _list(b0),
            "grad_kernel": _list(gw),
            "grad_bias": _list(gb),
            "cases": cases,
        },
    )


def make_schedules():
    specs = [
        ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.6}),
        (
            "ExponentialDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.6, "staircase": True},
        ),
        ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
        (
            "InverseTimeDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5, "staircase": True},
        ),
        ("PiecewiseConstantDecay", {"boundaries": [4, 9, 20], "values": [1.0, 0.5, 0.25, 0.1]}),
        (
            "PolynomialDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 12, "end_learning_rate": 0.001, "power": 0.5},
        ),
        ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 12, "cycle": True}),
        ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 20, "alpha": 0.2}),
        (
            "CosineDecay",
            {"initial_learning_rate": 0.01, "decay_steps": 15, "warmup_target": 0.1, "warmup_steps": 6},
        ),
        ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 5}),
        (
            "CosineDecayRestarts",
            {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 1.0, "m_mul": 0.7, "alpha": 0.1},
        ),
    ]
    cases = []
    for cls, config in specs:
        s = getattr(keras.optimizers.schedules, cls)(**config)
        cases.append(
            {
                "class_name": cls,
                "config": config,
                "values": [float(keras.ops.convert_to_numpy(s(step))) for step in range(40)],
            }
        )
    _save("schedules.json", {"cases": cases})


# -- losses -------------------------------------------------------------------------------------
def make_losses():
    rng = np.random.default_rng(3)
    n, c = 6, 4
    probs = rng.dirichlet(np.ones(c), size=n).astype("float32")
    probs[0] = [1.0, 0.0, 0.0, 0.0]  # exact zeros and ones: clipping decides the value
    probs[1] = [0.0, 0.0, 0.0, 1.0]
    onehot = np.eye(c, dtype="float32")[rng.integers(0, c, n)]
    onehot[0] = [0, 1, 0, 0]
    onehot[1] = [0, 0, 0, 1]
    labels = onehot.argmax(-1).astype("int64")
    logits = rng.normal(size=(n, c)).astype("float32") * 3
    bin_true = rng.integers(0, 2, size=(n, 3)).astype("float32")
    bin_prob = rng.uniform(size=(n, 3)).astype("float32")
    bin_prob[0, 0], bin_prob[0, 1] = 0.0, 1.0
    bin_raw = rng.normal(size=(n, 1)).astype("float32") * 2  # like Dense(1) without sigmoid
    bin_raw_true = rng.integers(0, 2, size=(n, 1)).astype("float32")
    reg_true = rng.normal(size=(n, 3)).astype("float32")
    reg_pred = rng.normal(size=(n, 3)).astype("float32")
    pos_true = rng.uniform(0.1, 3, size=(n, 3)).astype("float32")
    pos_pred = rng.uniform(0.1, 3, size=(n, 3)).astype("float32")
    hinge_true = rng.choice([-1.0, 1.0], size=(n, 3)).astype("float32")
    sw = rng.uniform(0.2, 2, size=(n,)).astype("float32")
    seq_labels = rng.integers(0, c, size=(n, 5)).astype("int64")
    seq_labels[:, -1] = 2
    seq_probs = rng.dirichlet(np.ones(c), size=(n, 5)).astype("float32")

    cases = []

    def add(cls, kwargs, yt, yp, with_sw=True, reductions=("sum", "none", "mean_with_sample_weight")):
        entry = {
            "class_name": cls,
            "config": kwargs,
            "y_true": _list(yt),
            "y_pred": _list(yp),
            "y_true_dtype": str(np.asarray(yt).dtype),
        }
        loss = getattr(keras.losses, cls)(**kwargs)
        entry["value"] = float(loss(yt, yp))
        if with_sw:
            entry["sample_weight"] = _list(sw)
            entry["value_sw"] = float(loss(yt, yp, sample_weight=sw))
        entry["reductions"] = {}
        for red in reductions:
            entry["reductions"][red] = _list(
                getattr(keras.losses, cls)(reduction=red, **kwargs)(
                    yt, yp, sample_weight=sw if with_sw else None
                )
            )
        cases.append(entry)

    add("MeanSquaredError", {}, reg_true, reg_pred)
    add("MeanAbsoluteError", {}, reg_true, reg_pred)
    add("MeanAbsolutePercentageError", {}, reg_true, reg_pred)
    add("MeanSquaredLogarithmicError", {}, pos_true, pos_pred)
    add("Huber", {}, reg_true, reg_pred * 2)
    add("Huber", {"delta": 0.3}, reg_true, reg_pred * 2)
    add("LogCosh", {}, reg_true, reg_pred * 4)
    add("CosineSimilarity", {}, reg_true, reg_pred)
    add("CosineSimilarity", {"axis": 0}, reg_true, reg_pred, with_sw=False)
    add("BinaryCrossentropy", {}, bin_true, bin_prob)
    add("BinaryCrossentropy", {"label_smoothing": 0.2}, bin_true, bin_prob)
    add("BinaryCrossentropy", {"from_logits": True}, bin_true, reg_pred * 3)
    add(
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1, "axis": 0},
        bin_true,
        reg_pred,
        with_sw=False,
    )
    add("BinaryFocalCrossentropy", {}, bin_true, bin_prob)
    add(
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "label_smoothing": 0.1},
        bin_true,
        bin_prob,
    )
    add("BinaryFocalCrossentropy", {"from_logits": True}, bin_true, reg_pred)
    add("CategoricalCrossentropy", {}, onehot, probs)
    add("CategoricalCrossentropy", {}, onehot, probs * 3.0)  # unnormalised rows are renormalised
    add("CategoricalCrossentropy", {"label_smoothing": 0.1}, onehot, probs)
    add("CategoricalCrossentropy", {"from_logits": True}, onehot, logits)
    add("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, onehot, logits)
    add("CategoricalFocalCrossentropy", {}, onehot, probs)
    add(
        "CategoricalFocalCrossentropy",
        {"alpha": 0.5, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.1},
        onehot,
        logits,
    )
    add("SparseCategoricalCrossentropy", {}, labels, probs)
    add("SparseCategoricalCrossentropy", {}, labels.reshape(-1, 1), probs)
    add("SparseCategoricalCrossentropy", {"from_logits": True}, labels, logits)
    add("SparseCategoricalCrossentropy", {"ignore_class": 2}, seq_labels, seq_probs, with_sw=False)
    add("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, labels, logits)
    add("KLDivergence", {}, onehot * 0.7 + 0.075, probs)
    add("Poisson", {}, pos_true, pos_pred)
    add("Hinge", {}, hinge_true, reg_pred)
    add("Hinge", {}, bin_true, reg_pred)  # 0/1 labels become -1/1
    add("SquaredHinge", {}, hinge_true, reg_pred)
    add("SquaredHinge", {}, bin_true, reg_pred)
    add("CategoricalHinge", {}, onehot, reg_pred[:, :1] * logits)
    # the seed's logistic regression: raw Dense(1) outputs (outside [0, 1]) into binary cross-entropy
    add("BinaryCrossentropy", {}, bin_raw_true, bin_raw)
    _save("losses.json", {"cases": cases})


# -- metrics ------------------------------------------------------------------------------------
def make_metrics():
    rng = np.random.default_rng(11)
    n, c = 8, 4
    probs = rng.dirichlet(np.ones(c), size=n).astype("float32")
    onehot = np.eye(c, dtype="float32")[rng.integers(0, c, n)]
    labels = onehot.argmax(-1).astype("int64")
    labels2 = rng.integers(0, c, n).astype("int64")
    bin_true = rng.integers(0, 2, size=(n, 1)).astype("float32")
    bin_prob = rng.uniform(size=(n, 1)).astype("float32")
    multi_true = rng.integers(0, 2, size=(n, 3)).astype("float32")
    multi_prob = rng.uniform(size=(n, 3)).astype("float32")
    reg_true = rng.normal(size=(n, 3)).astype("float32")
    reg_pred = rng.normal(size=(n, 3)).astype("float32")
    sw = rng.uniform(0.2, 2, size=(n,)).astype("float32")
    half = n // 2

    cases = []

    def add(cls, kwargs, yt, yp, use_sw=True):
        m = getattr(keras.metrics, cls)(**kwargs)
        m.update_state(yt[:half], yp[:half])
        first = _list(keras.ops.convert_to_numpy(m.result()))
        m.update_state(yt[half:], yp[half:], sample_weight=sw[half:] if use_sw else None)
        cases.append(
            {
                "class_name": cls,
                "config": kwargs,
                "y_true": _list(yt),
                "y_pred": _list(yp),
                "y_true_dtype": str(np.asarray(yt).dtype),
                "sample_weight": _list(sw) if use_sw else None,
                "first": first,
                "result": _list(keras.ops.convert_to_numpy(m.result())),
            }
        )

    add("BinaryAccuracy", {}, bin_true, bin_prob)
    add("BinaryAccuracy", {"threshold": 0.7}, multi_true, multi_prob)
    add("CategoricalAccuracy", {}, onehot, probs)
    add("SparseCategoricalAccuracy", {}, labels, probs)
    add("SparseCategoricalAccuracy", {}, labels.reshape(-1, 1), probs)
    add("TopKCategoricalAccuracy", {"k": 2}, onehot, probs)
    add("SparseTopKCategoricalAccuracy", {"k": 2}, labels2, probs)
    add("Accuracy", {}, labels, labels2)
    add("MeanSquaredError", {}, reg_true, reg_pred)
    add("RootMeanSquaredError", {}, reg_true, reg_pred)
    add("MeanAbsoluteError", {}, reg_true, reg_pred)
    add("MeanAbsolutePercentageError", {}, reg_true, reg_pred)
    add("CosineSimilarity", {}, reg_true, reg_pred)
    add("LogCoshError", {}, reg_true, reg_pred)
    add("BinaryCrossentropy", {}, multi_true, multi_prob)
    add("CategoricalCrossentropy", {"label_smoothing": 0.1}, onehot, probs)
    add("SparseCategoricalCrossentropy", {}, labels, probs)
    add("KLDivergence", {}, onehot * 0.5 + 0.125, probs)
    add("Poisson", {}, np.abs(reg_true), np.abs(reg_pred))
    add("Hinge", {}, multi_true, reg_pred)
    add("Precision", {}, multi_true, multi_prob)
    add("Precision", {"thresholds": [0.3, 0.6]}, multi_true, multi_prob)
    add("Precision", {"top_k": 2}, multi_true, multi_prob)
    add("Precision", {"class_id": 1}, multi_true, multi_prob)
    add("Recall", {}, multi_true, multi_prob)
    add("Recall", {"thresholds": [0.3, 0.6], "class_id": 2}, multi_true, multi_prob)
    add("AUC", {}, multi_true, multi_prob)
    add("AUC", {"num_thresholds": 7, "curve": "PR"}, multi_true, multi_prob)
    add("AUC", {"num_thresholds": 11, "summation_method": "minoring"}, bin_true, bin_prob)
    add("AUC", {"multi_label": True, "num_labels": 3}, multi_true, multi_prob)
    add(
        "AUC",
        {"thresholds": [0.2, 0.5, 0.9], "curve": "PR", "summation_method": "majoring"},
        multi_true,
        multi_prob,
    )
    add("F1Score", {}, multi_true, multi_prob)
    add("F1Score", {"average": "macro", "threshold": 0.5}, multi_true, multi_prob)
    add("F1Score", {"average": "weighted", "threshold": 0.4}, multi_true, multi_prob)
    add("F1Score", {"average": "micro", "threshold": 0.5}, multi_true, multi_prob)
    add("FBetaScore", {"beta": 2.0, "threshold": 0.5}, multi_true, multi_prob)
    add("MeanIoU", {"num_classes": c}, labels, labels2, use_sw=False)
    add("MeanIoU", {"num_classes": c, "sparse_y_pred": False}, labels, probs, use_sw=False)
    add("TruePositives", {}, multi_true, multi_prob)
    add("FalseNegatives", {"thresholds": [0.25, 0.75]}, multi_true, multi_prob)
    _save("metrics.json", {"cases": [c for c in cases if c is not None]})


# -- an end-to-end fit: Dense(softmax) + sparse categorical cross-entropy ------------------------
def make_fit():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 5)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int64") + (x[:, 2] > 1).astype("int64")
    kernel = rng.normal(size=(5, 3)).astype("float32") * 0.3
    bias = np.zeros(3, "float32")
    cases = []
    for opt, kw in (("Adam", {"learning_rate": 0.05}), ("SGD", {"learning_rate": 0.2, "momentum": 0.5})):
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])
        model.set_weights([kernel, bias])
        model.compile(
            optimizer=getattr(keras.optimizers, opt)(**kw),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_split=0.25)
        w, b = model.get_weights()
        ev = model.evaluate(x, y, batch_size=7, verbose=0)
        cases.append(
            {
                "optimizer": opt,
                "config": kw,
                "kernel": _list(w),
                "bias": _list(b),
                "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
                "evaluate": [float(v) for v in ev],
                "predict": _list(model.predict(x[:3], verbose=0)),
            }
        )
    # the seed's logistic regression without sigmoid: clipped binary cross-entropy
    xb = rng.normal(size=(32, 2)).astype("float32")
    yb = (xb @ np.array([2.0, -1.0]) + 0.5 > 0).astype("float32").reshape(-1, 1)
    kb = rng.normal(size=(2, 1)).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.set_weights([kb, np.zeros(1, "float32")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    h = model.fit(xb, yb, batch_size=8, epochs=3, shuffle=False, verbose=0)
    w, b = model.get_weights()
    raw = {
        "x": _list(xb),
        "y": _list(yb),
        "kernel0": _list(kb),
        "kernel": _list(w),
        "bias": _list(b),
        "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
    }
    _save(
        "fit_dense.json",
        {
            "x": _list(x),
            "y": y.tolist(),
            "kernel0": _list(kernel),
            "bias0": _list(bias),
            "cases": cases,
            "raw_logistic": raw,
        },
    )


if __name__ == "__main__":
    print("keras", keras.__version__, "backend", keras.backend.backend(), file=sys.stderr)
    make_optimizers()
    make_schedules()
    make_losses()
    make_metrics()
    make_fit()
