"""Random initializers with Keras 3's formulas and defaults.

Each initializer holds an integer seed (drawn from Python's ``random`` when not given, so
``keras.utils.set_random_seed`` makes models repeatable), and draws from a generator made from
that seed: the same instance gives the same values on every call, as in Keras 3.
"""

from __future__ import annotations

import math
import random as _pyrandom
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.initializers.initializer import Initializer, _dtype, _shape


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape: conv kernels multiply by the receptive field."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class RandomInitializer(Initializer):
    def __init__(self, seed: Any = None) -> None:
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"`seed` argument should be an integer. Received: seed={seed!r}")
        self._init_seed = seed
        self.seed = seed if seed is not None else _pyrandom.randint(1, int(1e9))

    def _rng(self) -> Any:
        return B.generator(self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._init_seed}


class RandomNormal(RandomInitializer):
    """Normal samples: ``mean=0.0``, ``stddev=0.05``.

    >>> RandomNormal(seed=1)((3,)).shape
    TensorShape([3])
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return Tensor(B.normal(self._rng(), _shape(shape), self.mean, self.stddev, _dtype(dtype)._native))

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(RandomInitializer):
    """Uniform samples in ``[minval, maxval)``: defaults ``-0.05, 0.05``.

    >>> float(abs(RandomUniform(seed=1)((100,))).numpy().max()) <= 0.05
    True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return Tensor(B.uniform(self._rng(), _shape(shape), self.minval, self.maxval, _dtype(dtype)._native))

    def get_config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class TruncatedNormal(RandomInitializer):
    """Normal samples redrawn beyond two standard deviations: ``mean=0.0``, ``stddev=0.05``.

    >>> float(abs(TruncatedNormal(seed=1)((100,))).numpy().max()) <= 0.1
    True
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        return Tensor(
            B.truncated_normal(self._rng(), _shape(shape), self.mean, self.stddev, _dtype(dtype)._native)
        )

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class VarianceScaling(RandomInitializer):
    """Samples scaled to the weight's fans: ``scale / fan`` is the variance.

    Args:
        scale: positive scaling factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"``, ``"untruncated_normal"`` or ``"uniform"``.
        seed: integer seed.

    >>> VarianceScaling(mode="fan_avg", distribution="uniform", seed=0)((4, 6)).shape
    TensorShape([4, 6])
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: Any = None,
    ) -> None:
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError(
                f"Invalid `mode` argument: expected one of {{'fan_in', 'fan_out', 'fan_avg'}}. Received: "
                f"mode={mode}"
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in {"uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError(
                "Invalid `distribution` argument: expected one of {'uniform', 'truncated_normal', "
                f"'untruncated_normal'}}. Received: distribution={distribution}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        shape = _shape(shape)
        native = _dtype(dtype)._native
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / 0.87962566103423978  # std of a unit normal truncated at +-2
            return Tensor(B.truncated_normal(self._rng(), shape, 0.0, stddev, native))
        if self.distribution == "untruncated_normal":
            return Tensor(B.normal(self._rng(), shape, 0.0, math.sqrt(scale), native))
        limit = math.sqrt(3.0 * scale)
        return Tensor(B.uniform(self._rng(), shape, -limit, limit, native))

    def get_config(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **super().get_config(),
        }


class _Preset(VarianceScaling):
    _args: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        # Keras 3.15 writes input_axes/output_axes (fan axes for einsum kernels) into configs;
        # None is the ordinary fan computation, the only one supported here
        if input_axes is not None or output_axes is not None:
            raise NotImplementedError(
                f"{type(self).__name__}: input_axes/output_axes are not supported; "
                f"received input_axes={input_axes}, output_axes={output_axes}."
            )
        super().__init__(*self._args, seed=seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._init_seed}


class GlorotUniform(_Preset):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))`` (the Dense/Conv default).

    >>> GlorotUniform(seed=0)((3, 5)).shape
    TensorShape([3, 5])
    """

    _args = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``.

    >>> GlorotNormal(seed=0)((3, 5)).shape
    TensorShape([3, 5])
    """

    _args = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """Truncated normal with ``stddev = sqrt(2 / fan_in)``.

    >>> HeNormal(seed=0)((3, 5)).shape
    TensorShape([3, 5])
    """

    _args = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """Uniform with ``limit = sqrt(6 / fan_in)``.

    >>> HeUniform(seed=0)((3, 5)).shape
    TensorShape([3, 5])
    """

    _args = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Truncated normal with ``stddev = sqrt(1 / fan_in)``.

    >>> LecunNormal(seed=0)((3, 5)).shape
    TensorShape([3, 5])
    """

    _args = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Uniform with ``limit = sqrt(3 / fan_in)``.

    >>> LecunUniform(seed=0)((3, 5)).shape
    TensorShape([3, 5])
    """

    _args = (1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of a normal sample.

    Shapes of rank > 2 are treated as ``(prod(shape[:-1]), shape[-1])``.

    >>> q = Orthogonal(seed=0)((3, 3)).numpy()
    >>> bool(abs(q @ q.T - __import__("numpy").eye(3)).max() < 1e-5)
    True
    """

    def __init__(self, gain: float = 1.0, seed: Any = None) -> None:
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError(
                "Orthogonal initializer requires a shape of at least rank 2 (e.g. a kernel). "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        native = _dtype(dtype)._native
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = B.normal(self._rng(), flat, 0.0, 1.0, B.native_dtype("float64"))
        q, r = B.qr(a)
        d = B.matrix_diag_part(r)
        q = q * B.sign(d)  # make the decomposition unique (positive diagonal of r)
        if rows < cols:
            q = B.transpose(q, (1, 0))
        return Tensor(B.asarray(B.reshape(q * self.gain, shape), native))

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, **super().get_config()}
