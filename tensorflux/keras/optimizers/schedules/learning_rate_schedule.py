"""Learning-rate schedules: a function of the optimizer's step count, evaluated before each update."""

from __future__ import annotations

import math
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor, convert_to_tensor


def _f32(x: Any) -> Tensor:
    """A float32 scalar tensor (schedules compute in float32, as Keras does)."""
    if isinstance(x, Tensor):
        return x if x._value.dtype.name == "float32" else P.unary(P.cast, x, dtype=_F32)
    return convert_to_tensor(float(x), dtype="float32")


_F32 = convert_to_tensor(0.0, dtype="float32")._value.dtype


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config``.

    >>> class Halving(LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 / (2.0 ** float(step))
    >>> Halving()(2)
    0.025
    """

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()`."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored with ``staircase``).

    >>> round(float(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(10)), 6)
    0.05
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        if decay_steps <= 0:
            raise ValueError(f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        p = _f32(step) / _f32(self.decay_steps)
        if self.staircase:
            p = P.unary(P.floor, p)
        return _f32(self.initial_learning_rate) * P.binary(P.power, _f32(self.decay_rate), p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` for ``boundaries[i-1] < step <= boundaries[i]``.

    >>> s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> [float(s(k)) for k in (10, 11, 21)]
    [1.0, 0.5, 0.10000000149011612]
    """

    def __init__(self, boundaries: Any, values: Any, name: str = "PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length "
                f"{len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        s = float(step)
        value = self.values[-1]
        for b, v in zip(self.boundaries, self.values):
            if s <= float(b):
                value = v
                break
        return _f32(value)

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``.

    >>> round(float(PolynomialDecay(1.0, 10, end_learning_rate=0.0)(5)), 6)
    0.5
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        if decay_steps <= 0:
            raise ValueError(f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        initial, end = _f32(self.initial_learning_rate), _f32(self.end_learning_rate)
        s = _f32(step)
        steps = _f32(self.decay_steps)
        if self.cycle:
            mult = 1.0 if float(s) == 0 else math.ceil(float(s) / self.decay_steps)
            steps = steps * _f32(mult)
        else:
            s = P.binary(P.minimum, s, steps)
        p = s / steps
        return (initial - end) * P.binary(P.power, 1.0 - p, _f32(self.power)) + end

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    >>> round(float(InverseTimeDecay(1.0, 1, 0.5)(2)), 6)
    0.5
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        p = _f32(step) / _f32(self.decay_steps)
        if self.staircase:
            p = P.unary(P.floor, p)
        return _f32(self.initial_learning_rate) / (_f32(self.decay_rate) * p + 1.0)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay to ``alpha * lr`` over ``decay_steps``, after an optional linear warmup.

    With ``warmup_target`` the rate rises linearly from ``initial_learning_rate`` to it over
    ``warmup_steps``, then decays from it.

    >>> round(float(CosineDecay(1.0, 10)(5)), 6)
    0.5
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step: Tensor, decay_steps: Tensor, from_lr: Tensor) -> Tensor:
        frac = step / decay_steps
        cosine = (P.unary(P.cos, _f32(math.pi) * frac) + 1.0) * 0.5
        return from_lr * (cosine * (1.0 - self.alpha) + self.alpha)

    def __call__(self, step: Any) -> Tensor:
        initial = _f32(self.initial_learning_rate)
        decay_steps = _f32(self.decay_steps)
        s = _f32(step)
        if self.warmup_target is None:
            return self._decay(P.binary(P.minimum, s, decay_steps), decay_steps, initial)
        target = _f32(self.warmup_target)
        warmup = _f32(self.warmup_steps)
        s = P.binary(P.minimum, s, decay_steps + warmup)
        if float(s) < float(warmup):
            return (target - initial) * (s / warmup) + initial
        return self._decay(s - warmup, decay_steps, target)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by ``t_mul``, peaks shrink by ``m_mul``.

    >>> round(float(CosineDecayRestarts(1.0, 10)(10)), 6)
    1.0
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        initial = _f32(self.initial_learning_rate)
        t_mul, m_mul = _f32(self._t_mul), _f32(self._m_mul)
        frac = _f32(step) / _f32(self.first_decay_steps)
        if self._t_mul == 1.0:
            i_restart = P.unary(P.floor, frac)
            frac = frac - i_restart
        else:
            i_restart = P.unary(P.floor, P.unary(P.log, 1.0 - frac * (1.0 - t_mul)) / P.unary(P.log, t_mul))
            sum_r = (1.0 - P.binary(P.power, t_mul, i_restart)) / (1.0 - t_mul)
            frac = (frac - sum_r) / P.binary(P.power, t_mul, i_restart)
        m_fac = P.binary(P.power, m_mul, i_restart)
        cosine = m_fac * 0.5 * (P.unary(P.cos, _f32(math.pi) * frac) + 1.0)
        return initial * (cosine * (1.0 - self.alpha) + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
