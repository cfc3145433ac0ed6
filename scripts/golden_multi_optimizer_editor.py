"""Golden values for ``keras.optimizers.MultiOptimizer`` and ``keras.saving.KerasFileEditor``.

Run once with /tmp/peers/bin/python scripts/golden_multi_optimizer_editor.py (Keras 3.15,
TensorFlow backend, CPU).  It writes:

tests/fixtures/multi_optimizer/
    multi_fit.npz        initial weights, data, per-step losses and weights after fit (SGD with
                         momentum on the head, Adam on the encoder), the optimizer state after fit,
                         and the weights after one more train_on_batch.
    multi_fit.keras      the compiled model saved by Keras after fit (optimizer state included).
tests/fixtures/file_editor/
    source.keras, source.weights.h5   a small Functional model saved by Keras.
    edited.weights.h5    source.weights.h5 edited by Keras' KerasFileEditor (see EDITS below).
    editor.json          Keras' compare() results along the edits, and the file's weight tree.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers, optimizers  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
MO = os.path.join(ROOT, "multi_optimizer")
FE = os.path.join(ROOT, "file_editor")


def multi_model() -> keras.Model:
    return keras.Sequential(
        [keras.Input((4,)), layers.Dense(5, activation="tanh", name="enc"), layers.Dense(3, name="head")],
        name="mo_model",
    )


def multi_optimizer() -> optimizers.MultiOptimizer:
    return optimizers.MultiOptimizer(
        optimizers.OptimizerMap(
            default_optimizer=optimizers.SGD(learning_rate=0.05, momentum=0.9, name="sgd"),
            optimizer_map={".*enc/.*": optimizers.Adam(learning_rate=0.01, name="adam")},
        ),
        name="multi",
    )


def golden_multi() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 3)).astype("float32")
    model = multi_model()
    init = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(init)
    opt = multi_optimizer()
    model.compile(optimizer=opt, loss="mse")
    hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    out = {f"init_{i}": w for i, w in enumerate(init)}
    out.update(x=x, y=y, loss=np.array(hist.history["loss"], "float32"))
    out.update({f"fit_{i}": w for i, w in enumerate(model.get_weights())})
    out["opt_paths"] = np.array([v.path for v in opt.variables])
    out.update({f"opt_{i}": np.asarray(v.numpy()) for i, v in enumerate(opt.variables)})
    model.save(os.path.join(MO, "multi_fit.keras"))
    step_loss = model.train_on_batch(x[:8], y[:8])
    out["step_loss"] = np.float32(step_loss)
    out.update({f"step_{i}": w for i, w in enumerate(model.get_weights())})
    np.savez(os.path.join(MO, "multi_fit.npz"), **out)


def editor_model(extra: bool) -> keras.Model:
    inputs = keras.Input((2,))
    h = layers.Dense(3, name="mydense")(inputs)
    if extra:
        h = layers.Dense(3, name="myotherdense")(h)
    outputs = layers.Dense(3, name="output_layer")(h)
    return keras.Model(inputs, outputs)


def tree(d: dict) -> dict:
    return {k: tree(v) if isinstance(v, dict) else list(v.shape) for k, v in d.items()}


def golden_editor() -> None:
    from keras.saving import KerasFileEditor

    rng = np.random.default_rng(3)
    source = editor_model(False)
    source.set_weights([rng.normal(size=w.shape).astype("float32") for w in source.get_weights()])
    source.save(os.path.join(FE, "source.keras"))
    source.save_weights(os.path.join(FE, "source.weights.h5"))
    new_kernel = rng.normal(size=(3, 3)).astype("float32")
    new_bias = rng.normal(size=(3,)).astype("float32")
    target = editor_model(True)
    editor = KerasFileEditor(os.path.join(FE, "source.keras"))
    record = {"tree": tree(editor.weights_dict), "compare": {}}
    record["compare"]["source"] = editor.compare(source)
    record["compare"]["target_before"] = editor.compare(target)
    # EDITS: turn the source file into weights for the target model (output_layer moves to dense_2)
    editor.rename_object("dense_1", "dense_2")
    editor.add_object("layers/dense_1", weights={"0": new_kernel})
    record["compare"]["after_add_object"] = editor.compare(target)
    editor.add_weights("dense_1", {"1": new_bias})
    record["compare"]["after_add_weights"] = editor.compare(target)
    editor.save(os.path.join(FE, "edited.weights.h5"))
    target.load_weights(os.path.join(FE, "edited.weights.h5"))
    record["edited_tree"] = tree(editor.weights_dict)
    np.savez(
        os.path.join(FE, "editor.npz"),
        new_kernel=new_kernel,
        new_bias=new_bias,
        **{f"target_{i}": w for i, w in enumerate(target.get_weights())},
    )
    editor.delete_weight("dense_1", "1")
    record["compare"]["after_delete_weight"] = editor.compare(target)
    editor.delete_object("layers/dense_2")
    record["compare"]["after_delete_object"] = editor.compare(target)
    with open(os.path.join(FE, "editor.json"), "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    os.makedirs(MO, exist_ok=True)
    os.makedirs(FE, exist_ok=True)
    keras.utils.set_random_seed(0)
    golden_multi()
    golden_editor()
    print("wrote", MO, FE)
