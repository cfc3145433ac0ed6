"""Quantization configs (``Int8QuantizationConfig``, ``GPTQConfig``, ...).

The configs are complete (constructors, checks, ``mode``, get_config/from_config); applying them
with ``model.quantize`` is not part of tensorflux yet.
"""

from __future__ import annotations

from typing import Any

from tensorflux.keras.quantizers.registry import deserialize as _deserialize
from tensorflux.keras.quantizers.registry import serialize as _serialize

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


class QuantizationConfig:
    """Base class for quantization configs: which quantizers to use for weights and activations.

    Subclasses implement the ``mode`` property.

    >>> Int8QuantizationConfig().mode
    'int8'
    """

    def __init__(self, weight_quantizer: Any = None, activation_quantizer: Any = None) -> None:
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self) -> str:
        raise NotImplementedError(
            "Subclasses must implement this property. Do not instantiate QuantizationConfig directly."
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "weight_quantizer": _serialize(self.weight_quantizer),
            "activation_quantizer": _serialize(self.activation_quantizer),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> QuantizationConfig:
        return cls(
            weight_quantizer=_deserialize(config.get("weight_quantizer")),
            activation_quantizer=_deserialize(config.get("activation_quantizer")),
        )

    @staticmethod
    def weight_quantizer_or_default(config: Any, default: Any) -> Any:
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config: Any, default: Any) -> Any:
        if config is not None:
            return config.activation_quantizer
        return default


class Int8QuantizationConfig(QuantizationConfig):
    """Int8 quantization; ``activation_quantizer="default"`` means ``AbsMaxQuantizer()``.

    >>> Int8QuantizationConfig().activation_quantizer.value_range
    (-127, 127)
    """

    def __init__(self, weight_quantizer: Any = None, activation_quantizer: Any = "default") -> None:
        from tensorflux.keras.quantizers.quantizer import AbsMaxQuantizer

        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if self.weight_quantizer is not None and self.weight_quantizer.output_dtype != "int8":
            raise ValueError(
                "Int8QuantizationConfig requires a weight_quantizer with output_dtype='int8'. "
                f"Received: output_dtype={self.weight_quantizer.output_dtype}"
            )

    @property
    def mode(self) -> str:
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """Int4 quantization, per channel (``block_size`` None or -1) or in groups of ``block_size`` rows.

    ``activation_quantizer="default"`` means no activation quantizer. Custom quantizers need
    per-channel mode and ``value_range=(-8, 7)``.

    >>> Int4QuantizationConfig(block_size=64).get_config()["block_size"]
    64
    """

    def __init__(
        self, weight_quantizer: Any = None, activation_quantizer: Any = "default", block_size: Any = 128
    ) -> None:
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and block_size != -1 and block_size <= 0:
            raise ValueError(
                f"block_size must be None, -1, or a positive integer. Received: block_size={block_size}"
            )
        self.block_size = block_size
        sub_channel = block_size is not None and block_size > 0
        if sub_channel and (self.weight_quantizer is not None or self.activation_quantizer is not None):
            raise ValueError(
                "Int4 sub-channel quantization (block_size > 0) does not support custom quantizers. "
                "Either set block_size to None or -1 for per-channel quantization, or remove the "
                f"custom quantizer arguments. Received: block_size={block_size}"
            )
        if self.weight_quantizer is not None:
            if tuple(self.weight_quantizer.value_range) != (-8, 7):
                raise ValueError(
                    "Int4QuantizationConfig requires a weight_quantizer with value_range=(-8, 7). "
                    f"Received: value_range={self.weight_quantizer.value_range}"
                )
            if self.weight_quantizer.output_dtype != "int8":
                raise ValueError(
                    "Int4QuantizationConfig requires a weight_quantizer with output_dtype='int8'. "
                    f"Received: output_dtype={self.weight_quantizer.output_dtype}"
                )

    @property
    def mode(self) -> str:
        return "int4"

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Int4QuantizationConfig:
        return cls(
            weight_quantizer=_deserialize(config.get("weight_quantizer")),
            activation_quantizer=_deserialize(config.get("activation_quantizer")),
            block_size=config.get("block_size", None),
        )


class Float8QuantizationConfig(QuantizationConfig):
    """FP8 mixed-precision training (no user quantizers).

    >>> Float8QuantizationConfig().get_config()
    {}
    """

    def __init__(self) -> None:
        super().__init__(None, None)

    @property
    def mode(self) -> str:
        return "float8"

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Float8QuantizationConfig:
        return cls()


def _check_calibration(num_samples: int, sequence_length: int, group_size: int, what: str) -> None:
    if num_samples <= 0:
        raise ValueError("num_samples must be a positive integer.")
    if sequence_length <= 0:
        raise ValueError("sequence_length must be a positive integer.")
    if group_size < -1 or group_size == 0:
        raise ValueError(
            f"Invalid group_size. Supported values are -1 ({what}) or a positive integer, "
            f"but got {group_size}."
        )


class GPTQConfig(QuantizationConfig):
    """Settings for GPTQ post-training quantization (Hessian-guided, with calibration data).

    ``dataset`` and ``tokenizer`` are used once for calibration and are not saved in the config.

    Args:
        dataset: calibration data (strings or token arrays).
        tokenizer: callable that tokenizes ``dataset`` when it holds strings.
        weight_bits: 2, 3, 4 or 8.
        num_samples: calibration samples to use.
        per_channel: one scale per output channel.
        sequence_length: tokens per calibration sample.
        hessian_damping: added to the Hessian diagonal, in [0, 1].
        group_size: weights per group; -1 for whole-tensor.
        symmetric: symmetric instead of asymmetric quantization.
        activation_order: quantize columns by decreasing activation magnitude.
        quantization_layer_structure: ``{"pre_block_layers": [...], "sequential_blocks": [...]}``.

    >>> GPTQConfig(None, None, weight_bits=4, group_size=64).dtype_policy_string()
    'gptq/4/64'
    """

    def __init__(
        self,
        dataset: Any,
        tokenizer: Any,
        *,
        weight_bits: int = 4,
        num_samples: int = 128,
        per_channel: bool = True,
        sequence_length: int = 512,
        hessian_damping: float = 0.01,
        group_size: int = 128,
        symmetric: bool = False,
        activation_order: bool = False,
        quantization_layer_structure: dict | None = None,
    ) -> None:
        super().__init__()
        if weight_bits not in (2, 3, 4, 8):
            raise ValueError(f"Unsupported weight_bits {weight_bits}. Supported values are 2, 3, 4, and 8.")
        if hessian_damping < 0 or hessian_damping > 1:
            raise ValueError("hessian_damping must be between 0 and 1.")
        _check_calibration(num_samples, sequence_length, group_size, "whole-tensor")
        self.dataset = dataset
        self.tokenizer = tokenizer
        self.num_samples = num_samples
        self.per_channel = per_channel
        self.sequence_length = sequence_length
        self.hessian_damping = hessian_damping
        self.weight_bits = weight_bits
        self.group_size = group_size
        self.symmetric = symmetric
        self.activation_order = activation_order
        self.quantization_layer_structure = quantization_layer_structure

    def get_config(self) -> dict[str, Any]:
        return {
            "dataset": None,
            "tokenizer": None,
            "weight_bits": self.weight_bits,
            "num_samples": self.num_samples,
            "per_channel": self.per_channel,
            "sequence_length": self.sequence_length,
            "hessian_damping": self.hessian_damping,
            "group_size": self.group_size,
            "symmetric": self.symmetric,
            "activation_order": self.activation_order,
            "quantization_layer_structure": self.quantization_layer_structure,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GPTQConfig:
        return cls(**config)

    @property
    def mode(self) -> str:
        return "gptq"

    def dtype_policy_string(self) -> str:
        """The dtype policy name of this setting, e.g. ``"gptq/4/128"``."""
        return f"gptq/{self.weight_bits}/{self.group_size}"


class AWQConfig(QuantizationConfig):
    """Settings for AWQ (activation-aware weight quantization; 4-bit only).

    ``dataset`` and ``tokenizer`` are used once for calibration and are not saved in the config.

    Args:
        dataset: calibration data (strings or token arrays).
        tokenizer: callable that tokenizes ``dataset``.
        weight_bits: must be 4.
        num_samples: calibration samples to use.
        sequence_length: tokens per calibration sample.
        group_size: weights per group; -1 for per-channel.
        num_grid_points: grid points searched for the per-channel scales.
        quantization_layer_structure: ``{"pre_block_layers": [...], "sequential_blocks": [...]}``.

    >>> AWQConfig(None, None).dtype_policy_string()
    'awq/4/128'
    """

    def __init__(
        self,
        dataset: Any,
        tokenizer: Any,
        *,
        weight_bits: int = 4,
        num_samples: int = 128,
        sequence_length: int = 512,
        group_size: int = 128,
        num_grid_points: int = 20,
        quantization_layer_structure: dict | None = None,
    ) -> None:
        super().__init__()
        if weight_bits != 4:
            raise ValueError(f"AWQ only supports 4-bit quantization. Received weight_bits={weight_bits}.")
        _check_calibration(num_samples, sequence_length, group_size, "per-channel")
        if num_grid_points <= 0:
            raise ValueError("num_grid_points must be a positive integer.")
        self.dataset = dataset
        self.tokenizer = tokenizer
        self.weight_bits = weight_bits
        self.num_samples = num_samples
        self.sequence_length = sequence_length
        self.group_size = group_size
        self.num_grid_points = num_grid_points
        self.quantization_layer_structure = quantization_layer_structure

    @property
    def mode(self) -> str:
        return "awq"

    def dtype_policy_string(self) -> str:
        """The dtype policy name of this setting, e.g. ``"awq/4/128"``."""
        return f"awq/{self.weight_bits}/{self.group_size}"

    def get_config(self) -> dict[str, Any]:
        return {
            "dataset": None,
            "tokenizer": None,
            "weight_bits": self.weight_bits,
            "num_samples": self.num_samples,
            "sequence_length": self.sequence_length,
            "group_size": self.group_size,
            "num_grid_points": self.num_grid_points,
            "quantization_layer_structure": self.quantization_layer_structure,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> AWQConfig:
        return cls(**config)
