"""Unique default names (``dense``, ``dense_1``, ...), reset by ``keras.backend.clear_session``."""

from __future__ import annotations

import collections
import re

_uids: collections.defaultdict[str, int] = collections.defaultdict(int)


def to_snake_case(name: str) -> str:
    """``"Conv2D"`` -> ``"conv2d"``, ``"MaxPooling2D"`` -> ``"max_pooling2d"`` (Keras' rule).

    >>> to_snake_case("BatchNormalization")
    'batch_normalization'
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def uniquify(name: str) -> str:
    """``name`` the first time, then ``name_1``, ``name_2``, ..."""
    n = _uids[name]
    _uids[name] = n + 1
    return name if n == 0 else f"{name}_{n}"


def auto_name(prefix: str) -> str:
    """A fresh name from a class name: ``auto_name("Dense")`` is ``dense``, then ``dense_1``."""
    return uniquify(to_snake_case(prefix))


def get_uid(prefix: str = "") -> int:
    """A counter per prefix, starting at 1 (``keras.backend.get_uid``)."""
    _uids[prefix] += 1
    return _uids[prefix]


def reset_uids() -> None:
    _uids.clear()
