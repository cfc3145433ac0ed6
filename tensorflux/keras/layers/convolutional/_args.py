"""Argument checks shared by the convolution, pooling and reshaping layers (Keras' rules)."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import config


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints, each positive (or >= 0).

    >>> standardize_tuple(3, 2, "kernel_size")
    (3, 3)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        values: tuple[Any, ...] = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
            ) from None
        if len(values) != n:
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
            )
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}, "
                "including "
                f"element {v!r} of type {type(v).__name__}"
            )
    low = 0 if allow_zero else 1
    bad = [v for v in values if v < low]
    if bad:
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} {kind} integers. Received {name}={value!r}, "
            "including "
            f"{bad[0]} that does not satisfy `value >= {low}`"
        )
    return tuple(int(v) for v in values)


def standardize_padding(value: Any, allow_causal: bool = False) -> str:
    """``"valid"`` / ``"same"`` (and ``"causal"`` for Conv1D), case-insensitive."""
    padding = str(value).lower() if isinstance(value, str) else value
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if padding not in allowed:
        raise ValueError(
            f"The `padding` argument must be a string, one of {allowed}. Received: padding={value!r}"
        )
    return padding


def standardize_data_format(value: Any) -> str:
    """``"channels_last"`` or ``"channels_first"``; None means ``keras.backend.image_data_format()``."""
    if value is None:
        return config.image_data_format()
    fmt = str(value).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value!r}"
        )
    return fmt


def tf_format(data_format: str, rank: int) -> str:
    """The ``tf.nn`` name of a Keras data format for ``rank`` spatial dimensions (``"NHWC"``, ...)."""
    spatial = {1: "W", 2: "HW", 3: "DHW"}[rank]
    return f"N{spatial}C" if data_format == "channels_last" else f"NC{spatial}"


def positive_int(value: Any, name: str) -> int:
    """``value`` if it is a strictly positive int, else the Keras error naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a strictly positive value. Received "
            f"{name}={value!r}."
        )
    return value


def conv_output_length(length: Any, kernel: int, padding: str, stride: int, dilation: int = 1) -> Any:
    """Spatial output size of a convolution or pooling window (None stays None)."""
    if length is None:
        return None
    if padding == "valid":
        return (length - dilation * (kernel - 1) - 1) // stride + 1
    return (length - 1) // stride + 1
