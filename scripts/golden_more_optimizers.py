"""Golden trajectories of Keras 3's Lamb and Adafactor for tests/keras/test_more_optimizers.py.

Run once with the side environment (never a dependency of tensorflux):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow \
        /tmp/peers/bin/python scripts/golden_more_optimizers.py

It writes tests/fixtures/optimizers_more/<case>.npz holding the initial weights ``w0_<i>``, the
gradients ``g<step>_<i>`` fed at each step, the weights after each step ``w<step+1>_<i>``, and the
shapes of the optimizer's variables in Keras' order (``var_shapes``, rows padded with -1).
"""

import os

import keras
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "optimizers_more")
STEPS = 5
SHAPES = [(3, 4), (4,), (2, 3, 5)]

CASES = {
    "lamb_default": lambda: keras.optimizers.Lamb(),
    "lamb_lr": lambda: keras.optimizers.Lamb(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-5),
    "adafactor_default": lambda: keras.optimizers.Adafactor(),
    "adafactor_lr": lambda: keras.optimizers.Adafactor(
        learning_rate=0.3, beta_2_decay=-0.5, epsilon_2=1e-2, clip_threshold=0.5
    ),
    "adafactor_fixed_step": lambda: keras.optimizers.Adafactor(learning_rate=0.1, relative_step=False),
}


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    w0 = [rng.normal(size=s).astype("float32") for s in SHAPES]
    w0[1][:] = 0.0  # a zero weight: Lamb's trust ratio falls back to 1
    grads = [[rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(STEPS)]
    for name, make in CASES.items():
        opt = make()
        variables = [keras.Variable(w) for w in w0]
        data = {f"w0_{i}": w for i, w in enumerate(w0)}
        for step, gs in enumerate(grads):
            opt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in gs], variables))
            for i, (g, v) in enumerate(zip(gs, variables)):
                data[f"g{step}_{i}"] = g
                data[f"w{step + 1}_{i}"] = np.asarray(v.numpy())
        shapes = [tuple(v.shape) for v in opt.variables]
        width = max(len(s) for s in shapes)
        data["var_shapes"] = np.array([list(s) + [-1] * (width - len(s)) for s in shapes], "int64")
        np.savez(os.path.join(OUT, f"{name}.npz"), **data)
        print(name, shapes)


if __name__ == "__main__":
    main()
