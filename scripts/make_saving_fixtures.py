"""Make the model files of the saving tests (tests/fixtures/saving/) with real Keras, and check ours in Keras.

Run once with the side environment (keras 3 + tensorflow-cpu, and tf-keras for tf.keras 2 files;
never a dependency of tensorflux):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/make_saving_fixtures.py

It writes, for three tiny models (a Sequential MLP, a functional CNN with BatchNormalization, an
LSTM/GRU model), each trained for a few steps so that every variable (BatchNormalization's moving
statistics, the optimizer's slots) holds a non-trivial value:

- ``k3_<model>.keras``, ``k3_<model>.weights.h5``, ``k3_<model>.h5``: Keras 3's native, weights-only
  and legacy files;
- ``tk2_<model>.h5``, ``tk2_<model>_weights.h5``: tf.keras 2 full-model and weights-only files;
- ``predictions.npz``: the fixed inputs ``x_<model>``, each library's predictions on them
  (``k3_<model>``, ``tk2_<model>``), Keras 3's optimizer step counter, and, for the MLP, Keras 3's
  predictions after loading its ``.keras`` file and training one more batch (``k3_mlp_after_step``
  on ``x_step``/``y_step``), which checks that the optimizer's state is restored in Keras' order;
- ``k3_opt_<name>.keras``: small models compiled with SGD (Nesterov), RMSprop (centered),
  AdamW (with a schedule) and Adagrad, loss and metric objects, and Keras' predictions after one
  more batch (``k3_opt_<name>_after_step`` on ``x_opt``/``y_opt``);

Then it builds and trains the same three models with tensorflux (imported from this checkout),
saves them as ``tfx_<model>.keras``, loads those files in real Keras, and compares predictions
(printed). Keras' predictions on our files are kept in ``keras_on_tfx.npz`` so the tests can
check that both libraries read our files the same way.
"""

from __future__ import annotations

import os
import sys
import tempfile

import numpy as np

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "saving")
MODELS = ("mlp", "cnn", "rnn")


def inputs() -> dict[str, np.ndarray]:
    rng = np.random.RandomState(7)
    return {
        "mlp": rng.rand(5, 8).astype("float32"),
        "cnn": rng.rand(3, 8, 8, 3).astype("float32"),
        "rnn": rng.rand(3, 6, 5).astype("float32"),
    }


def train_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(11)
    x = {"mlp": rng.rand(32, 8), "cnn": rng.rand(16, 8, 8, 3), "rnn": rng.rand(16, 6, 5)}[name].astype(
        "float32"
    )
    classes = {"mlp": 4, "cnn": 3, "rnn": 2}[name]
    y = np.eye(classes, dtype="float32")[rng.randint(0, classes, len(x))]
    return x, y


def build(keras: object, name: str) -> object:
    """The same architecture in Keras 3, tf.keras 2 and tensorflux (their APIs agree here)."""
    L = keras.layers  # type: ignore[attr-defined]
    if name == "mlp":
        model = keras.Sequential(  # type: ignore[attr-defined]
            [
                keras.Input((8,)),
                L.Dense(16, activation="relu"),
                L.Dense(8, activation="tanh"),  # type: ignore
                L.Dense(4, activation="softmax"),
            ]
        )
    elif name == "cnn":
        inp = keras.Input((8, 8, 3))  # type: ignore[attr-defined]
        h = L.Conv2D(4, 3, activation="relu")(inp)
        h = L.BatchNormalization()(h)
        h = L.MaxPooling2D()(h)
        h = L.Flatten()(h)
        model = keras.Model(inp, L.Dense(3, activation="softmax")(h))  # type: ignore[attr-defined]
    else:
        inp = keras.Input((6, 5))  # type: ignore[attr-defined]
        h = L.LSTM(4, return_sequences=True)(inp)
        h = L.GRU(3)(h)
        model = keras.Model(inp, L.Dense(2, activation="softmax")(h))  # type: ignore[attr-defined]
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="categorical_crossentropy",  # type: ignore
        metrics=["accuracy"],
    )
    return model


def train(model: object, name: str) -> None:
    x, y = train_data(name)
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)  # type: ignore[attr-defined]


def keras3(xs: dict[str, np.ndarray], out: dict[str, np.ndarray]) -> None:
    import keras

    keras.utils.set_random_seed(0)
    for name in MODELS:
        model = build(keras, name)
        train(model, name)
        model.save(os.path.join(OUT, f"k3_{name}.keras"))
        model.save_weights(os.path.join(OUT, f"k3_{name}.weights.h5"))
        model.save(os.path.join(OUT, f"k3_{name}.h5"))
        out[f"k3_{name}"] = model.predict(xs[name], verbose=0)
        out[f"k3_{name}_iterations"] = np.asarray(int(model.optimizer.iterations.numpy()))
    loaded = keras.models.load_model(os.path.join(OUT, "k3_mlp.keras"))
    x, y = train_data("mlp")
    out["x_step"], out["y_step"] = x[:8], y[:8]
    loaded.train_on_batch(x[:8], y[:8])
    out["k3_mlp_after_step"] = loaded.predict(xs["mlp"], verbose=0)


def optimizer_cases(keras: object) -> dict[str, dict[str, object]]:
    """compile() arguments whose optimizer state, losses and metrics must survive a save in Keras."""
    K = keras
    return {
        "sgd": dict(
            optimizer=K.optimizers.SGD(0.05, momentum=0.9, nesterov=True),  # type: ignore[attr-defined]
            loss=K.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),  # type: ignore
            metrics=[K.metrics.CategoricalAccuracy(), K.metrics.AUC()],  # type: ignore[attr-defined]
        ),
        "rmsprop": dict(
            optimizer=K.optimizers.RMSprop(0.01, rho=0.8, momentum=0.1, centered=True),  # type: ignore
            loss="mse",
            metrics=["mae", "accuracy"],
        ),
        "adamw": dict(
            optimizer=K.optimizers.AdamW(  # type: ignore[attr-defined]
                K.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9),
                weight_decay=0.01,  # type: ignore
            ),
            loss="categorical_crossentropy",
        ),
        "adagrad": dict(optimizer="adagrad", loss="kl_divergence", metrics=["top_k_categorical_accuracy"]),
    }


def keras3_optimizers(out: dict[str, np.ndarray]) -> None:
    """``k3_opt_<name>.keras`` after one epoch, and Keras' predictions after one more batch."""
    import keras

    rng = np.random.RandomState(3)
    x = rng.rand(16, 4).astype("float32")
    y = np.eye(3, dtype="float32")[rng.randint(0, 3, 16)]
    out["x_opt"], out["y_opt"] = x, y
    for name, kwargs in optimizer_cases(keras).items():
        keras.utils.set_random_seed(1)
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3)]
        )
        model.compile(**kwargs)
        model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
        model.save(os.path.join(OUT, f"k3_opt_{name}.keras"))
        model.train_on_batch(x[:8], y[:8])
        out[f"k3_opt_{name}_after_step"] = model.predict(x, verbose=0)


def tf_keras2(xs: dict[str, np.ndarray], out: dict[str, np.ndarray]) -> None:
    import tensorflow as tf
    import tf_keras

    tf.random.set_seed(0)
    for name in MODELS:
        model = build(tf_keras, name)
        train(model, name)
        model.save(os.path.join(OUT, f"tk2_{name}.h5"))
        model.save_weights(os.path.join(OUT, f"tk2_{name}_weights.h5"))
        out[f"tk2_{name}"] = model.predict(xs[name], verbose=0)


def tensorflux_in_keras(xs: dict[str, np.ndarray]) -> None:
    sys.path.insert(0, ROOT)
    import keras

    import tensorflux as tfx
    from tensorflux import keras as tk

    tfx.random.set_seed(0)
    ours, theirs = {}, {}
    for name in MODELS:
        model = build(tk, name)
        train(model, name)
        path = os.path.join(OUT, f"tfx_{name}.keras")
        model.save(path)
        ours[name] = model.predict(xs[name], verbose=0)
        loaded = keras.models.load_model(path)
        theirs[name] = loaded.predict(xs[name], verbose=0)
        err = float(np.max(np.abs(ours[name] - theirs[name])))
        same_opt = int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
        print(
            f"tensorflux {name}.keras loaded in Keras {keras.__version__}: {type(loaded).__name__} with "
            f"{len(loaded.layers)} layers, max |keras - tensorflux| = {err:.2e}, optimizer step restored: "
            f"{same_opt} -> {'OK' if err < 1e-5 and same_opt else 'MISMATCH'}"
        )
        # Not committed: our legacy .h5 and .weights.h5 files, read by Keras too.
        with tempfile.TemporaryDirectory() as tmp:
            model.save(os.path.join(tmp, "m.h5"))
            model.save_weights(os.path.join(tmp, "w.weights.h5"))
            legacy = keras.models.load_model(os.path.join(tmp, "m.h5"))
            weights_only = keras.models.clone_model(loaded)
            weights_only.compile(optimizer="adam", loss="categorical_crossentropy")
            weights_only.optimizer.build(weights_only.trainable_variables)  # Keras skips unbuilt optimizers
            weights_only.load_weights(os.path.join(tmp, "w.weights.h5"))
            errs = [
                float(np.max(np.abs(m.predict(xs[name], verbose=0) - ours[name])))
                for m in (legacy, weights_only)
            ]
        print(f"  and its .h5 / .weights.h5 files: max |keras - tensorflux| = {errs[0]:.2e} / {errs[1]:.2e}")
    np.savez(
        os.path.join(OUT, "keras_on_tfx.npz"),
        **{f"x_{k}": v for k, v in xs.items()},
        **{f"keras_{k}": v for k, v in theirs.items()},
    )


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    xs = inputs()
    out: dict[str, np.ndarray] = {f"x_{k}": v for k, v in xs.items()}
    if "--only-check" not in sys.argv:
        keras3(xs, out)
        keras3_optimizers(out)
        tf_keras2(xs, out)
        np.savez(os.path.join(OUT, "predictions.npz"), **out)
    tensorflux_in_keras(xs)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"fixtures in {os.path.normpath(OUT)}: {len(os.listdir(OUT))} files, {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
