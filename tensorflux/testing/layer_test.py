"""``run_layer_test``: one call that checks a layer the way Keras' own layer tests do.

It checks, for ``layer_cls(**init_kwargs)``:

1. ``get_config`` / ``from_config`` (and ``serialize_keras_object`` / ``deserialize_keras_object``)
   round trips give the same config;
2. ``build(input_shape)`` creates the expected numbers of trainable / non-trainable weights;
3. a symbolic call on ``keras.Input`` gives ``expected_output_shape`` and agrees with
   ``compute_output_shape``;
4. an eager call on data gives the same shape (unknown dimensions filled in), the expected
   dtype, the expected values and the expected mask shape;
5. on a float64 copy of the layer, tape gradients with respect to the input and every
   trainable weight match central finite differences;
6. one training step (loss = mean of squared outputs plus ``layer.losses``, plain gradient
   descent) runs and changes the trainable weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np  # test helper: data and comparisons on plain arrays

from tensorflux.framework.tape import GradientTape
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.testing.gradient_check import numerical_gradient


def _fill(shape: Any, n: int = 2) -> tuple[int, ...]:
    return tuple(n if d is None else int(d) for d in shape)


def _make_data(shape: Any, dtype: str, rng: np.random.Generator, low: int = 0, high: int = 4) -> Any:
    if isinstance(shape, dict):
        return {k: _make_data(v, dtype, rng, low, high) for k, v in shape.items()}
    if isinstance(shape, list) or (
        isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))
    ):
        return [_make_data(s, dtype, rng, low, high) for s in shape]
    concrete = _fill(shape)
    if "int" in dtype:
        return rng.integers(low, high, size=concrete).astype(dtype)
    if dtype == "bool":
        return rng.random(concrete) > 0.5
    return rng.standard_normal(concrete).astype(dtype)


def _shapes(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [tuple(v.shape) for v in x]
    return tuple(x.shape)


def _match(actual: Any, expected: Any) -> bool:
    """Shapes equal, where a None in ``expected`` matches any size."""
    if isinstance(expected, list) or (
        isinstance(expected, tuple) and expected and isinstance(expected[0], tuple)
    ):
        return len(actual) == len(expected) and all(_match(a, e) for a, e in zip(actual, expected))
    actual = tuple(actual)
    expected = tuple(expected)
    return len(actual) == len(expected) and all(e is None or a == e for a, e in zip(actual, expected))


def _to_inputs(shape: Any, dtype: str) -> Any:
    from tensorflux.keras.layers.input_layer import Input

    if isinstance(shape, list) or (
        isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))
    ):
        return [Input(batch_shape=tuple(s), dtype=dtype) for s in shape]
    return Input(batch_shape=tuple(shape), dtype=dtype)


def run_layer_test(
    layer_cls: Any,
    init_kwargs: dict[str, Any],
    input_shape: Any = None,
    input_dtype: str = "float32",
    input_data: Any = None,
    call_kwargs: dict[str, Any] | None = None,
    expected_output_shape: Any = None,
    expected_output_dtype: str | None = None,
    expected_output: Any = None,
    expected_num_trainable_weights: int | None = None,
    expected_num_non_trainable_weights: int | None = None,
    expected_num_losses: int | None = None,
    supports_masking: bool | None = None,
    expected_mask_shape: Any = None,
    custom_objects: dict[str, Any] | None = None,
    run_training_check: bool = True,
    run_gradient_check: bool = True,
    gradient_input_shape: Any = None,
    gradient_training: bool = False,
    int_input_range: tuple[int, int] = (0, 4),
    rtol: float = 1e-6,
    atol: float = 1e-6,
    seed: int = 0,
) -> None:
    """Check a layer's construction, config, shapes, values, gradients and a training step.

    Args:
        layer_cls: the layer class.
        init_kwargs: its constructor arguments.
        input_shape: the input shape with the batch axis (None for unknown sizes), or a list of
            shapes for several inputs.
        input_dtype: dtype of the generated inputs (``"int32"`` for Embedding).
        input_data: explicit input data (arrays); generated from ``input_shape`` when not given.
        call_kwargs: extra keyword arguments for the call.
        expected_output_shape: the symbolic output shape (None where unknown).
        expected_output_dtype: the output dtype name.
        expected_output: expected values for ``input_data`` (compared with ``rtol``/``atol``).
        expected_num_trainable_weights / expected_num_non_trainable_weights: weight counts.
        expected_num_losses: number of ``layer.losses`` after a call.
        supports_masking: expected value of ``layer.supports_masking``.
        expected_mask_shape: shape of the output's mask.
        run_training_check: run one gradient-descent step.
        run_gradient_check: compare tape gradients with finite differences on a float64 copy.
        gradient_input_shape: a smaller input shape for the gradient check (default: input_shape).
        gradient_training: run the gradient check with ``training=True``.
        int_input_range: range of generated integer inputs.

    >>> from tensorflux.keras import layers
    >>> run_layer_test(layers.Dense, {"units": 2}, input_shape=(2, 3), expected_output_shape=(2, 2),
    ...                expected_num_trainable_weights=2)
    """
    from tensorflux.keras.engine.masking import get_keras_mask
    from tensorflux.keras.utils.serialization import deserialize_keras_object, serialize_keras_object

    call_kwargs = dict(call_kwargs or {})
    rng = np.random.default_rng(seed)
    if input_data is None:
        if input_shape is None:
            raise ValueError("run_layer_test: give input_shape or input_data.")
        input_data = _make_data(input_shape, input_dtype, rng, *int_input_range)
    if input_shape is None:
        input_shape = _shapes(input_data)

    # 1. configuration round trips
    layer = layer_cls(**init_kwargs)
    config = layer.get_config()
    revived = layer_cls.from_config(config)
    assert revived.get_config() == config, (
        f"{layer_cls.__name__}: from_config(get_config()) changed the "
        f"config:\n{config}\n{revived.get_config()}"
    )
    serialized = serialize_keras_object(layer)
    again = deserialize_keras_object(serialized, custom_objects=custom_objects)
    assert type(again) is layer_cls, f"{layer_cls.__name__}: deserialize gave {type(again).__name__}"
    assert again.get_config() == config, f"{layer_cls.__name__}: serialize/deserialize changed the config"
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking, (
            f"{layer_cls.__name__}.supports_masking is {layer.supports_masking}, expected {supports_masking}"
        )

    # 2. build and weight counts
    layer = layer_cls(**init_kwargs)
    layer.build(input_shape)
    assert layer.built, f"{layer_cls.__name__}: build() did not mark the layer built"
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights, (
            f"{layer_cls.__name__}: {len(layer.trainable_weights)} trainable weights, expected "
            f"{expected_num_trainable_weights}"
        )
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights, (
            f"{layer_cls.__name__}: {len(layer.non_trainable_weights)} non-trainable weights, expected "
            f"{expected_num_non_trainable_weights}"
        )

    # 3. symbolic call and compute_output_shape
    layer = layer_cls(**init_kwargs)
    symbolic_in = _to_inputs(input_shape, input_dtype)
    symbolic_out = layer(symbolic_in, **call_kwargs)
    sym_shape = _shapes(symbolic_out)
    if expected_output_shape is not None:
        assert _match(sym_shape, expected_output_shape) and _match(expected_output_shape, sym_shape), (
            f"{layer_cls.__name__}: symbolic output shape {sym_shape}, expected {expected_output_shape}"
        )
    cos = layer.compute_output_shape(input_shape)
    cos = [tuple(s) for s in cos] if isinstance(cos, list) else tuple(cos)
    assert _match(cos, sym_shape) and _match(sym_shape, cos), (
        f"{layer_cls.__name__}: compute_output_shape gives {cos}, the symbolic call {sym_shape}"
    )

    # 4. eager call
    layer = layer_cls(**init_kwargs)
    out = layer(input_data, **call_kwargs)
    eager_shape = _shapes(out)
    target = sym_shape if expected_output_shape is None else expected_output_shape
    assert _match(eager_shape, target), (
        f"{layer_cls.__name__}: eager output shape {eager_shape}, expected {target}"
    )
    if expected_output_dtype is not None:
        got = [o.dtype.name for o in out] if isinstance(out, (list, tuple)) else out.dtype.name
        want = [expected_output_dtype] * len(got) if isinstance(got, list) else expected_output_dtype
        assert got == want, f"{layer_cls.__name__}: output dtype {got}, expected {want}"
    if expected_output is not None:
        np.testing.assert_allclose(
            np.asarray(out),
            np.asarray(expected_output),
            rtol=rtol,
            atol=atol,
            err_msg=f"{layer_cls.__name__}: output values",
        )
    if expected_mask_shape is not None:
        mask = get_keras_mask(out)
        assert mask is not None, f"{layer_cls.__name__}: the output carries no mask"
        assert tuple(mask.shape) == tuple(expected_mask_shape), (
            f"{layer_cls.__name__}: mask shape {tuple(mask.shape)}, expected {tuple(expected_mask_shape)}"
        )
    if expected_num_losses is not None:
        assert len(layer.losses) == expected_num_losses, (
            f"{layer_cls.__name__}: {len(layer.losses)} losses, expected {expected_num_losses}"
        )

    # 5. gradients of a float64 copy against finite differences
    if run_gradient_check:
        shape = gradient_input_shape or input_shape
        data = (
            input_data
            if gradient_input_shape is None
            else _make_data(shape, input_dtype, rng, *int_input_range)
        )
        _check_layer_gradients(layer_cls, init_kwargs, data, call_kwargs, gradient_training, rng, rtol=1e-6)

    # 6. one training step
    if run_training_check:
        _training_step(layer, input_data, call_kwargs)


def _as_float64(data: Any) -> Any:
    if isinstance(data, (list, tuple)):
        return [_as_float64(d) for d in data]
    a = np.asarray(data)
    return a.astype(np.float64) if a.dtype.kind == "f" else a


def _to_float64(config: Any) -> Any:
    if isinstance(config, dict):
        if config.get("class_name") == "DTypePolicy":
            return {**config, "config": {**config.get("config", {}), "name": "float64"}}
        return {
            k: ("float64" if k == "dtype" and v == "float32" else _to_float64(v)) for k, v in config.items()
        }
    if isinstance(config, list):
        return [_to_float64(v) for v in config]
    return config


def _float64_copy(layer_cls: Any, init_kwargs: dict[str, Any]) -> Any:
    """A float64 instance; rebuilt from its config so that sublayers given as objects
    (cells, wrapped layers) are fresh float64 copies too."""
    try:
        config = _to_float64(layer_cls(**init_kwargs).get_config())
        config["dtype"] = "float64"
        return layer_cls.from_config(config)
    except (ValueError, TypeError, NotImplementedError, KeyError):
        return layer_cls(**{**init_kwargs, "dtype": "float64"})


def _check_layer_gradients(
    layer_cls: Any,
    init_kwargs: dict[str, Any],
    data: Any,
    call_kwargs: dict[str, Any],
    training: bool,
    rng: np.random.Generator,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> None:
    layer = _float64_copy(layer_cls, init_kwargs)
    data64 = _as_float64(data)
    layer(data64, **call_kwargs)  # build
    weights = list(layer.trainable_weights)
    for v in weights:  # values away from kinks and zeros
        v.assign(rng.uniform(-1.0, 1.0, size=tuple(v.shape)) + 0.1)
    multi = isinstance(data64, list)
    xs = data64 if multi else [data64]
    float_inputs = [i for i, x in enumerate(xs) if np.asarray(x).dtype.kind == "f"]
    extra = dict(call_kwargs)
    if training:
        extra["training"] = True

    def run(*arrays: Any) -> Any:
        ins = list(xs)
        for i, a in zip(float_inputs, arrays[: len(float_inputs)]):
            ins[i] = a
        for v, w in zip(weights, arrays[len(float_inputs) :]):
            v.assign(w)
        out = layer(ins if multi else ins[0], **extra)
        return out[0] if isinstance(out, (list, tuple)) else out

    base = [np.asarray(xs[i], np.float64) for i in float_inputs] + [np.array(v.numpy()) for v in weights]
    if not base:
        return
    y = run(*[convert_to_tensor(b) for b in base])
    w_out = rng.uniform(0.5, 1.5, size=tuple(y.shape))
    # tape gradients
    tensors = [convert_to_tensor(b) for b in base[: len(float_inputs)]]
    for v, b in zip(weights, base[len(float_inputs) :]):
        v.assign(b)
    with GradientTape() as tape:
        for tt in tensors:
            tape.watch(tt)
        out = run(*tensors, *[b for b in base[len(float_inputs) :]])
    # run() re-assigned the same weight values; the tape watches the variables themselves
    sym = tape.gradient(out, tensors + weights, output_gradients=convert_to_tensor(w_out))
    num = numerical_gradient(run, base, w_out)
    for v, b in zip(weights, base[len(float_inputs) :]):
        v.assign(b)
    names = [f"input {i}" for i in float_inputs] + [v.path for v in weights]
    for name, s, n in zip(names, sym, num):
        if s is None:
            raise AssertionError(f"{layer_cls.__name__}: no gradient (None) for {name}; differences give {n}")
        s = np.asarray(_dense_grad(s))
        err = np.abs(s - n)
        if not np.all(err <= atol + rtol * np.maximum(np.abs(n), np.abs(s)) + 1e-7):
            worst = int(np.argmax(err))
            raise AssertionError(
                f"{layer_cls.__name__}: gradient mismatch for {name}: max abs error {err.max():.3e}: tape "
                f"{s.reshape(-1)[worst]!r} vs differences {n.reshape(-1)[worst]!r}"
            )


def _dense_grad(g: Any) -> Any:
    """A dense tensor from a gradient that may be IndexedSlices (embedding tables)."""
    if g is None or isinstance(g, Tensor):
        return g
    return Tensor(g._value)


def _training_step(layer: Any, data: Any, call_kwargs: dict[str, Any]) -> None:
    from tensorflux.ops import math_ops as M

    variables = list(layer.trainable_variables)
    if not variables:
        return
    before = [np.array(v.numpy()) for v in variables]
    with GradientTape() as tape:
        out = layer(data, training=True, **call_kwargs)
        outs = out if isinstance(out, (list, tuple)) else [out]
        loss = M.add_n([M.reduce_mean(M.square(o)) for o in outs if o.dtype.is_floating])
        for extra in layer.losses:
            loss = loss + extra
    grads = tape.gradient(loss, variables)
    moved = False
    for v, g in zip(variables, grads):
        assert g is not None, f"{type(layer).__name__}: no gradient for trainable weight {v.path}"
        g = np.asarray(_dense_grad(g))
        moved = moved or bool(np.any(g != 0))
        v.assign_sub(0.01 * g)
    if moved:  # a weight whose gradient is exactly zero at this point (PReLU's alpha=0) may stay
        changed = any(not np.array_equal(b, v.numpy()) for b, v in zip(before, variables))
        assert changed, f"{type(layer).__name__}: a training step did not change any trainable weight"
