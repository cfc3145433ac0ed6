"""TensorShape: a tuple of dimensions, ``None`` where unknown."""

from __future__ import annotations

from typing import Any


class TensorShape(tuple):
    """The shape of a tensor; compares equal to a tuple or list of the same dimensions.

    ``TensorShape(None)`` is a shape of unknown rank (``rank`` is ``None``).

    >>> TensorShape((2, 3)) == (2, 3)
    True
    >>> TensorShape([None, 3]).as_list()
    [None, 3]
    """

    __slots__ = ()
    _unknown_rank = False

    def __new__(cls, dims: Any = ()) -> TensorShape:
        if dims is None:
            return tuple.__new__(_UnknownRankShape, ())
        if isinstance(dims, TensorShape) and (dims._unknown_rank or type(dims) is cls):
            return dims
        if isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self) -> int | None:
        return len(self)

    @property
    def ndims(self) -> int | None:
        return self.rank

    @property
    def dims(self) -> list[Any] | None:
        return list(self)

    def as_list(self) -> list[Any]:
        return list(self)

    def num_elements(self) -> int | None:
        n = 1
        for d in self:
            if d is None:
                return None
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return all(d is not None for d in self)

    def is_compatible_with(self, other: Any) -> bool:
        other = TensorShape(other)
        if other._unknown_rank:
            return True
        return len(self) == len(other) and all(a is None or b is None or a == b for a, b in zip(self, other))

    def merge_with(self, other: Any) -> TensorShape:
        """The most specific shape compatible with both (``[None, 3]`` and ``[2, None]`` give ``[2, 3]``)."""
        other = TensorShape(other)
        if other._unknown_rank:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible.")
        return TensorShape([a if a is not None else b for a, b in zip(self, other)])

    def concatenate(self, other: Any) -> TensorShape:
        other = TensorShape(other)
        if other._unknown_rank:
            return other
        return TensorShape(tuple(self) + tuple(other))

    def with_rank(self, rank: int) -> TensorShape:
        if len(self) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}.")
        return self

    def __add__(self, other: Any) -> TensorShape:  # type: ignore[override]
        return self.concatenate(other)

    def __radd__(self, other: Any) -> TensorShape:
        return TensorShape(other).concatenate(self)

    def __getitem__(self, key: Any) -> Any:
        r = tuple.__getitem__(self, key)
        return TensorShape(r) if isinstance(key, slice) else r

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TensorShape):
            return other._unknown_rank == self._unknown_rank and tuple(self) == tuple(other)
        if isinstance(other, (tuple, list)):
            return not self._unknown_rank and tuple(self) == tuple(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        dims = ", ".join("None" if d is None else str(d) for d in self)
        return "(" + dims + ("," if len(self) == 1 else "") + ")"


class _UnknownRankShape(TensorShape):
    """A shape whose rank is not known (``TensorShape(None)``)."""

    __slots__ = ()
    _unknown_rank = True

    @property
    def rank(self) -> None:  # type: ignore[override]
        return None

    @property
    def dims(self) -> None:  # type: ignore[override]
        return None

    def as_list(self) -> list[Any]:
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def num_elements(self) -> None:
        return None

    def is_fully_defined(self) -> bool:
        return False

    def is_compatible_with(self, other: Any) -> bool:
        return True

    def merge_with(self, other: Any) -> TensorShape:
        return TensorShape(other)

    def concatenate(self, other: Any) -> TensorShape:
        return self

    def with_rank(self, rank: int) -> TensorShape:
        return TensorShape([None] * rank)

    def __repr__(self) -> str:
        return "TensorShape(None)"

    def __str__(self) -> str:
        return "<unknown>"
