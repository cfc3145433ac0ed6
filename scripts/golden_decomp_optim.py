"""Golden values from Keras 3 for keras.ops.eig/eigh/lu_factor and the Muon and ScheduleFreeAdamW optimizers.

Run once with the side environment (never a dependency of tensorflux):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow \
        /tmp/peers/bin/python scripts/golden_decomp_optim.py

It writes
- tests/fixtures/keras_ops_decomp/decomp.npz: inputs ``<op>_x`` and Keras' results ``<op>_out<k>``
  (``lu_factor`` with the TensorFlow backend gives ``(lu, permutation)``, not LAPACK's pivots,
  one matrix per call);
- tests/fixtures/optimizers_muon_sf/<case>.npz: the initial weights ``w0_<i>``, the gradients
  ``g<step>_<i>``, the weights after each step ``w<step+1>_<i>``, the variables' names ``names``
  and the shapes of the optimizer's variables in Keras' order (``var_shapes``, rows padded with -1).
"""

import os

import keras
import numpy as np

HERE = os.path.dirname(__file__)
OPS_OUT = os.path.join(HERE, "..", "tests", "fixtures", "keras_ops_decomp")
OPT_OUT = os.path.join(HERE, "..", "tests", "fixtures", "optimizers_muon_sf")
STEPS = 5
# name -> shape: Muon takes the 2-D ones (the tall one transposed) and Adam the rest and the embedding
VARIABLES = {
    "dense_kernel": (3, 4),
    "dense_bias": (4,),
    "conv_kernel": (2, 3, 5),
    "token_embedding": (5, 3),
    "tall_kernel": (6, 2),
}

CASES = {
    "muon_default": lambda: keras.optimizers.Muon(),
    "muon_options": lambda: keras.optimizers.Muon(
        learning_rate=0.02,
        exclude_layers=["tall"],
        exclude_embeddings=False,
        nesterov=False,
        rms_rate=None,
        momentum=0.9,
        ns_steps=3,
        adam_lr_ratio=0.5,
        weight_decay=0.01,
        adam_weight_decay=None,
    ),
    "muon_clip": lambda: keras.optimizers.Muon(learning_rate=0.05, global_clipnorm=1.0),
    "sfadamw_default": lambda: keras.optimizers.ScheduleFreeAdamW(),
    "sfadamw_warmup": lambda: keras.optimizers.ScheduleFreeAdamW(
        learning_rate=0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-6, warmup_steps=3, weight_decay=0.01
    ),
}


def decompositions() -> None:
    os.makedirs(OPS_OUT, exist_ok=True)
    rng = np.random.default_rng(11)
    data = {}
    a = rng.normal(size=(3, 4, 4)).astype("float32")
    data["eigh_x"] = a + np.swapaxes(a, -1, -2)
    a64 = rng.normal(size=(5, 5))
    data["eigh64_x"] = a64 + a64.T
    data["eig_x"] = rng.normal(size=(2, 4, 4)).astype("float32")
    data["lu_x"] = rng.normal(size=(3, 5, 5)).astype("float32")
    data["lu64_x"] = rng.normal(size=(6, 6))
    for name, fn in (("eigh", keras.ops.eigh), ("eigh64", keras.ops.eigh), ("eig", keras.ops.eig)):
        for k, out in enumerate(fn(data[f"{name}_x"])):
            data[f"{name}_out{k}"] = np.asarray(out)
    # Keras' TensorFlow backend factors one matrix per call (a batch fails in invert_permutation)
    lus, perms = zip(*[keras.ops.lu_factor(m) for m in data["lu_x"]])
    data["lu_out0"], data["lu_out1"] = np.stack(lus), np.stack(perms)
    data["lu64_out0"], data["lu64_out1"] = (np.asarray(o) for o in keras.ops.lu_factor(data["lu64_x"]))
    np.savez(os.path.join(OPS_OUT, "decomp.npz"), **data)
    print("decomp", sorted(data))


def optimizers() -> None:
    os.makedirs(OPT_OUT, exist_ok=True)
    rng = np.random.default_rng(5)
    names = list(VARIABLES)
    w0 = [rng.normal(size=s).astype("float32") for s in VARIABLES.values()]
    grads = [[rng.normal(size=s).astype("float32") for s in VARIABLES.values()] for _ in range(STEPS)]
    for case, make in CASES.items():
        opt = make()
        variables = [keras.Variable(w, name=n) for w, n in zip(w0, names)]
        data = {f"w0_{i}": w for i, w in enumerate(w0)}
        data["names"] = np.array(names)
        for step, gs in enumerate(grads):
            opt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in gs], variables))
            for i, (g, v) in enumerate(zip(gs, variables)):
                data[f"g{step}_{i}"] = g
                data[f"w{step + 1}_{i}"] = np.asarray(v.numpy())
        shapes = [tuple(v.shape) for v in opt.variables]
        width = max(len(s) for s in shapes)
        data["var_shapes"] = np.array([list(s) + [-1] * (width - len(s)) for s in shapes], "int64")
        np.savez(os.path.join(OPT_OUT, f"{case}.npz"), **data)
        print(case, shapes)


if __name__ == "__main__":
    decompositions()
    optimizers()
