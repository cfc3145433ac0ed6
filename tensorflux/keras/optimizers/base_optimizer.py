"""``Optimizer``: the base class every optimizer shares (Keras 3's ``BaseOptimizer``).

Subclasses implement only ``build(variables)`` (create slot variables) and
``update_step(gradient, variable, learning_rate)``.  Gradient clipping (``clipnorm``,
``clipvalue``, ``global_clipnorm``), decoupled ``weight_decay``, learning-rate schedules, the
exponential moving average of the weights (``use_ema``) and the step counter live here, once.

Weights of any float dtype can be trained, several dtypes in one optimizer (Keras casts the same
way): slots take their variable's dtype, each gradient is cast to its variable's dtype, and the
learning rate and the step scalars are cast (eagerly: rounded) to it, so float16 weights update in
float16 and float64 weights in float64.
"""

from __future__ import annotations

import math
import re
import struct
import warnings
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.config import floatx
from tensorflux.framework.indexed_slices import IndexedSlices
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.framework.variables import Variable
from tensorflux.keras.losses.loss import _auto_name
from tensorflux.keras.optimizers.schedules import LearningRateSchedule
from tensorflux.keras.optimizers.schedules import deserialize as _deserialize_schedule
from tensorflux.keras.optimizers.schedules import serialize as _serialize_schedule

_F32 = B.native_dtype("float32")
_F64 = B.native_dtype("float64")


def _scalar(v: Any, like: Tensor) -> Tensor:
    return P.constant_like(v, like)


# struct formats that round a Python float to a narrower float (double rounding through float64
# is exact for +, -, *, / and sqrt at these precisions); float64 needs no rounding
_PACK = {"float16": "e", "float32": "f"}


def _round(x: Any, fmt: str) -> float:
    try:
        return struct.unpack(fmt, struct.pack(fmt, x))[0]  # type: ignore[no-any-return]
    except OverflowError:  # beyond the format's range: what the cast gives
        return math.copysign(math.inf, x)


_IN_DTYPE: dict[Any, Any] = {}  # dtype (native or tf.DType) -> its function


def in_dtype(dtype: Any) -> Any:
    """The function that puts a step scalar in ``dtype``, as Keras' ``ops.cast(x, variable.dtype)``.

    Step scalars (bias corrections, momentum schedules) are computed in Python once per step
    instead of as tensor ops per variable; rounding every intermediate to the variable's dtype
    keeps Keras' arithmetic in that dtype (double rounding through float64 is exact for +, -, *, /
    and sqrt at float32 and float16 precision; float64 needs no rounding).  While a graph is traced
    the step scalars are tensors: one of another dtype is cast.  ``dtype`` is a native dtype or a
    ``tf.DType``.

    >>> from tensorflux.backend import ops as B
    >>> in_dtype(B.native_dtype("float16"))(0.1)
    0.0999755859375
    >>> in_dtype(B.native_dtype("float64"))(0.1)
    0.1
    """
    fn = _IN_DTYPE.get(dtype)
    if fn is None:
        native = B.native_dtype(dtype.name)
        fmt = _PACK.get(native.name)

        def fn(x: Any) -> Any:
            if isinstance(x, Tensor):
                return x if x._value.dtype == native else P.unary(P.cast, x, dtype=native)
            return float(x) if fmt is None else _round(x, fmt)

        _IN_DTYPE[dtype] = fn
    return fn


def f32(x: Any) -> Any:
    """``x`` rounded to float32 (``in_dtype`` for float32).

    >>> f32(0.1)
    0.10000000149011612
    """
    return in_dtype(_F32)(x)


def lr_value(learning_rate: Any) -> Any:
    """The learning rate as a Python float (a variable, a schedule's tensor, or a number).

    While a graph is traced (``tf.function``, ``fit``) a variable or tensor learning rate stays a
    tensor, so the graph reads its value at every step instead of freezing the traced one.
    """
    if P.TRACERS and isinstance(learning_rate, Tensor):
        return learning_rate
    return float(learning_rate)


def lr_in(learning_rate: Any, dtype: Any) -> Any:
    """The learning rate cast to a variable's native ``dtype``, as Keras' update steps do.

    A tensor of that dtype (the float32 learning-rate variable for float32 weights) passes
    unchanged; otherwise eagerly a Python float rounded to ``dtype``, while tracing a cast tensor.
    For float32 weights a Python number (from a callable learning rate) also passes unchanged, as
    it always has: their step scalars keep their established float32 results bit for bit.
    """
    if isinstance(learning_rate, Tensor):
        if learning_rate._value.dtype == dtype:
            return learning_rate
        if not P.TRACERS:
            learning_rate = float(learning_rate)
    elif dtype == _F32:
        return learning_rate
    return in_dtype(dtype)(learning_rate)


def scalar_value(v: Any) -> Any:
    """A scalar variable's value: a Python float eagerly, the variable itself while tracing."""
    return v if P.TRACERS else float(v)


def step_count(opt: Any, dtype: Any = None) -> Any:
    """``iterations + 1``: a Python int eagerly, a scalar tensor of ``dtype`` (float32) while tracing."""
    if P.TRACERS:
        native = B.native_dtype("float32" if dtype is None else dtype.name)
        return P.unary(P.cast, opt.iterations, dtype=native) + 1.0
    return int(opt.iterations) + 1


def sqrt(x: Any) -> Any:
    """``math.sqrt`` for Python floats, the sqrt op for traced scalar tensors."""
    return P.unary(P.sqrt, x) if isinstance(x, Tensor) else math.sqrt(x)


def _cast(x: Tensor, dtype: Any) -> Tensor:
    """``x`` in native ``dtype`` (a sparse gradient stays sparse)."""
    if isinstance(x, IndexedSlices):
        return IndexedSlices(P.unary(P.cast, x.values, dtype=dtype), x.indices, x._dense_shape)
    return P.unary(P.cast, x, dtype=dtype)


def _dtype_of(x: Tensor) -> Any:
    # an IndexedSlices' _value is its dense array, built on first read: ask its values instead
    return x.values._value.dtype if isinstance(x, IndexedSlices) else x._value.dtype


class Optimizer:
    """Base class of optimizers.

    Args:
        learning_rate: A float, a ``LearningRateSchedule``, or a callable of no arguments.
        weight_decay: If set, weights decay by ``w -= w * weight_decay * lr`` before each update.
        clipnorm: If set, each gradient is rescaled to have L2 norm at most this value.
        clipvalue: If set, each gradient is clipped to ``[-clipvalue, clipvalue]``.
        global_clipnorm: If set, all gradients are rescaled so their joint L2 norm is at most this.
        use_ema: Keep an exponential moving average of the weights (``ema_momentum``), copied into
            the weights every ``ema_overwrite_frequency`` steps and at the end of ``fit``.
        loss_scale_factor: If set, the loss is multiplied by it and gradients divided by it.
        gradient_accumulation_steps: Update only every N steps, with the mean gradient.
        name: Name of the optimizer.

    >>> import tensorflux as tf
    >>> from tensorflux.keras.optimizers import SGD
    >>> w = tf.Variable([1.0, 2.0])
    >>> _ = SGD(learning_rate=0.1).apply_gradients([(tf.constant([1.0, 1.0]), w)])
    >>> w.numpy().tolist()
    [0.8999999761581421, 1.899999976158142]
    """

    def __init__(
        self,
        learning_rate: Any,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        self.name = name or _auto_name(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps is not None and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._variables: list[Variable] = []
        self._trainable_variables: list[Variable] = []
        self._index: dict[int, int] = {}
        self._iterations = self._new_variable(B.asarray(0, B.native_dtype("int64")), "iteration")
        if isinstance(learning_rate, LearningRateSchedule) or (
            callable(learning_rate) and not isinstance(learning_rate, (Tensor, int, float))
        ):
            self._learning_rate: Any = learning_rate
        else:
            if (
                isinstance(learning_rate, bool)
                or not isinstance(learning_rate, (int, float, Tensor))
                and not B.is_array(learning_rate)
            ):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                    "or a callable "
                    "(that takes in the current iteration value and returns the corresponding learning "
                    "rate value). "
                    f"Received instead: learning_rate={learning_rate!r}"
                )
            self._learning_rate = self._new_variable(
                B.asarray(float(learning_rate), B.native_dtype(floatx())), "learning_rate"
            )

    # -- variables ------------------------------------------------------------------------------
    def _new_variable(self, value: Any, name: str) -> Variable:
        v = Variable(value, trainable=False, name=name)
        v.path = f"{self.name}/{name}"
        self._variables.append(v)
        return v

    @property
    def variables(self) -> list[Variable]:
        """Iterations, the learning rate (when a float), then each variable's slots in build order."""
        return list(self._variables)

    @property
    def iterations(self) -> Variable:
        return self._iterations

    def add_variable(
        self,
        shape: Any,
        initializer: Any = "zeros",
        dtype: Any = None,
        aggregation: str = "none",
        name: str | None = None,
    ) -> Variable:
        from tensorflux.framework import dtypes as _dt

        native = _dt.as_dtype(dtype or floatx())._native
        shape = tuple(shape)
        return self._new_variable(B.full(shape, _fill_value(initializer), native), name or "variable")

    def add_variable_from_reference(
        self, reference_variable: Any, name: str | None = None, initializer: Any = "zeros"
    ) -> Variable:
        """A slot variable shaped like ``reference_variable``, named ``<its path>_<name>``."""
        name = name or "var"
        base = getattr(reference_variable, "path", None) or str(reference_variable.name).replace(":", "_")
        value = B.full(
            reference_variable._value.shape, _fill_value(initializer), reference_variable._value.dtype
        )
        return self._new_variable(value, f"{str(base).replace('/', '_')}_{name}")

    def add_optimizer_variables(self, trainable_variables: Any, name: Any, initializer: Any = "zeros") -> Any:
        """One slot per variable for each name; several names are interleaved per variable, as in Keras."""
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        if len(names) != len(inits):
            raise ValueError(
                f"The number of provided names must match the number of provided initializers. "
                f"Received name={name!r}, initializer={initializer!r}"
            )
        slots: tuple[list[Any], ...] = tuple([] for _ in names)
        for v in trainable_variables:
            for i, (n, init) in enumerate(zip(names, inits)):
                slots[i].append(self.add_variable_from_reference(v, name=n, initializer=init))
        return slots[0] if isinstance(name, str) else slots

    def build(self, variables: Any) -> None:
        """Create the state for ``variables``; subclasses call ``super().build`` and add their slots."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(variables, "gradient_accumulator")
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._trainable_variables = variables[:]
        self.built = True

    def _get_variable_index(self, variable: Any) -> int:
        return self._index[id(variable)]

    def assign(self, variable: Variable, value: Any) -> None:
        variable.assign(value)

    def assign_add(self, variable: Variable, value: Any) -> None:
        variable.assign_add(value)

    def assign_sub(self, variable: Variable, value: Any) -> None:
        variable.assign_sub(value)

    # -- learning rate --------------------------------------------------------------------------
    @property
    def learning_rate(self) -> Any:
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        if isinstance(learning_rate, LearningRateSchedule) or (
            callable(learning_rate) and not isinstance(learning_rate, (Tensor, int, float))
        ):
            if isinstance(self._learning_rate, Variable):
                self._variables.remove(self._learning_rate)
            self._learning_rate = learning_rate
            return
        if not isinstance(self._learning_rate, Variable):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                "constructor "
                "argument, hence its learning rate is not settable. If you need the learning rate to be "
                "settable, "
                "you should instantiate the optimizer with a float `learning_rate` argument."
            )
        self._learning_rate.assign(float(learning_rate))

    def scale_loss(self, loss: Any) -> Any:
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    # -- applying gradients ---------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> Variable:
        """Apply ``[(gradient, variable), ...]``; returns ``iterations``."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, variables = zip(*pairs)
        self.apply(list(grads), list(variables))
        return self._iterations

    def _variables_for(self, trainable_variables: Any) -> list[Any]:
        """The variables that gradients are for: those given (building the optimizer on them the
        first time), or those it was built with."""
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            return list(self._trainable_variables)
        variables = list(trainable_variables)
        if not self.built:
            self.build(variables)
            self.built = True
        return variables

    def apply(self, grads: Any, trainable_variables: Any = None) -> None:
        """Apply ``grads`` to ``trainable_variables`` (or to the variables the optimizer was built with)."""
        grads = list(grads)
        if not grads:
            return
        variables = self._variables_for(trainable_variables)
        if trainable_variables is None:
            if len(grads) != len(variables):
                raise ValueError(
                    f"Received a list of {len(grads)} gradients, but the optimizer is tracking "
                    f"{len(variables)} trainable variables."
                )
        else:
            for v in variables:
                if id(v) not in self._index:
                    raise ValueError(
                        f"Unknown variable: {v!r}. This optimizer can only be called for the variables "
                        "it was "
                        "originally built with. When working with a new set of variables, you should "
                        "recreate a new "
                        "optimizer instance."
                    )
        grads, variables = self._filter_empty_gradients(grads, variables)
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        if self.gradient_accumulation_steps:
            self._accumulate_then_apply(grads, variables)
        else:
            self._apply_now(grads, variables)
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v))
        self._iterations.assign_add(1)

    def _apply_now(self, grads: list[Any], variables: list[Any]) -> None:
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables)
        self._backend_update_step(grads, variables, self.learning_rate)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if (
                self.ema_overwrite_frequency
                and (int(self._iterations) + 1) % self.ema_overwrite_frequency == 0
            ):
                self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _accumulate_then_apply(self, grads: list[Any], variables: list[Any]) -> None:
        steps = self.gradient_accumulation_steps
        acc = [self._accumulated_gradients[self._get_variable_index(v)] for v in variables]
        if (int(self._iterations) + 1) % steps == 0:  # type: ignore[operator]
            mean = [(g + a) / float(steps) for g, a in zip(grads, acc)]  # type: ignore[arg-type]
            self._apply_now(mean, variables)
            for a in acc:
                a.assign(B.zeros(a._value.shape, a._value.dtype))
        else:
            for g, a in zip(grads, acc):
                a.assign_add(g)

    def _backend_update_step(self, grads: list[Any], variables: list[Any], learning_rate: Any) -> None:
        # each variable gets the learning rate in its own dtype, cast once per dtype and step
        cast: dict[Any, Any] = {}
        for g, v in zip(grads, variables):
            dtype = v._value.dtype
            lr = cast.get(dtype)
            if lr is None:
                lr = cast[dtype] = lr_in(learning_rate, dtype)
            self.update_step(g, v, lr)

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        raise NotImplementedError(f"Optimizer {type(self).__name__} must implement update_step.")

    def _filter_empty_gradients(self, grads: list[Any], variables: list[Any]) -> tuple[list[Any], list[Any]]:
        kept_g, kept_v, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", None) or v.name)
                continue
            if not isinstance(g, Tensor):
                g = convert_to_tensor(g, dtype=v.dtype)
            elif _dtype_of(g) != v._value.dtype:  # Keras casts each gradient to its variable's dtype
                g = _cast(g, v._value.dtype)
            kept_g.append(g)
            kept_v.append(v)
        if not kept_g:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                "`model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=3,
            )
        return kept_g, kept_v

    def _clip_gradients(self, grads: list[Tensor]) -> list[Tensor]:
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return _clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            c = float(self.clipvalue)
            return [P.binary(P.minimum, P.binary(P.maximum, g, -c), c) for g in grads]
        return grads

    def _clip_by_norm(self, g: Tensor) -> Tensor:
        dtype = g._value.dtype
        if dtype.itemsize < 4:  # float16: the sum of squares overflows past a norm of 256
            return P.unary(P.cast, self._clip_by_norm(P.unary(P.cast, g, dtype=_F32)), dtype=dtype)
        l2sum = P.unary(P.reduce_sum, g * g, axis=None, keepdims=True)
        pos = P.binary(P.greater, l2sum, 0.0)
        safe = P.bind(P.where, (pos, l2sum, _scalar(1.0, l2sum)), {})
        norm = P.bind(P.where, (pos, P.unary(P.sqrt, safe), l2sum), {})
        return (g * float(self.clipnorm)) / P.binary(P.maximum, norm, float(self.clipnorm))  # type: ignore[arg-type]

    # -- weight decay ---------------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list: Any = None, var_names: Any = None) -> None:
        """Skip weight decay for the variables given, or whose names match one of ``var_names``."""
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer is built."
            )
        self._exclude_ids = {id(v) for v in var_list} if var_list else set()
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable: Any) -> bool:
        if id(variable) in getattr(self, "_exclude_ids", ()):
            return False
        pattern = getattr(self, "_exclude_pattern", None)
        return not (pattern is not None and pattern.search(variable.name) is not None)

    def _apply_weight_decay(self, variables: list[Any]) -> None:
        if self.weight_decay is None:
            return
        learning_rate = self.learning_rate
        for v in variables:
            if self._use_weight_decay(v):
                lr = lr_value(lr_in(learning_rate, v._value.dtype))
                v.assign(v - v * float(self.weight_decay) * lr)

    # -- moving average of the weights ----------------------------------------------------------
    def _update_model_variables_moving_average(self, variables: list[Any]) -> None:
        first = int(self._iterations) == 0
        for v, avg in zip(variables, self._model_variables_moving_average):
            r = in_dtype(v._value.dtype)
            m = 0.0 if first else r(self.ema_momentum)
            avg.assign(avg * m + v * r(1.0 - m))

    def _overwrite_model_variables_with_average_value(self, variables: list[Any]) -> None:
        if len(variables) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The length of model variables ({len(variables)}) to override does not match the length "
                "of model "
                f"variables stored in the optimizer ({len(self._model_variables_moving_average)})."
            )
        for v, avg in zip(variables, self._model_variables_moving_average):
            v.assign(avg)

    def finalize_variable_values(self, var_list: Any) -> None:
        """At the end of training, copy the moving averages into the weights when ``use_ema``."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(list(var_list))

    # -- state ----------------------------------------------------------------------------------
    def set_weights(self, weights: Any) -> None:
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please call "
                "`optimizer.build(trainable_variables)` to create the optimizer weights before calling "
                "`set_weights()`."
            )
        for v, w in zip(self._variables, weights):
            if tuple(v.shape) != tuple(B.asarray(w).shape):
                raise ValueError(
                    f"Optimizer variable {v.name} has shape {tuple(v.shape)} not compatible with "
                    f"provided weight shape {tuple(B.asarray(w).shape)}."
                )
            v.assign(w)

    def get_weights(self) -> list[Any]:
        return [v.numpy() for v in self._variables]

    def save_own_variables(self, store: Any) -> None:
        for i, v in enumerate(self.variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store: Any) -> None:
        if len(store.keys()) != len(self.variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self.variables)} "
                f"variables whereas the saved optimizer has {len(store.keys())} variables.",
                stacklevel=2,
            )
            return
        for i, v in enumerate(self.variables):
            v.assign(store[str(i)])

    def get_config(self) -> dict[str, Any]:
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            lr_config: Any = _serialize_schedule(lr)
        elif isinstance(lr, Variable):
            lr_config = float(lr.numpy())
        else:
            lr_config = getattr(lr, "__name__", 0.5)
        return {
            "name": self.name,
            "learning_rate": lr_config,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _deserialize_schedule(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _fill_value(initializer: Any) -> float:
    if initializer is None or initializer == "zeros":
        return 0.0
    if initializer == "ones":
        return 1.0
    if isinstance(initializer, (int, float)):
        return float(initializer)
    value = getattr(initializer, "value", None)
    if isinstance(value, (int, float)):
        return float(value)
    raise ValueError(
        f"Unsupported optimizer variable initializer {initializer!r}; use 'zeros', 'ones' or a number."
    )


def _norm_dtype(values: list[Any]) -> Any:
    """The dtype the global norm sums in: the widest of the values' dtypes, at least float32."""
    dtypes = {v._value.dtype for v in values if v is not None}
    if len(dtypes) == 1:
        (dtype,) = dtypes
        if dtype.itemsize >= 4:
            return dtype
    return _F64 if _F64 in dtypes else _F32


def global_norm(values: list[Any]) -> Tensor:
    """The L2 norm of all ``values`` together (summed in float64 when one is float64, else float32)."""
    dtype = _norm_dtype(values)
    squares = []
    for v in values:
        if v is not None:
            if v._value.dtype != dtype:
                v = P.unary(P.cast, v, dtype=dtype)
            squares.append(P.unary(P.reduce_sum, v * v, axis=None, keepdims=False))
    total = squares[0]
    for s in squares[1:]:
        total = total + s
    return P.unary(P.sqrt, total)


def _clip_by_global_norm(values: list[Any], clip_norm: float) -> list[Any]:
    norm = global_norm(values)
    scale = P.binary(P.minimum, 1.0 / norm, 1.0 / clip_norm) * float(clip_norm)
    scales = {scale._value.dtype: scale}  # one cast per other dtype
    out = []
    for v in values:
        if v is not None:
            dtype = v._value.dtype
            if dtype not in scales:
                scales[dtype] = P.unary(P.cast, scale, dtype=dtype)
            v = v * scales[dtype]
        out.append(v)
    return out
