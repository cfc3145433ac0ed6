"""``Quantizer`` base class and ``AbsMaxQuantizer``."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.quantizers.abs_max import _EPSILON, abs_max_quantize


class Quantizer:
    """Base class for quantizers: ``quantizer(x)`` returns the quantized tensor (here ``x``).

    Subclasses override ``__call__`` and ``get_config``.

    >>> Quantizer()(3.0)
    3.0
    """

    def __init__(self, output_dtype: str = "int8") -> None:
        self.output_dtype = output_dtype

    def __call__(self, x: Any) -> Any:
        """Compute a quantized output from an input tensor."""
        return x

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Quantizer:
        """Create a quantizer from the output of ``get_config``."""
        return cls(**config)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments as a JSON-compatible dict."""
        raise NotImplementedError(f"{self} does not implement get_config()")


class AbsMaxQuantizer(Quantizer):
    """Symmetric per-slice quantization through ``abs_max_quantize``.

    Args:
        axis: deprecated default axis (give it to ``__call__``); None means -1.
        value_range: ``(min, max)`` of the quantized integers; within [-128, 127] for int8.
        epsilon: added to the maximum to avoid dividing by zero.
        output_dtype: dtype of the quantized tensor.

    >>> q, scale = AbsMaxQuantizer()([[1.0, -2.0]])
    >>> q.numpy().tolist()
    [[64, -127]]
    """

    def __init__(
        self,
        axis: Any = None,
        value_range: tuple[int, int] = (-127, 127),
        epsilon: float = _EPSILON,
        output_dtype: str = "int8",
    ) -> None:
        Quantizer.__init__(self, output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        # JSON turns the tuple into a list; a tuple again keeps `== (-8, 7)` checks working.
        self.value_range = tuple(value_range)
        self.epsilon = epsilon
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError(
                "Quantizer with output_dtype='int8' requires value_range to be within the interval "
                f"[-128, 127]. Received: value_range={value_range}"
            )

    def __call__(self, x: Any, axis: Any = None, to_numpy: bool = False) -> tuple[Any, Any]:
        """Quantize ``x`` along ``axis`` (else the constructor's axis, else -1): ``(quantized, scale)``."""
        if axis is None:
            axis = -1 if self.axis is None else self.axis
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "value_range": self.value_range,
            "epsilon": self.epsilon,
            "output_dtype": self.output_dtype,
        }
        if self.axis is not None:
            config["axis"] = self.axis
        return config
