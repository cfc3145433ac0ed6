"""keras.quantizers: numeric functions against Keras 3.15 (TF backend) goldens, gradients, configs.

Goldens: tests/fixtures/quantizers/quantizers.npz, written by scripts/golden_quantizers.py.
"""

import json
import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import quantizers as q
from tensorflux.keras.quantizers.abs_max import abs_max_quantize, abs_max_quantize_grouped_with_zero_point
from tensorflux.keras.quantizers.fake_quant import fake_quant_with_min_max_vars
from tensorflux.keras.quantizers.float8 import (
    compute_float8_amax_history,
    compute_float8_scale,
    quantize_and_dequantize,
)
from tensorflux.keras.quantizers.int4_packing import pack_int4, unpack_int4
from tensorflux.keras.quantizers.quantization_config import (
    AWQConfig,
    Float8QuantizationConfig,
    GPTQConfig,
    Int4QuantizationConfig,
    Int8QuantizationConfig,
    QuantizationConfig,
)
from tensorflux.keras.quantizers.quantizer import AbsMaxQuantizer, Quantizer

G = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "quantizers", "quantizers.npz"))


def _eq(actual, key):
    ref = G[key]
    a = actual.numpy() if hasattr(actual, "numpy") else np.asarray(actual)
    assert a.shape == ref.shape, (key, a.shape, ref.shape)
    assert a.dtype == ref.dtype, (key, a.dtype, ref.dtype)
    np.testing.assert_array_equal(a, ref, err_msg=key)


# ---------------------------------------------------------------- abs max
@pytest.mark.parametrize("to_numpy", [False, True])
@pytest.mark.parametrize("axis_name,axis", [("m1", -1), ("0", 0), ("01", (0, 1))])
@pytest.mark.parametrize("rname,vr", [("int8", (-127, 127)), ("int4", (-8, 7))])
def test_abs_max_quantize_golden(to_numpy, axis_name, axis, rname, vr):
    out, scale = abs_max_quantize(G["amq_x"], axis, value_range=vr, to_numpy=to_numpy)
    key = f"amq_{int(to_numpy)}_{axis_name}_{rname}"
    _eq(out, key + "_q")
    _eq(scale, key + "_s")


def test_abs_max_quantizer_golden_and_config():
    out, scale = AbsMaxQuantizer()(G["amq_x"])
    _eq(out, "absmax_default_q")
    _eq(scale, "absmax_default_s")
    qz = AbsMaxQuantizer(axis=0, value_range=(-8, 7))
    out, scale = qz(G["amq_x"])
    _eq(out, "absmax_axis0_int4_q")
    _eq(scale, "absmax_axis0_int4_s")
    cfg = qz.get_config()
    assert cfg == {"value_range": (-8, 7), "epsilon": 1e-7, "output_dtype": "int8", "axis": (0,)}
    again = AbsMaxQuantizer.from_config(json.loads(json.dumps(cfg)))
    assert again.axis == (0,) and again.value_range == (-8, 7)
    assert "axis" not in AbsMaxQuantizer().get_config()


def test_abs_max_quantizer_rejects_wide_int8_range():
    with pytest.raises(ValueError, match=r"value_range=\(-200, 127\)"):
        AbsMaxQuantizer(value_range=(-200, 127))


def test_quantizer_base():
    assert Quantizer().output_dtype == "int8"
    assert Quantizer()(5) == 5
    with pytest.raises(NotImplementedError, match="get_config"):
        Quantizer().get_config()


@pytest.mark.parametrize("to_numpy", [False, True])
@pytest.mark.parametrize("bs", [4, 16])
def test_grouped_with_zero_point_golden(to_numpy, bs):
    out, scale, zero = abs_max_quantize_grouped_with_zero_point(G["grp_x"], block_size=bs, to_numpy=to_numpy)
    key = f"grp_{int(to_numpy)}_{bs}"
    _eq(out, key + "_q")
    _eq(scale, key + "_s")
    _eq(zero, key + "_z")


def test_grouped_int8_range_golden():
    out, scale, zero = abs_max_quantize_grouped_with_zero_point(G["grp_x"], 4, value_range=(-128, 127))
    _eq(out, "grp_int8_q")
    _eq(scale, "grp_int8_s")
    _eq(zero, "grp_int8_z")


def test_grouped_bad_input():
    with pytest.raises(ValueError, match=r"inputs.shape=\(3,\)"):
        abs_max_quantize_grouped_with_zero_point(np.ones(3, "float32"), 2)
    with pytest.raises(ValueError, match="block_size=0"):
        abs_max_quantize_grouped_with_zero_point(np.ones((3, 2), "float32"), 0)


# ---------------------------------------------------------------- float8
def test_compute_float8_scale_golden():
    _eq(compute_float8_scale(G["f8_amax"], G["f8_scale"], 448.0), "f8_scale_m0")
    _eq(compute_float8_scale(G["f8_amax"], G["f8_scale"], 57344.0, margin=2), "f8_scale_m2")


def test_compute_float8_amax_history_golden():
    _eq(compute_float8_amax_history(G["hist_x"], G["hist_in"]), "hist_out")


@pytest.mark.parametrize("dt", ["float8_e4m3fn", "float8_e5m2", "float16", "bfloat16"])
@pytest.mark.parametrize("skey,scale", [("s1", 1.0), ("s3", 0.37)])
def test_quantize_and_dequantize_golden(dt, skey, scale):
    _eq(quantize_and_dequantize(G["qd_x"], scale, dt, "float32"), f"qd_{dt}_{skey}")


def test_quantize_and_dequantize_rejects_int_dtype():
    with pytest.raises(ValueError, match="quantized_dtype='int8'"):
        quantize_and_dequantize([1.0], 1.0, "int8", "float32")


# ---------------------------------------------------------------- fake quant
FQ_CASES = {
    "t8": (-1.0, 1.0, 8, False),
    "t4n": (-1.0, 1.0, 4, True),
    "tpos": (0.2, 1.2, 8, False),
    "tneg": (-1.1, -0.1, 3, False),
    "toff": (-0.77, 1.31, 5, False),
}


@pytest.mark.parametrize("name", sorted(FQ_CASES))
def test_fake_quant_per_tensor_golden_with_gradients(name):
    mn, mx, bits, narrow = FQ_CASES[name]
    x, lo, hi = tf.constant(G["fq_x"]), tf.constant(mn), tf.constant(mx)
    with tf.GradientTape() as tape:
        tape.watch([x, lo, hi])
        y = fake_quant_with_min_max_vars(x, lo, hi, num_bits=bits, narrow_range=narrow)
        loss = tf.reduce_sum(y * tf.range(1.0, 28.0))
    dx, dlo, dhi = tape.gradient(loss, [x, lo, hi])
    _eq(y, f"fq_{name}_y")
    _eq(dx, f"fq_{name}_dx")
    np.testing.assert_allclose(dlo.numpy(), G[f"fq_{name}_dmin"], rtol=1e-6)
    np.testing.assert_allclose(dhi.numpy(), G[f"fq_{name}_dmax"], rtol=1e-6)


@pytest.mark.parametrize("axis", [1, -1, 0])
def test_fake_quant_per_channel_golden_with_gradients(axis):
    key = f"pc_{axis}".replace("-", "m")
    x, lo, hi = tf.constant(G["pc_x"]), tf.constant(G[key + "_min"]), tf.constant(G[key + "_max"])
    with tf.GradientTape() as tape:
        tape.watch([x, lo, hi])
        y = fake_quant_with_min_max_vars(x, lo, hi, num_bits=6, axis=axis)
        loss = tf.reduce_sum(y * G[key + "_w"])
    dx, dlo, dhi = tape.gradient(loss, [x, lo, hi])
    _eq(y, key + "_y")
    _eq(dx, key + "_dx")
    np.testing.assert_allclose(dlo.numpy(), G[key + "_dmin"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dhi.numpy(), G[key + "_dmax"], rtol=1e-5, atol=1e-6)


def test_fake_quant_straight_through_by_hand():
    # range [-1, 2], 2 bits: scale 1, zero point 1, no nudging; inputs on the edges (-1, 2) pass
    # their gradient to x, those outside to min/max.
    x = tf.constant([-1.5, -1.0, 0.2, 2.0, 3.0])
    lo, hi = tf.constant(-1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([x, lo, hi])
        y = fake_quant_with_min_max_vars(x, lo, hi, num_bits=2)
    dx, dlo, dhi = tape.gradient(y, [x, lo, hi], output_gradients=tf.constant([1.0, 2.0, 3.0, 4.0, 5.0]))
    np.testing.assert_allclose(y.numpy(), [-1.0, -1.0, 0.0, 2.0, 2.0], rtol=1e-6)
    np.testing.assert_array_equal(dx.numpy(), [0.0, 2.0, 3.0, 4.0, 0.0])
    assert float(dlo.numpy()) == 1.0 and float(dhi.numpy()) == 5.0


def test_fake_quant_zero_range_and_errors():
    np.testing.assert_array_equal(fake_quant_with_min_max_vars([1.0, -2.0], 0.0, 0.0).numpy(), [0.0, 0.0])
    with pytest.raises(ValueError, match="num_bits=1"):
        fake_quant_with_min_max_vars([1.0], -1.0, 1.0, num_bits=1)
    with pytest.raises(ValueError, match="one value per channel"):
        fake_quant_with_min_max_vars(np.zeros((2, 3), "float32"), [0.0, 0.0], [1.0, 1.0], axis=1)


# ---------------------------------------------------------------- int4 packing
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_pack_unpack_int4_golden(axis):
    key = f"pk_{axis}".replace("-", "m")
    packed, shape, n = pack_int4(G["pk_x"], axis=axis)
    _eq(packed, key + "_packed")
    assert shape == tuple(G[key + "_shape"]) and n == int(G[key + "_n"])
    _eq(unpack_int4(packed, n, axis=axis), key + "_unpacked")
    np.testing.assert_array_equal(G[key + "_unpacked"], G["pk_x"])


def test_pack_unpack_int4_rank3_and_uint8_golden():
    packed, _, n = pack_int4(G["pk3_x"], axis=1)
    _eq(packed, "pk3_packed")
    _eq(unpack_int4(packed, n, axis=1), "pk3_unpacked")
    packed, _, n = pack_int4(G["pku_x"], dtype="uint8")
    _eq(packed, "pku_packed")
    _eq(unpack_int4(packed, n, dtype="uint8"), "pku_unpacked")


def test_pack_int4_errors():
    with pytest.raises(ValueError, match="'int16'"):
        pack_int4(np.zeros(2, "int8"), dtype="int16")
    with pytest.raises(TypeError, match="got int32"):
        pack_int4(np.zeros(2, "int32"))
    with pytest.raises(TypeError, match="got float32"):
        unpack_int4(np.zeros(2, "float32"), 2)


# ---------------------------------------------------------------- configs and registry
def test_int8_config():
    c = Int8QuantizationConfig()
    assert c.mode == "int8" and isinstance(c.activation_quantizer, AbsMaxQuantizer)
    assert Int8QuantizationConfig(activation_quantizer=None).activation_quantizer is None
    with pytest.raises(ValueError, match="output_dtype=int4"):
        Int8QuantizationConfig(weight_quantizer=AbsMaxQuantizer(output_dtype="int4"))
    with pytest.raises(NotImplementedError, match="Do not instantiate"):
        QuantizationConfig().mode  # noqa: B018


def test_int4_config():
    c = Int4QuantizationConfig()
    assert c.mode == "int4" and c.block_size == 128 and c.activation_quantizer is None
    with pytest.raises(ValueError, match="block_size=0"):
        Int4QuantizationConfig(block_size=0)
    with pytest.raises(ValueError, match="sub-channel"):
        Int4QuantizationConfig(weight_quantizer=AbsMaxQuantizer(value_range=(-8, 7)))
    with pytest.raises(ValueError, match=r"value_range=\(-127, 127\)"):
        Int4QuantizationConfig(weight_quantizer=AbsMaxQuantizer(), block_size=None)
    c = Int4QuantizationConfig(weight_quantizer=AbsMaxQuantizer(value_range=(-8, 7)), block_size=-1)
    back = q.deserialize(json.loads(json.dumps(q.serialize(c))))
    assert isinstance(back, Int4QuantizationConfig) and back.block_size == -1
    assert back.weight_quantizer.value_range == (-8, 7)


def test_float8_gptq_awq_configs():
    assert Float8QuantizationConfig().mode == "float8"
    assert isinstance(q.deserialize(q.serialize(Float8QuantizationConfig())), Float8QuantizationConfig)
    g = GPTQConfig(["a"], None, weight_bits=3, group_size=-1, symmetric=True)
    assert g.mode == "gptq" and g.dtype_policy_string() == "gptq/3/-1"
    cfg = g.get_config()
    assert cfg["dataset"] is None and cfg["hessian_damping"] == 0.01 and cfg["per_channel"] is True
    back = q.deserialize(json.loads(json.dumps(q.serialize(g))))
    assert isinstance(back, GPTQConfig) and back.weight_bits == 3 and back.symmetric
    for bad, msg in (
        (dict(weight_bits=5), "Unsupported weight_bits 5"),
        (dict(num_samples=0), "num_samples"),
        (dict(hessian_damping=2.0), "hessian_damping"),
        (dict(group_size=0), "group_size"),
    ):
        with pytest.raises(ValueError, match=msg):
            GPTQConfig(None, None, **bad)
    a = AWQConfig(None, None)
    assert a.mode == "awq" and a.dtype_policy_string() == "awq/4/128"
    assert a.get_config()["num_grid_points"] == 20
    assert isinstance(AWQConfig.from_config(a.get_config()), AWQConfig)
    with pytest.raises(ValueError, match="weight_bits=8"):
        AWQConfig(None, None, weight_bits=8)
    with pytest.raises(ValueError, match="num_grid_points"):
        AWQConfig(None, None, num_grid_points=0)


def test_serialize_matches_keras_format():
    assert q.serialize(AbsMaxQuantizer(axis=0)) == {
        "module": "keras.quantizers",
        "class_name": "AbsMaxQuantizer",
        "config": {"value_range": [-127, 127], "epsilon": 1e-07, "output_dtype": "int8", "axis": [0]},
        "registered_name": None,
    }
    # A config Keras 3.15 wrote (tuples become lists in JSON).
    keras_written = {
        "module": "keras.quantizers",
        "class_name": "Int8QuantizationConfig",
        "config": {
            "weight_quantizer": None,
            "activation_quantizer": {
                "module": "keras.quantizers",
                "class_name": "AbsMaxQuantizer",
                "config": {"value_range": [-127, 127], "epsilon": 1e-07, "output_dtype": "int8"},
                "registered_name": None,
            },
        },
        "registered_name": None,
    }
    c = q.deserialize(keras_written)
    assert isinstance(c, Int8QuantizationConfig) and c.activation_quantizer.value_range == (-127, 127)
    assert q.serialize(c) == keras_written


def test_get():
    assert isinstance(q.get("abs_max_quantizer"), AbsMaxQuantizer)
    assert q.get("AbsMaxQuantizer", value_range=(-8, 7)).value_range == (-8, 7)
    inst = AbsMaxQuantizer()
    assert q.get(inst) is inst and q.get(None) is None
    assert isinstance(q.get({"class_name": "AbsMaxQuantizer", "config": {}}), AbsMaxQuantizer)
    with pytest.raises(ValueError, match="Could not interpret quantizer identifier: nope"):
        q.get("nope")
    # Configs are not callable: Keras' get refuses them too.
    with pytest.raises(ValueError, match="Could not interpret"):
        q.get(q.serialize(Float8QuantizationConfig()))


def test_namespace_lists_keras_names():
    expected = {
        "AWQConfig", "AbsMaxQuantizer", "Float8QuantizationConfig", "GPTQConfig", "Int4QuantizationConfig",
        "Int8QuantizationConfig", "QuantizationConfig", "Quantizer", "abs_max_quantize",
        "abs_max_quantize_grouped_with_zero_point", "compute_float8_amax_history", "compute_float8_scale",
        "deserialize", "fake_quant_with_min_max_vars", "get", "pack_int4", "quantize_and_dequantize",
        "serialize", "unpack_int4",
    }  # fmt: skip
    assert set(q.__all__) == expected
    assert all(callable(getattr(q, n)) for n in expected)


@pytest.mark.parametrize(
    "name",
    [
        "tensorflux.keras.quantizers",
        "tensorflux.keras.quantizers.abs_max",
        "tensorflux.keras.quantizers.fake_quant",
        "tensorflux.keras.quantizers.float8",
        "tensorflux.keras.quantizers.int4_packing",
        "tensorflux.keras.quantizers.quantizer",
        "tensorflux.keras.quantizers.quantization_config",
        "tensorflux.keras.quantizers.registry",
        "tensorflux.keras.wrappers",
        "tensorflux.keras.wrappers.sklearn_wrapper",
        "tensorflux.keras.export",
        "tensorflux.keras.export.saved_model",
        "tensorflux.keras.legacy",
        "tensorflux.keras.legacy.saving",
    ],
)
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_functional_model_with_quantizer_ops():
    from tensorflux import keras

    inp = keras.Input((27,))
    y = fake_quant_with_min_max_vars(inp, -0.77, 1.31, num_bits=5)
    qz, scale = abs_max_quantize(inp, -1)
    model = keras.Model(inp, [y, qz, scale])
    out_y, out_q, out_s = model(G["fq_x"][None])
    np.testing.assert_array_equal(out_y.numpy()[0], G["fq_toff_y"])
    ref_q, ref_s = abs_max_quantize(G["fq_x"][None], -1)
    np.testing.assert_array_equal(out_q.numpy(), ref_q.numpy())
    np.testing.assert_array_equal(out_s.numpy(), ref_s.numpy())
