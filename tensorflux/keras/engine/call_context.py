"""The state of the outermost layer call: the ``training`` flag that nested layers inherit."""

from __future__ import annotations

from typing import Any


class CallContext:
    """Created by the outermost ``Layer.__call__``; nested calls read and scope ``training``."""

    __slots__ = ("entry_layer", "training", "trial")

    def __init__(self, entry_layer: Any, trial: bool = False) -> None:
        self.entry_layer = entry_layer
        self.training: Any = None
        # A trial run only measures output shapes for symbolic calls: no losses, no side effects.
        self.trial = trial


_state: dict[str, CallContext | None] = {"ctx": None}


def current() -> CallContext | None:
    return _state["ctx"]


def enter(ctx: CallContext | None) -> CallContext | None:
    """Install ``ctx``; return the previous one (to restore with ``enter(prev)``)."""
    prev = _state["ctx"]
    _state["ctx"] = ctx
    return prev


def in_trial() -> bool:
    ctx = _state["ctx"]
    return ctx is not None and ctx.trial
