"""Global numeric settings: the default float type, the fuzz factor, the image layout."""

from __future__ import annotations

_state = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}


def floatx() -> str:
    """The default float type as a string (``"float32"``)."""
    return _state["floatx"]  # type: ignore[return-value]


def set_floatx(value: str) -> None:
    """Set the default float type: one of ``"float16"``, ``"float32"``, ``"float64"``."""
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r}; expected 'float16', 'float32' or 'float64'.")
    _state["floatx"] = value


def epsilon() -> float:
    """The fuzz factor used to avoid division by zero (``1e-7``)."""
    return _state["epsilon"]  # type: ignore[return-value]


def set_epsilon(value: float) -> None:
    _state["epsilon"] = float(value)


def image_data_format() -> str:
    return _state["image_data_format"]  # type: ignore[return-value]


def set_image_data_format(value: str) -> None:
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f"image_data_format must be 'channels_last' or 'channels_first'; received {value!r}."
        )
    _state["image_data_format"] = value
