"""Golden values for ``keras.quantizers`` from Keras 3.15 (TensorFlow backend).

Run once with the side environment (never a project dependency):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow \
        /tmp/peers/bin/python scripts/golden_quantizers.py

Writes tests/fixtures/quantizers/quantizers.npz. Inputs are drawn from a fixed NumPy seed and
stored next to the outputs, so the tests need neither TensorFlow nor Keras.
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# Keep the repo's `tensorflux` (and this folder) from shadowing anything when run from the root.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import quantizers as q  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "quantizers", "quantizers.npz")
rng = np.random.default_rng(1234)
res = {}


def put(name, value):
    res[name] = np.asarray(value)


# abs_max_quantize: int8 and int4 ranges, several axes, both code paths.
x = rng.normal(size=(4, 6)).astype("float32") * 3.0
put("amq_x", x)
for path in (False, True):
    for axis_name, axis in (("m1", -1), ("0", 0), ("01", (0, 1))):
        for rname, vr in (("int8", (-127, 127)), ("int4", (-8, 7))):
            o, s = q.abs_max_quantize(x, axis, value_range=vr, to_numpy=path)
            key = f"amq_{int(path)}_{axis_name}_{rname}"
            put(key + "_q", o)
            put(key + "_s", s)

o, s = q.AbsMaxQuantizer()(x)
put("absmax_default_q", o)
put("absmax_default_s", s)
o, s = q.AbsMaxQuantizer(axis=0, value_range=(-8, 7))(x)
put("absmax_axis0_int4_q", o)
put("absmax_axis0_int4_s", s)

# Grouped asymmetric quantization: a padded last group, one group, and a constant column.
g = rng.normal(size=(10, 4)).astype("float32")
g[:, 3] = 0.25
put("grp_x", g)
for path in (False, True):
    for bs in (4, 16):
        o, s, z = q.abs_max_quantize_grouped_with_zero_point(g, block_size=bs, to_numpy=path)
        key = f"grp_{int(path)}_{bs}"
        put(key + "_q", o)
        put(key + "_s", s)
        put(key + "_z", z)
o, s, z = q.abs_max_quantize_grouped_with_zero_point(g, block_size=4, value_range=(-128, 127))
put("grp_int8_q", o)
put("grp_int8_s", s)
put("grp_int8_z", z)

# Float8 helpers.
amax = np.array([0.0, 3.0, np.inf, 0.5, np.nan], "float32")
scale = np.array([2.0, 0.5, 4.0, 1.0, 3.0], "float32")
put("f8_amax", amax)
put("f8_scale", scale)
put("f8_scale_m0", q.compute_float8_scale(amax, scale, 448.0))
put("f8_scale_m2", q.compute_float8_scale(amax, scale, 57344.0, margin=2))
hx = rng.normal(size=(3, 5)).astype("float32")
hist = np.array([1.0, 2.0, 3.0, 4.0], "float32")
put("hist_x", hx)
put("hist_in", hist)
put("hist_out", q.compute_float8_amax_history(hx, tf.constant(hist)))

qd_x = np.concatenate(
    [rng.normal(size=20) * 30.0, [500.0, -1000.0, 1e-4, -3e-3, 0.0, 447.0, 57000.0, 60000.0]]
).astype("float32")
put("qd_x", qd_x)
for dt in ("float8_e4m3fn", "float8_e5m2", "float16", "bfloat16"):
    put(f"qd_{dt}_s1", q.quantize_and_dequantize(qd_x, 1.0, dt, "float32"))
    put(f"qd_{dt}_s3", q.quantize_and_dequantize(qd_x, 0.37, dt, "float32"))

# fake_quant_with_min_max_vars with TF's gradients.
fq_x = np.concatenate([np.linspace(-1.3, 1.7, 23), [-1.0, 1.0, 0.0, 0.5]]).astype("float32")
put("fq_x", fq_x)
cases = {
    "t8": dict(mn=-1.0, mx=1.0, num_bits=8, narrow_range=False),
    "t4n": dict(mn=-1.0, mx=1.0, num_bits=4, narrow_range=True),
    "tpos": dict(mn=0.2, mx=1.2, num_bits=8, narrow_range=False),
    "tneg": dict(mn=-1.1, mx=-0.1, num_bits=3, narrow_range=False),
    "toff": dict(mn=-0.77, mx=1.31, num_bits=5, narrow_range=False),
}
for name, c in cases.items():
    xt = tf.constant(fq_x)
    mn = tf.constant(c["mn"], "float32")
    mx = tf.constant(c["mx"], "float32")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([xt, mn, mx])
        y = q.fake_quant_with_min_max_vars(xt, mn, mx, num_bits=c["num_bits"], narrow_range=c["narrow_range"])
        loss = tf.reduce_sum(y * tf.range(1.0, 28.0))
    dx, dmn, dmx = tape.gradient(loss, [xt, mn, mx])
    put(f"fq_{name}_y", y)
    put(f"fq_{name}_dx", dx)
    put(f"fq_{name}_dmin", dmn)
    put(f"fq_{name}_dmax", dmx)

pc_x = rng.normal(size=(3, 4, 5)).astype("float32") * 1.5
put("pc_x", pc_x)
for axis in (1, -1, 0):
    n = pc_x.shape[axis]
    mn = np.linspace(-1.5, 0.1, n).astype("float32")
    mx = np.linspace(0.4, 2.0, n).astype("float32")
    xt, mnt, mxt = tf.constant(pc_x), tf.constant(mn), tf.constant(mx)
    w = tf.constant(rng.normal(size=pc_x.shape).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch([xt, mnt, mxt])
        y = q.fake_quant_with_min_max_vars(xt, mnt, mxt, num_bits=6, narrow_range=False, axis=axis)
        loss = tf.reduce_sum(y * w)
    dx, dmn, dmx = tape.gradient(loss, [xt, mnt, mxt])
    key = f"pc_{axis}".replace("-", "m")
    for k, v in (("min", mn), ("max", mx), ("w", w), ("y", y), ("dx", dx), ("dmin", dmn), ("dmax", dmx)):
        put(f"{key}_{k}", v)

# int4 packing.
p = rng.integers(-8, 8, size=(5, 3)).astype("int8")
put("pk_x", p)
for axis in (0, 1, -1):
    packed, shape, n = q.pack_int4(p, axis=axis)
    key = f"pk_{axis}".replace("-", "m")
    put(key + "_packed", packed)
    put(key + "_shape", np.array(shape))
    put(key + "_n", n)
    put(key + "_unpacked", q.unpack_int4(packed, n, axis=axis))
p3 = rng.integers(-8, 8, size=(2, 5, 3)).astype("int8")
put("pk3_x", p3)
packed, shape, n = q.pack_int4(p3, axis=1)
put("pk3_packed", packed)
put("pk3_unpacked", q.unpack_int4(packed, n, axis=1))
pu = rng.integers(0, 16, size=(4, 3)).astype("uint8")
put("pku_x", pu)
packed, shape, n = q.pack_int4(pu, axis=0, dtype="uint8")
put("pku_packed", packed)
put("pku_unpacked", q.unpack_int4(packed, n, axis=0, dtype="uint8"))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
np.savez(OUT, **{k: np.asarray(v) for k, v in res.items()})
print(f"wrote {len(res)} arrays to {OUT}")
