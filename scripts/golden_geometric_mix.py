"""Golden values for RandomShear, RandomGaussianBlur, MixUp, CutMix, Equalization, RandomPerspective and
ReversibleEmbedding from Keras 3 (TensorFlow backend).

Run once with the side virtualenv (never a project dependency):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow \
        /tmp/peers/bin/python scripts/golden_geometric_mix.py

It writes tests/fixtures/geometric_mix/*.npz. Keras' random streams cannot be reproduced, so the
random layers are recorded either with settings that make the draws irrelevant (blur probability 1
and a fixed sigma) or through the layer's ``transform_images``/``transform_labels`` with a fixed
transformation (shear amounts, mix weights and permutations, perspective corners).
"""

import os

import keras
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "geometric_mix")
rng = np.random.RandomState(7)


def save(name, **arrays):
    np.savez(os.path.join(OUT, name + ".npz"), **arrays)


def shear():
    x = rng.uniform(0, 255, (2, 7, 6, 3)).astype("float32")
    # amounts that put no sampling point on a border or a rounding tie (TF computes them in float32)
    sf = np.array([[0.27, 0.0], [-0.15, 0.35]], "float32")
    out = {"x": x, "shear": sf}
    for fill in ("reflect", "constant", "nearest", "wrap"):
        for interp in ("bilinear", "nearest"):
            layer = keras.layers.RandomShear(0.5, 0.5, interpolation=interp, fill_mode=fill, fill_value=9.0)
            y = layer.transform_images(x, {"shear_factor": sf, "input_shape": x.shape}, training=True)
            out[f"{fill}_{interp}"] = keras.ops.convert_to_numpy(y)
    save("shear", **out)


def blur():
    x = rng.uniform(0, 255, (2, 6, 7, 3)).astype("float32")
    out = {"x": x}
    for k, s in ((3, 0.5), (5, 0.8)):
        y = keras.layers.RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=k, sigma=(s, s), seed=1)(x)
        out[f"k{k}"] = keras.ops.convert_to_numpy(y)
    xf = np.transpose(x, (0, 3, 1, 2)) / 255.0
    y = keras.layers.RandomGaussianBlur(
        factor=(1.0, 1.0), sigma=(0.6, 0.6), value_range=(0.2, 0.8), data_format="channels_first"
    )(xf)
    out["xf"], out["cf"] = xf, keras.ops.convert_to_numpy(y)
    save("blur", **out)


def mixes():
    x = rng.uniform(0, 1, (3, 5, 6, 2)).astype("float32")
    labels = np.eye(3, dtype="float32")
    w = np.array([0.25, 0.9, 0.6], "float32")
    perm = np.array([2, 0, 1], "int32")
    t = {"mix_weight": w, "permutation_order": perm}
    mu = keras.layers.MixUp()
    y = mu.transform_images(x, t, training=True)
    lab = mu.transform_labels(labels, t, training=True)
    save(
        "mix_up",
        x=x,
        labels=labels,
        w=w,
        perm=perm,
        images=keras.ops.convert_to_numpy(y),
        out_labels=keras.ops.convert_to_numpy(lab),
    )
    # CutMix: a box [x0, x1) x [y0, y1) per image, in pixels
    box = np.array([[1.0, 4.5, 0.5, 3.0], [0.0, 6.0, 2.0, 5.0], [2.2, 2.8, 1.0, 1.5]], "float32")
    cm = keras.layers.CutMix()
    masks, weight = cm._generate_batch_mask(x.shape, (box[:, 0], box[:, 1], box[:, 2], box[:, 3]))
    t = {"permutation_order": perm, "batch_masks": masks, "mix_weight": weight}
    y = cm.transform_images(x, t, training=True)
    lab = cm.transform_labels(labels, t, training=True)
    save(
        "cut_mix",
        x=x,
        labels=labels,
        box=box,
        perm=perm,
        images=keras.ops.convert_to_numpy(y),
        out_labels=keras.ops.convert_to_numpy(lab),
        weight=keras.ops.convert_to_numpy(weight),
    )


def equalization():
    x = np.round(rng.beta(2.0, 5.0, (2, 8, 9, 3)) * 255).astype("float32")
    x[..., 2] = 17.0  # one occupied bin: left unchanged
    out = {"x": x, "default": keras.ops.convert_to_numpy(keras.layers.Equalization()(x))}
    x01 = rng.uniform(0.1, 0.6, (2, 5, 5, 2)).astype("float32")
    out["x01"] = x01
    out["unit"] = keras.ops.convert_to_numpy(keras.layers.Equalization(value_range=(0, 1), bins=64)(x01))
    xf = np.transpose(x01, (0, 3, 1, 2))
    out["cf"] = keras.ops.convert_to_numpy(
        keras.layers.Equalization(value_range=(0, 1), data_format="channels_first")(xf)
    )
    save("equalization", **out)


def perspective():
    x = rng.uniform(0, 255, (2, 7, 8, 3)).astype("float32")
    h, w = 7, 8
    start = np.array([[[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]]] * 2, "float32")
    offsets = np.array(
        [
            [[0.0, 0.0], [0.1, -0.2], [0.15, 0.05], [-0.1, 0.2]],
            [[0.2, 0.1], [-0.3, 0.25], [0.0, -0.1], [0.3, 0.3]],
        ],
        "float32",
    )
    end = start + start * offsets
    out = {"x": x, "start": start, "end": end}
    for interp in ("bilinear", "nearest"):
        layer = keras.layers.RandomPerspective(interpolation=interp, fill_value=3.0)
        t = {
            "apply_perspective": np.array([True, True]),
            "start_points": start,
            "end_points": end,
            "input_shape": x.shape,
        }
        out[interp] = keras.ops.convert_to_numpy(layer.transform_images(x, t, training=True))
    save("perspective", **out)


def reversible_embedding():
    emb = rng.normal(0, 1, (7, 4)).astype("float32")
    rev = rng.normal(0, 1, (4, 7)).astype("float32")
    ids = np.array([[1, 0, 6], [3, 3, 2]], "int32")
    h = rng.normal(0, 1, (2, 3, 4)).astype("float32")
    out = {"emb": emb, "rev": rev, "ids": ids, "h": h}
    tied = keras.layers.ReversibleEmbedding(7, 4)
    tied.build()
    tied.set_weights([emb])
    out["forward"] = keras.ops.convert_to_numpy(tied(ids))
    out["tied"] = keras.ops.convert_to_numpy(tied(h, reverse=True))
    capped = keras.layers.ReversibleEmbedding(7, 4, tie_weights=False, logit_soft_cap=1.5)
    capped.build()
    capped.set_weights([emb, rev])
    out["untied_capped"] = keras.ops.convert_to_numpy(capped(h, reverse=True))
    save("reversible_embedding", **out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for make in (shear, blur, mixes, equalization, perspective, reversible_embedding):
        make()
        print("wrote", make.__name__)
