"""``keras.quantizers``: weight/activation quantization functions, quantizers and configs.

>>> from tensorflux.keras import quantizers
>>> q, scale = quantizers.abs_max_quantize([[0.5, -1.0]], axis=-1)
>>> q.numpy().tolist()
[[63, -127]]

Applying a config to a model (``Model.quantize``) is not implemented in tensorflux.
"""

from tensorflux.keras.quantizers.abs_max import (
    abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point,
)
from tensorflux.keras.quantizers.fake_quant import fake_quant_with_min_max_vars
from tensorflux.keras.quantizers.float8 import (
    compute_float8_amax_history,
    compute_float8_scale,
    quantize_and_dequantize,
)
from tensorflux.keras.quantizers.int4_packing import pack_int4, unpack_int4
from tensorflux.keras.quantizers.quantization_config import (
    AWQConfig,
    Float8QuantizationConfig,
    GPTQConfig,
    Int4QuantizationConfig,
    Int8QuantizationConfig,
    QuantizationConfig,
)
from tensorflux.keras.quantizers.quantizer import AbsMaxQuantizer, Quantizer
from tensorflux.keras.quantizers.registry import deserialize, get, serialize

__all__ = [
    "AWQConfig",
    "AbsMaxQuantizer",
    "Float8QuantizationConfig",
    "GPTQConfig",
    "Int4QuantizationConfig",
    "Int8QuantizationConfig",
    "QuantizationConfig",
    "Quantizer",
    "abs_max_quantize",
    "abs_max_quantize_grouped_with_zero_point",
    "compute_float8_amax_history",
    "compute_float8_scale",
    "deserialize",
    "fake_quant_with_min_max_vars",
    "get",
    "pack_int4",
    "quantize_and_dequantize",
    "serialize",
    "unpack_int4",
]
