"""``keras.config``: Keras 3's names for the global settings."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras.saving import saving_api


def test_settings_round_trip():
    cfg = keras.config
    assert cfg.backend() == keras.backend.backend()
    assert cfg.floatx() == "float32" and cfg.epsilon() == pytest.approx(1e-7)
    cfg.set_epsilon(1e-5)
    try:
        assert keras.backend.epsilon() == pytest.approx(1e-5)
    finally:
        cfg.set_epsilon(1e-7)
    cfg.set_image_data_format("channels_first")
    try:
        assert keras.backend.image_data_format() == "channels_first"
    finally:
        cfg.set_image_data_format("channels_last")


def test_dtype_policy_and_inputs_under_mixed_float16():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        assert keras.mixed_precision.global_policy().name == "mixed_float16"
        inp = keras.Input((3,))
        dense = keras.layers.Dense(2)
        out = dense(inp)
        assert inp.dtype == "float32"  # inputs follow floatx, as in Keras 3
        assert dense.compute_dtype == "float16" and dense.variable_dtype == "float32"
        assert out.dtype == "float16"
    finally:
        keras.config.set_dtype_policy("float32")
    assert keras.layers.Dense(2).compute_dtype == "float32"


def test_loss_scale_optimizer_is_reachable_from_optimizers():
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1))
    assert opt is not None and keras.optimizers.LossScaleOptimizer is keras.mixed_precision.LossScaleOptimizer
    back = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert type(back).__name__ == "LossScaleOptimizer"


def test_enable_unsafe_deserialization(tmp_path, monkeypatch):
    monkeypatch.setattr(saving_api, "_UNSAFE", [False])
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 3.0)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match="safe_mode"):
        keras.models.load_model(tmp_path / "lambda.keras")
    keras.config.enable_unsafe_deserialization()
    loaded = keras.models.load_model(tmp_path / "lambda.keras")
    np.testing.assert_allclose(loaded(np.ones((1, 2), np.float32)).numpy(), [[3.0, 3.0]])
    assert tf.keras.config.enable_unsafe_deserialization is saving_api.enable_unsafe_deserialization
