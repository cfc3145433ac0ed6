"""``keras.config``: the global settings, under Keras 3's names.

>>> import tensorflux as tf
>>> tf.keras.config.floatx(), tf.keras.config.image_data_format()
('float32', 'channels_last')
>>> tf.keras.config.dtype_policy()
<DTypePolicy "float32">
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework.config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from tensorflux.keras.backend import backend
from tensorflux.keras.engine.dtype_policy import dtype_policy, set_dtype_policy
from tensorflux.keras.saving.saving_api import enable_unsafe_deserialization
from tensorflux.keras.utils.progbar import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)

_STATE: dict[str, Any] = {
    "traceback_filtering": True,
    "flash_attention": None,
    "max_epochs": None,
    "max_steps_per_epoch": None,
}
# names keras.config.set_backend accepts: tensorflux has one backend, standing in for TensorFlow's
_OWN_BACKENDS = ("tensorflow", "tensorflux", "numpy")


def enable_traceback_filtering() -> None:
    """Turn on traceback filtering (a flag only: tensorflux raises its errors unfiltered).

    >>> enable_traceback_filtering(); is_traceback_filtering_enabled()
    True
    """
    _STATE["traceback_filtering"] = True


def disable_traceback_filtering() -> None:
    """Turn off traceback filtering (a flag only).

    >>> disable_traceback_filtering(); is_traceback_filtering_enabled()
    False
    >>> enable_traceback_filtering()
    """
    _STATE["traceback_filtering"] = False


def is_traceback_filtering_enabled() -> bool:
    """The traceback-filtering flag (``True`` by default, as in Keras).

    >>> is_traceback_filtering_enabled()
    True
    """
    return bool(_STATE["traceback_filtering"])


def enable_flash_attention() -> None:
    """Ask for flash attention (a flag only: ``MultiHeadAttention`` computes the same either way).

    >>> enable_flash_attention(); is_flash_attention_enabled()
    True
    >>> _STATE["flash_attention"] = None
    """
    _STATE["flash_attention"] = True


def disable_flash_attention() -> None:
    """Turn flash attention off (a flag only).

    >>> disable_flash_attention(); is_flash_attention_enabled()
    False
    >>> _STATE["flash_attention"] = None
    """
    _STATE["flash_attention"] = False


def is_flash_attention_enabled() -> bool | None:
    """``True``/``False`` once enabled/disabled; ``None`` (automatic) until then, as in Keras.

    >>> is_flash_attention_enabled() is None
    True
    """
    return _STATE["flash_attention"]  # type: ignore[no-any-return]


def _check_limit(name: str, value: Any) -> Any:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")
    return value


def set_max_epochs(max_epochs: int | None) -> None:
    """Cap the ``epochs`` of every ``fit`` (for quick debugging runs); ``None`` removes the cap.

    >>> set_max_epochs(2); max_epochs()
    2
    >>> set_max_epochs(None)
    """
    _STATE["max_epochs"] = _check_limit("max_epochs", max_epochs)


def max_epochs() -> int | None:
    """The cap on ``fit``'s epochs, or ``None``.

    >>> max_epochs() is None
    True
    """
    return _STATE["max_epochs"]  # type: ignore[no-any-return]


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Cap the steps of every epoch of ``fit``, ``evaluate`` and ``predict``; ``None`` removes it.

    >>> set_max_steps_per_epoch(3); max_steps_per_epoch()
    3
    >>> set_max_steps_per_epoch(None)
    """
    _STATE["max_steps_per_epoch"] = _check_limit("max_steps_per_epoch", max_steps_per_epoch)


def max_steps_per_epoch() -> int | None:
    """The cap on steps per epoch, or ``None``.

    >>> max_steps_per_epoch() is None
    True
    """
    return _STATE["max_steps_per_epoch"]  # type: ignore[no-any-return]


def set_backend(backend: str) -> None:
    """Keras' backend switch. tensorflux computes with its own single backend, which stands in for
    ``"tensorflow"``: that name (or ``"tensorflux"``, ``"numpy"``) is accepted and changes nothing;
    any other raises ``ValueError``.

    >>> set_backend("tensorflow")
    """
    if not isinstance(backend, str) or backend.lower() not in _OWN_BACKENDS:
        raise ValueError(
            f"set_backend: tensorflux has a single backend (its own, in place of TensorFlow's) and cannot "
            f"switch to {backend!r}. Accepted: {', '.join(repr(b) for b in _OWN_BACKENDS)}; to run on "
            "JAX or PyTorch use Keras itself."
        )


def is_nnx_enabled() -> bool:
    """Always ``False``: Flax NNX integration belongs to Keras' JAX backend.

    >>> is_nnx_enabled()
    False
    """
    return False


__all__ = [
    "backend",
    "disable_flash_attention",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "dtype_policy",
    "enable_flash_attention",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "is_interactive_logging_enabled",
    "is_nnx_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_backend",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]
