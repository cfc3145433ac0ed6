"""Masks attached to tensors (``_keras_mask``), kept in a side table.

Tensors have fixed slots, so a mask cannot be an attribute of the tensor itself; the table maps
a tensor's id to (weak reference, mask) and forgets the entry when the tensor is collected.
"""

from __future__ import annotations

import weakref
from typing import Any

_masks: dict[int, tuple[Any, Any]] = {}


def _forget(key: int) -> Any:
    def cb(_ref: Any) -> None:
        _masks.pop(key, None)

    return cb


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to tensor ``x`` (``None`` removes it).

    >>> import tensorflux as tf
    >>> x = tf.ones((2, 3)); set_keras_mask(x, tf.constant([True, False]))
    >>> get_keras_mask(x).shape
    TensorShape([2])
    """
    from tensorflux.keras.engine.keras_tensor import KerasTensor

    if isinstance(x, KerasTensor):
        x._keras_mask = mask
        return
    key = id(x)
    if mask is None:
        _masks.pop(key, None)
        return
    try:
        ref = weakref.ref(x, _forget(key))
    except TypeError:
        return
    _masks[key] = (ref, mask)


def get_keras_mask(x: Any) -> Any:
    """The mask attached to ``x``, or None."""
    m = getattr(x, "_keras_mask", None)
    if m is not None:
        return m
    entry = _masks.get(id(x))
    if entry is None or entry[0]() is not x:
        return None
    return entry[1]
