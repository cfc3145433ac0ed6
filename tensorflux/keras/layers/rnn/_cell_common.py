"""What SimpleRNN, LSTM and GRU share: argument checks, the cell's weights, the fused-kernel switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras import activations, constraints, initializers, regularizers
from tensorflux.ops import array_ops

# the activations each fused kernel implements, by function identity
_NAMES = {
    activations.tanh: "tanh",
    activations.sigmoid: "sigmoid",
    activations.relu: "relu",
    activations.linear: "linear",
}


def fused_name(fn: Any, allowed: tuple[str, ...]) -> str | None:
    """The kernel's name for activation ``fn`` when the fused kernel implements it, else None."""
    name = _NAMES.get(fn)
    return name if name in allowed else None


def check_units(units: Any, cls: str) -> int:
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise ValueError(
            f"{cls}: received an invalid value for argument `units`, expected a positive integer, got "
            f"{units!r}."
        )
    return units


def clip_rate(rate: Any, name: str, cls: str) -> float:
    """Keras clips dropout rates into [0, 1]; a non-number is an error."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise ValueError(f"{cls}: `{name}` must be a float in [0, 1]. Received: {name}={rate!r}")
    return min(1.0, max(0.0, float(rate)))


def cell_config(cell: Any) -> dict[str, Any]:
    """The configuration every standard cell shares (Keras' keys)."""
    return {
        "units": cell.units,
        "activation": activations.serialize(cell.activation),
        "use_bias": cell.use_bias,
        "kernel_initializer": initializers.serialize(cell.kernel_initializer),
        "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
        "bias_initializer": initializers.serialize(cell.bias_initializer),
        "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
        "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
        "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
        "kernel_constraint": constraints.serialize(cell.kernel_constraint),
        "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
        "bias_constraint": constraints.serialize(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


def layer_config(layer: Any, base: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A SimpleRNN/LSTM/GRU layer's config: the RNN settings and the cell's arguments, without ``cell``."""
    config = {k: v for k, v in base.items() if k != "cell"}
    config.update(cell_config(layer.cell))
    config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    config.update(extra)
    return config


def set_cell_args(cell: Any, units: int, *options: Any) -> None:
    """A recurrent cell's ``units``, then :func:`set_cell_options` with ``options`` (its arguments
    after ``cell``, in its order)."""
    cell.units = check_units(units, type(cell).__name__)
    set_cell_options(cell, *options)


def set_cell_options(
    cell: Any,
    activation: Any,
    use_bias: bool,
    kernel_initializer: Any,
    recurrent_initializer: Any,
    bias_initializer: Any,
    kernel_regularizer: Any,
    recurrent_regularizer: Any,
    bias_regularizer: Any,
    kernel_constraint: Any,
    recurrent_constraint: Any,
    bias_constraint: Any,
    dropout: Any,
    recurrent_dropout: Any,
    seed: Any,
) -> None:
    """A recurrent cell's activation, initializers, regularizers, constraints, dropout rates and
    seed (every cell's, the convolutional ones' included, whose size is ``filters``)."""
    name = type(cell).__name__
    cell.activation = activations.get(activation)
    cell.use_bias = bool(use_bias)
    cell.kernel_initializer = initializers.get(kernel_initializer)
    cell.recurrent_initializer = initializers.get(recurrent_initializer)
    cell.bias_initializer = initializers.get(bias_initializer)
    cell.kernel_regularizer = regularizers.get(kernel_regularizer)
    cell.recurrent_regularizer = regularizers.get(recurrent_regularizer)
    cell.bias_regularizer = regularizers.get(bias_regularizer)
    cell.kernel_constraint = constraints.get(kernel_constraint)
    cell.recurrent_constraint = constraints.get(recurrent_constraint)
    cell.bias_constraint = constraints.get(bias_constraint)
    cell.dropout = clip_rate(dropout, "dropout", name)
    cell.recurrent_dropout = clip_rate(recurrent_dropout, "recurrent_dropout", name)
    cell.seed = seed


def add_kernels(cell: Any, input_dim: Any, gates: int) -> None:
    """``kernel (input_dim, gates * units)`` and ``recurrent_kernel (units, gates * units)``."""
    if input_dim is None:
        raise ValueError(
            f"{type(cell).__name__} '{cell.name}': the last dimension of the inputs (features) must be known."
        )
    cell.kernel = cell.add_weight(
        shape=(input_dim, gates * cell.units),
        name="kernel",
        initializer=cell.kernel_initializer,
        regularizer=cell.kernel_regularizer,
        constraint=cell.kernel_constraint,
    )
    cell.recurrent_kernel = cell.add_weight(
        shape=(cell.units, gates * cell.units),
        name="recurrent_kernel",
        initializer=cell.recurrent_initializer,
        regularizer=cell.recurrent_regularizer,
        constraint=cell.recurrent_constraint,
    )


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return P.binary(P.matmul, a, b)


def columns(x: Tensor, start: int, stop: int) -> Tensor:
    return x[:, start:stop]


def zeros_state(batch_size: Any, units: int, dtype: str) -> Tensor:
    return array_ops.zeros((batch_size, units), dtype)


def dropped_sequence(cell: Any, sequences: Tensor, training: bool) -> Tensor:
    """The inputs with the cell's one-per-sequence dropout mask applied at every step (fused path)."""
    if not (training and cell.dropout > 0):
        return sequences
    mask = cell.get_dropout_mask(sequences[:, 0, :])
    if isinstance(mask, list):  # implementation 1 draws one mask per gate; the fused path uses the first
        mask = mask[0]
    return sequences * array_ops.expand_dims(mask, 1)


# The cell settings that SimpleRNN, LSTM and GRU layers expose as read-only properties (Keras'
# names); each layer adds its own (``recurrent_activation``, ``unit_forget_bias``, ``reset_after``).
CELL_PROPERTIES = (
    "units",
    "activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
)


def _cell_property(name: str) -> property:
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


def cell_properties(*extra: str) -> Callable[[type], type]:
    """Class decorator: ``layer.<name>`` reads ``layer.cell.<name>`` for the shared names and ``extra``.

    >>> @cell_properties("reset_after")
    ... class Layer:
    ...     cell = type("Cell", (), {"units": 3, "reset_after": True})()
    >>> Layer().units, Layer().reset_after
    (3, True)
    """

    def install(cls: type) -> type:
        for name in CELL_PROPERTIES + extra:
            setattr(cls, name, _cell_property(name))
        return cls

    return install


def check_use_cudnn(use_cudnn: Any) -> Any:
    """Keras accepts ``use_cudnn`` in ``{"auto", True, False}``; it changes nothing on the CPU."""
    if use_cudnn not in ("auto", True, False):
        raise ValueError(
            "Invalid value received for argument `use_cudnn`. Expected one of {'auto', True, False}. "
            f"Received: use_cudnn={use_cudnn!r}"
        )
    return use_cudnn
