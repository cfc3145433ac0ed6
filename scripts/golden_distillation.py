"""Golden values for tensorflux.keras.distillation from Keras 3.15 (TensorFlow backend).

Run once with:
    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_distillation.py
Writes tests/fixtures/distillation/golden.npz: distillation loss values on fixed logits/features and
a few fit steps of a tiny teacher/student pair started from fixed weights.
"""

import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "distillation", "golden.npz")


def main():
    rng = np.random.default_rng(0)
    res = {}
    t = rng.normal(size=(4, 5)).astype("float32") * 2
    s = rng.normal(size=(4, 5)).astype("float32") * 2
    t2 = rng.normal(size=(4, 3)).astype("float32")
    s2 = rng.normal(size=(4, 3)).astype("float32")
    res.update(t=t, s=s, t2=t2, s2=s2)
    D = keras.distillation
    cases = {
        "logits_default": D.LogitsDistillation(),
        "logits_t1": D.LogitsDistillation(temperature=1.0),
        "logits_kl_instance": D.LogitsDistillation(temperature=4.0, loss=keras.losses.KLDivergence()),
        "logits_cce": D.LogitsDistillation(temperature=2.0, loss="categorical_crossentropy"),
        "feature_mse": D.FeatureDistillation(),
        "feature_mae": D.FeatureDistillation(loss="mae"),
        "feature_cos": D.FeatureDistillation(loss="cosine_similarity"),
    }
    for k, d in cases.items():
        res["loss_" + k] = np.asarray(d.compute_loss(t, s))
    res["loss_logits_list"] = np.asarray(
        D.LogitsDistillation(temperature=2.0, loss=["kl_divergence", None]).compute_loss([t, t2], [s, s2])
    )
    res["loss_feature_list"] = np.asarray(
        D.FeatureDistillation(loss=["mse", "mae"]).compute_loss([t, t2], [s, s2])
    )

    # A tiny teacher/student pair from fixed weights, then a few fit steps.
    def make(name, units):
        return keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(units, activation="relu", name="hidden"),
                keras.layers.Dense(3, name="logits"),
            ],
            name=name,
        )

    teacher, student = make("teacher", 6), make("student", 6)
    for m, tag in ((teacher, "teacher"), (student, "student")):
        for i, w in enumerate(m.weights):
            v = rng.normal(size=w.shape).astype("float32") * 0.5
            w.assign(v)
            res[f"{tag}_w{i}"] = v
    x = rng.normal(size=(12, 4)).astype("float32")
    y = rng.integers(0, 3, size=(12,)).astype("int32")
    res.update(x=x, y=y)
    distiller = D.Distiller(
        teacher=teacher,
        student=student,
        distillation_losses=[
            D.LogitsDistillation(temperature=2.0),
            D.FeatureDistillation(loss="mse", teacher_layer_name="hidden", student_layer_name="hidden"),
        ],
        distillation_loss_weights=[1.0, 0.5],
        student_loss_weight=0.3,
    )
    distiller.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    ev0 = distiller.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    for k, v in ev0.items():
        res["eval0_" + k] = np.asarray(v)
    hist = distiller.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for k, v in hist.history.items():
        res["hist_" + k] = np.asarray(v)
    for i, w in enumerate(student.weights):
        res[f"student_after_w{i}"] = np.asarray(w)
    for i, w in enumerate(teacher.weights):
        res[f"teacher_after_w{i}"] = np.asarray(w)
    res["predict"] = distiller.predict(x, verbose=0)
    ev = distiller.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    for k, v in ev.items():
        res["eval_" + k] = np.asarray(v)
    res["metrics_names"] = np.asarray([m.name for m in distiller.metrics])
    np.savez(OUT, **res)
    for k in sorted(res):
        if k.startswith(("loss_", "hist_", "eval")) or k == "metrics_names":
            print(k, res[k])


if __name__ == "__main__":
    main()
