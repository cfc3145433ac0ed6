"""``keras.backend.result_type``: Keras 3's dtype promotion (a JAX-style lattice with weak types).

Python ``int`` and ``float`` are *weak*: they take the other operand's kind and width
(``result_type("bfloat16", int) == "bfloat16"``); alone they resolve at ``floatx()``'s width.  Two
strong dtypes promote to their least upper bound on the lattice (``uint8`` with ``int8`` gives
``int16``; ``int64`` with ``uint64`` has only a weak float above both, hence ``float32``).  As with
Keras' TensorFlow backend, ``int64`` and ``float64`` stay 64-bit while ``uint64`` and
``complex128`` results narrow to ``uint32`` and ``complex64``.
"""

from __future__ import annotations

import functools
from typing import Any

from tensorflux.framework.config import floatx

_WEAK_INT, _WEAK_FLOAT = "int", "float"

# each dtype -> the dtypes immediately above it
_LATTICE: dict[str, tuple[str, ...]] = {
    "bool": (_WEAK_INT,),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": (_WEAK_FLOAT,),
    _WEAK_INT: ("uint8", "int8", "complex64"),  # as Keras' lattice has it
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": (_WEAK_FLOAT,),
    _WEAK_FLOAT: ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}
_NARROW = {"uint64": "uint32", "complex128": "complex64"}
_FLOAT8 = ("float8_e4m3fn", "float8_e5m2")


def _above(dtype: str) -> frozenset[str]:
    seen = {dtype}
    todo = [dtype]
    while todo:
        for up in _LATTICE[todo.pop()]:
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return frozenset(seen)


_UPPER = {d: _above(d) for d in _LATTICE}


@functools.lru_cache(256)
def _least_upper_bound(nodes: frozenset[str]) -> str:
    common = frozenset.intersection(*(_UPPER[n] for n in nodes))
    least = [c for c in common if common <= _UPPER[c]]
    if len(least) != 1:
        raise ValueError(
            f"Input dtypes {tuple(sorted(nodes))} have no available implicit dtype promotion path. "
            "Try explicitly casting inputs to the desired output type."
        )
    return least[0]


def _standardize(dtype: Any) -> tuple[str, bool]:
    """``(name, weak)``: Python ``int``/``float`` are weak; other dtypes are named as Keras names them."""
    if dtype is int:
        return "int64", True
    if dtype is float:
        return "float32", True
    if dtype is bool:
        return "bool", False
    if dtype is complex:
        return "complex128", False
    name = getattr(dtype, "name", dtype)
    if not isinstance(name, str):  # a NumPy scalar type such as np.float32
        name = getattr(getattr(dtype, "__name__", None), "lower", lambda: str(dtype))()
    if name not in _LATTICE or name in (_WEAK_INT, _WEAK_FLOAT):
        if name in _FLOAT8:
            raise ValueError(
                f"There is no implicit conversions from float8 dtypes to others. You must cast it "
                f"explicitly. Received: {dtype}"
            )
        raise ValueError(f"result_type: {dtype!r} is not a valid dtype for Keras type promotion.")
    return name, False


def _weak_kind(name: str) -> str:
    if name == "bool":
        return name
    if "float" in name:
        return _WEAK_FLOAT
    return _WEAK_INT


def _resolve_weak(name: str, precision: str) -> str:
    kind = "f" if name == "bfloat16" else name[:1]
    if kind == "b":
        return "bool"
    if kind == "i":
        return f"int{precision}"
    if kind == "u":
        return f"uint{precision}"
    return f"float{precision}"


def result_type(*dtypes: Any) -> str:
    """The dtype Keras 3 promotes ``dtypes`` to (``None`` means ``floatx()``; no argument: ``floatx()``).

    >>> result_type("int32", "float32"), result_type("uint8", "int8"), result_type("bfloat16", int)
    ('float32', 'int16', 'bfloat16')
    """
    if not dtypes:
        return floatx()
    parsed = [_standardize(floatx() if d is None else d) for d in dtypes]
    names = [n for n, _ in parsed]
    weak = [w for _, w in parsed]
    if len(parsed) == 1:
        out, out_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _least_upper_bound(frozenset(names)), True
    else:
        out = _least_upper_bound(frozenset(_weak_kind(n) if w else n for n, w in zip(names, weak)))
        out_weak = out in (_WEAK_INT, _WEAK_FLOAT)
    if out_weak and out != "bool":
        out = _resolve_weak(out, floatx()[-2:])
    return _NARROW.get(out, out)
