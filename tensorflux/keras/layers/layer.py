"""Layer: the base class of every Keras layer and model.

A layer stores its settings in ``__init__``, creates weights in ``build(input_shape)`` (run on
the first call), computes in ``call``, and describes itself with ``get_config``.  ``__call__``
adds what every layer shares: input conversion and casting, building, input checks, the
``training`` flag inherited from outer calls, masks, losses, and symbolic (functional) calls.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework import nest
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.framework.variables import Variable
from tensorflux.keras.engine import call_context as cc
from tensorflux.keras.engine import dtype_policy as _policy
from tensorflux.keras.engine.keras_tensor import KerasTensor, any_symbolic
from tensorflux.keras.engine.masking import _masks as _MASKS
from tensorflux.keras.engine.masking import get_keras_mask, set_keras_mask
from tensorflux.keras.engine.naming import auto_name
from tensorflux.keras.layers.input_spec import InputSpec, _quick_ok, assert_input_compatibility

# Attributes the engine keeps on every layer; never scanned for sublayers.
_UNTRACKED = frozenset(
    {
        "_inbound_nodes",
        "_outbound_nodes",
        "_trainable_variables",
        "_non_trainable_variables",
        "_losses",
        "_weight_regularizers",
        "input_spec",
        "_build_shapes_dict",
        "_auto_config",
        "_dtype_policy",
        "activity_regularizer",
        "_build_input_shape",
        "_input_shape_arg",
        "_call_info",
        "_parent_model",
        "_tracked_attrs",
        "_initial_weights",
    }
)
_LAYER_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "input_dim", "weights", "dynamic")
_SIGNATURES: dict[type, tuple[Any, ...]] = {}
_CTX = cc._state  # the current call context, read on every call
# Set once any layer adds a loss; until then outer calls skip clearing losses.
_LOSSES_SEEN: list[bool] = []
# Counts changes of layer attributes (any layer); a cached inference plan checks its model again
# when it moved (keras/models/inference_plan.py).
_EPOCH = [0]
_MISSING = object()
_K3_ORDER = (
    "shape",
    "initializer",
    "dtype",
    "trainable",
    "autocast",
    "regularizer",
    "constraint",
    "aggregation",
    "overwrite_with_gradient",
    "name",
)
_TF2_ORDER = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")


def _call_info(cls: type) -> tuple[Any, ...]:
    """(has_training, training_default, has_mask, first_arg, params, has_var_kwargs) of ``cls.call``."""
    info = _SIGNATURES.get(cls)
    if info is None:
        sig = inspect.signature(cls.call)
        params = [p for p in sig.parameters.values() if p.name != "self"]
        names = [p.name for p in params]
        tr = sig.parameters.get("training")
        default = None if tr is None or tr.default is inspect.Parameter.empty else tr.default
        var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
        first = params[0].name if params else "inputs"
        info = ("training" in names, default, "mask" in names, first, tuple(names), var_kw)
        _SIGNATURES[cls] = info
    return info


def _wrap_build(fn: Any) -> Any:
    @functools.wraps(fn)
    def build(self: Layer, *args: Any, **kwargs: Any) -> Any:
        if args and self._build_shapes_dict is None:
            shape = _as_shape(args[0])
            self._build_shapes_dict = {"input_shape": shape}
            self._build_input_shape = shape
            args = (shape,) + args[1:]
        out = fn(self, *args, **kwargs)
        self.built = True
        return out

    build._tfx_wrapped = True  # type: ignore[attr-defined]
    return build


def _as_shape(s: Any) -> Any:
    """Lists of dimensions become tuples; nested structures of shapes keep their structure."""
    if s is None:
        return None
    if hasattr(s, "as_list"):
        return tuple(s.as_list())
    if isinstance(s, (list, tuple)) and all(d is None or isinstance(d, int) for d in s):
        return tuple(s)
    if isinstance(s, (list, tuple)):
        return type(s)(_as_shape(v) for v in s)
    if isinstance(s, dict):
        return {k: _as_shape(v) for k, v in s.items()}
    return s


def _shape_of(x: Any) -> Any:
    if isinstance(x, (Tensor, KerasTensor)):
        return tuple(x.shape)
    if isinstance(x, (list, tuple)):
        return (
            type(x)(_shape_of(v) for v in x) if not hasattr(x, "_fields") else tuple(_shape_of(v) for v in x)
        )
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return None


class Layer:
    """The base class of layers: weights, ``build``/``call``, configuration and graph bookkeeping.

    Args:
        activity_regularizer: a regularizer applied to the outputs (added to ``losses``).
        trainable: whether the weights are updated by training.
        dtype: the dtype policy (``"float32"`` by default: ``keras.backend.floatx()``).
        autocast: cast floating inputs to the layer's compute dtype.
        name: the layer's name; by default the snake_case class name made unique.
        input_shape / batch_input_shape / batch_size / input_dim: the input shape when the layer
            starts a ``Sequential`` model.

    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.w
    >>> layer = Scale()
    >>> layer([[1.0, 2.0]]).shape
    TensorShape([1, 2])
    """

    supports_masking = False

    def __new__(cls, *args: Any, **kwargs: Any) -> Layer:
        obj = super().__new__(cls)
        obj.__dict__["_auto_config"] = _auto_config(cls, args, kwargs)
        return obj

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_tfx_wrapped", False):
            cls.build = _wrap_build(build)  # type: ignore[method-assign]

    def __init__(
        self,
        *,
        activity_regularizer: Any = None,
        trainable: bool = True,
        dtype: Any = None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = [k for k in kwargs if k not in _LAYER_KWARGS]
        if unknown:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                f"{ {k: kwargs[k] for k in unknown} }"
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string. Received: name={name!r}")
        d = self.__dict__
        d["name"] = name or auto_name(type(self).__name__)
        d["_trainable"] = bool(trainable)
        d["built"] = False
        d["_dtype_policy"] = _policy.get(dtype)
        d["autocast"] = bool(autocast)
        if d["_dtype_policy"]._mixed:  # weights read in the compute dtype inside call()
            from tensorflux.keras.mixed_precision.autocast import install

            install(self)
        d["input_spec"] = None
        d["_trainable_variables"] = []
        d["_non_trainable_variables"] = []
        d["_weight_regularizers"] = []
        d["_losses"] = []
        d["_inbound_nodes"] = []
        d["_outbound_nodes"] = []
        d["_build_shapes_dict"] = None
        d["_build_input_shape"] = None
        d["_call_info"] = _call_info(type(self))
        from tensorflux.keras import regularizers

        d["activity_regularizer"] = regularizers.get(activity_regularizer)
        shape = kwargs.get("batch_input_shape")
        if shape is None and kwargs.get("input_shape") is not None:
            shape = (kwargs.get("batch_size"),) + tuple(_as_shape(kwargs["input_shape"]))
        elif shape is None and kwargs.get("input_dim") is not None:
            shape = (kwargs.get("batch_size"), int(kwargs["input_dim"]))
        d["_input_shape_arg"] = None if shape is None else tuple(shape)
        self._initial_weights = kwargs.get("weights")

    # -- attribute tracking ---------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if d.get(name, _MISSING) is not value:
            _EPOCH[0] += 1  # a layer changed: inference plans check their model again
        if isinstance(value, Variable):
            # Variables assigned as attributes (not through add_weight) still belong to the layer.
            if "_trainable_variables" in d and not any(
                v is value for v in self._trainable_variables + self._non_trainable_variables
            ):
                (self._trainable_variables if value.trainable else self._non_trainable_variables).append(
                    value
                )
        elif isinstance(value, (Layer, list, tuple, dict)) and name not in _UNTRACKED:
            # Remember where sublayers may live; the containers are read again at each query, so
            # layers appended to a list later are found too.
            tracked = d.get("_tracked_attrs")
            if tracked is None:
                tracked = d["_tracked_attrs"] = {}
            tracked[name] = None
        elif name in d.get("_tracked_attrs", ()):
            del d["_tracked_attrs"][name]
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        _EPOCH[0] += 1
        self.__dict__.get("_tracked_attrs", {}).pop(name, None)
        object.__delattr__(self, name)

    def _direct_sublayers(self) -> list[Layer]:
        """Layers held in attributes (directly, or in lists, tuples and dicts), in assignment order."""
        tracked = self.__dict__.get("_tracked_attrs")
        if not tracked:
            return []
        out: list[Layer] = []
        seen: set[int] = set()

        def visit(v: Any, depth: int) -> None:
            if isinstance(v, Layer):
                if id(v) not in seen and v is not self:
                    seen.add(id(v))
                    out.append(v)
            elif depth < 3 and isinstance(v, (list, tuple)):
                for i in v:
                    if isinstance(i, (Layer, list, tuple, dict)):
                        visit(i, depth + 1)
            elif depth < 3 and isinstance(v, dict):
                for i in v.values():
                    visit(i, depth + 1)

        d = self.__dict__
        for k in list(tracked):
            if k in d:
                visit(d[k], 0)
        return out

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list[Layer]:
        """This layer (optionally) and its tracked sublayers, depth first, each once."""
        out: list[Layer] = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._direct_sublayers()))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                stack.extend(reversed(layer._direct_sublayers()))
        return out

    # -- dtypes -----------------------------------------------------------------------------------
    @property
    def dtype_policy(self) -> _policy.DTypePolicy:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        self._dtype_policy = _policy.get(value)
        if self._dtype_policy._mixed or "call" in self.__dict__:
            from tensorflux.keras.mixed_precision.autocast import install

            install(self)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights (``"float32"``)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    # -- weights ------------------------------------------------------------------------------------
    def add_weight(self, *args: Any, **kwargs: Any) -> Variable:
        """Create a weight of this layer and track it.

        Keras 3 signature: ``add_weight(shape=None, initializer=None, dtype=None, trainable=True,
        autocast=True, regularizer=None, constraint=None, aggregation="none", name=None)``; the
        tf.keras 2 order ``add_weight("kernel", shape, dtype, initializer, ...)`` is accepted too.

        Args:
            shape: the weight's shape (``()`` for a scalar).
            initializer: an initializer object or name; default ``"glorot_uniform"`` for float
                weights and ``"zeros"`` otherwise.
            dtype: default: the layer's variable dtype.
            trainable: whether training updates it.
            regularizer: adds ``regularizer(weight)`` to ``layer.losses``.
            constraint: applied by the optimizer after each update.
            name: the weight's name (its path is ``"<layer name>/<name>"``).

        >>> layer = Layer()
        >>> w = layer.add_weight(shape=(2, 3), initializer="zeros", name="w")
        >>> w.path, len(layer.trainable_weights)
        ('layer/w', 1)
        """
        order = _TF2_ORDER if args and isinstance(args[0], str) else _K3_ORDER
        if len(args) > len(order):
            raise TypeError(
                f"add_weight() takes at most {len(order)} positional arguments ({len(args)} given)"
            )
        for key, value in zip(order, args):
            if key in kwargs:
                raise TypeError(f"add_weight() got multiple values for argument '{key}'")
            kwargs[key] = value
        return self._add_weight(**kwargs)

    def _add_weight(
        self,
        shape: Any = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool | None = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
        use_resource: Any = None,
        synchronization: Any = None,
        **kwargs: Any,
    ) -> Variable:
        if kwargs:
            raise TypeError(f"add_weight() got unexpected keyword arguments: {sorted(kwargs)}")
        trainable = True if trainable is None else bool(trainable)
        from tensorflux.framework import dtypes as _dt
        from tensorflux.keras import constraints, initializers, regularizers

        shape = (
            ()
            if shape is None
            else tuple(int(d) for d in (shape if isinstance(shape, (list, tuple)) else (shape,)))
        )
        dtype = _dt.as_dtype(dtype if dtype is not None else self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        name = name or auto_name("variable")
        value = init(shape, dtype=dtype) if not isinstance(init, Tensor) else init
        v = Variable(
            value, trainable=trainable, name=name, dtype=dtype, constraint=constraints.get(constraint)
        )
        v.path = f"{self.name}/{name}"
        if not self._trainable and trainable:
            v.trainable = False
        (self._trainable_variables if trainable else self._non_trainable_variables).append(v)
        if not autocast:  # read as it is under a mixed policy (keras/mixed_precision/autocast.py)
            self.__dict__.setdefault("_no_autocast_variables", []).append(v)
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._weight_regularizers.append((v, reg))
        return v

    add_variable = add_weight

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        _EPOCH[0] += 1
        for layer in self._flatten_layers():
            layer.__dict__["_trainable"] = value
            for v in layer._trainable_variables:
                v.trainable = value

    def _own_variables(self) -> list[Variable]:
        return self._trainable_variables + self._non_trainable_variables

    @property
    def weights(self) -> list[Variable]:
        """Every weight of the layer and its sublayers (own weights first), each once."""
        out: list[Variable] = []
        seen: set[int] = set()
        for layer in self._flatten_layers():
            for v in layer._trainable_variables + layer._non_trainable_variables:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list[Any]:
        """The weights' values as NumPy arrays (copies), in ``weights`` order."""
        return [B.to_numpy(B.array_copy(v._value)) for v in self.weights]

    def set_weights(self, weights: Any) -> None:
        """Assign ``weights`` (arrays, in ``get_weights`` order) after checking count and shapes."""
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list of length '
                f"{len(weights)}, but the layer was expecting {len(params)} weights"
                + (
                    " (the layer is not built yet: call it on data or use layer.build(input_shape) first)."
                    if not self.built and not params
                    else "."
                )
            )
        values = []
        for v, w in zip(params, weights):
            wshape = tuple(getattr(w, "shape", ()) if hasattr(w, "shape") else B.asarray(w).shape)
            if tuple(v.shape) != wshape:
                raise ValueError(
                    f'Layer "{self.name}" weight shape {tuple(v.shape)} is not compatible with provided '
                    "weight "
                    f"shape {wshape} (weight '{v.path}')."
                )
            values.append(w)
        for v, w in zip(params, values):
            v.assign(w)

    def count_params(self) -> int:
        """The number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                "You can build it manually via: `layer.build(input_shape)`."
            )
        total = 0
        for v in self.weights:
            n = 1
            for d in v.shape:
                n *= int(d)
            total += n
        return total

    # -- losses -------------------------------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss tensor (or a zero-argument callable) to ``layer.losses``."""
        if cc.in_trial():
            return
        if not _LOSSES_SEEN:
            _LOSSES_SEEN.append(True)
        for x in nest.flatten(loss):
            if x is None:
                continue
            if not (isinstance(x, Tensor) or callable(x)):
                x = convert_to_tensor(x)
            self._losses.append(x)

    def _clear_losses(self) -> None:
        if not _LOSSES_SEEN:
            return
        for layer in self._flatten_layers():
            if layer._losses:
                layer.__dict__["_losses"] = []

    @property
    def losses(self) -> list[Any]:
        """Losses added during the last call (``add_loss``, activity regularizers) and weight penalties."""
        out: list[Any] = []
        regs: dict[int, Any] = {}
        for layer in self._flatten_layers():
            for x in layer._losses:
                out.append(x() if callable(x) and not isinstance(x, Tensor) else x)
            for v, reg in layer._weight_regularizers:
                regs[id(v)] = reg
        if regs:
            for v in self.trainable_weights:
                reg = regs.get(id(v))
                if reg is not None:
                    out.append(reg(v))
        return out

    # -- building -----------------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Create the layer's weights for inputs of ``input_shape`` (called once, on first use)."""
        self.built = True

    def _shapes_for(self, args: Any, kwargs: Any, target: str) -> dict[str, Any]:
        """Shapes of the tensor arguments, keyed ``<arg>_shape`` (``input_shape`` for the first)."""
        info = self._call_info
        shapes = {"input_shape": _shape_of(args[0])} if args else {}
        names = info[4]
        for i, a in enumerate(args[1:], start=1):
            if i < len(names) and isinstance(a, (Tensor, KerasTensor)):
                shapes[f"{names[i]}_shape"] = tuple(a.shape)
        for k, a in kwargs.items():
            if isinstance(a, (Tensor, KerasTensor)) and k != "mask":
                shapes[f"{k}_shape"] = tuple(a.shape)
        if len(shapes) > 1:
            # Name the first shape after the call argument, as Keras does (``query_shape``).
            fn = getattr(self, target)
            params = inspect.signature(fn).parameters
            first = f"{info[3]}_shape"
            if first in params:
                shapes = {first: shapes.pop("input_shape"), **shapes}
        return shapes

    def _call_shape_fn(self, fn: Any, shapes: dict[str, Any]) -> Any:
        if len(shapes) <= 1:
            return fn(next(iter(shapes.values())) if shapes else None)
        params = inspect.signature(fn).parameters
        if all(k in params for k in shapes) or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
        ):
            return fn(**shapes)
        return fn(next(iter(shapes.values())))

    def _maybe_build(self, args: Any, kwargs: Any) -> None:
        if self.built:
            return
        shapes = self._shapes_for(args, kwargs, "build")
        first = next(iter(shapes.values())) if shapes else None
        self.__dict__["_build_shapes_dict"] = {"input_shape": first} if len(shapes) <= 1 else dict(shapes)
        self.__dict__["_build_input_shape"] = first
        self._call_shape_fn(self.build, shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def get_build_config(self) -> dict[str, Any] | None:
        """Keras 3's layout: ``{"input_shape": ...}`` for one build argument, else ``{"shapes_dict":
        {"query_shape": ..., ...}}`` (multi-input layers such as MultiHeadAttention)."""
        if self._build_shapes_dict is None:
            return None
        shapes = {k: _json_shape(v) for k, v in self._build_shapes_dict.items()}
        if len(shapes) == 1:
            return {"input_shape": next(iter(shapes.values()))}
        return {"shapes_dict": shapes}

    def build_from_config(self, config: dict[str, Any]) -> None:
        if not config:
            return
        if "input_shape" in config:
            self.build(_as_shape(config["input_shape"]))
        else:
            # Keras' {"shapes_dict": {...}}, or the argument names at the top level (older files)
            shapes = config["shapes_dict"] if "shapes_dict" in config else config
            shapes = {k: _as_shape(v) for k, v in shapes.items()}
            if len(shapes) == 1:
                self.build(next(iter(shapes.values())))
            else:
                self.build(**shapes)
        self.built = True

    # -- calling ----------------------------------------------------------------------------------
    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The computation of the layer; subclasses override it."""
        return inputs

    def _convert(self, x: Any) -> Any:
        """Arrays become tensors; floating inputs take the layer's compute dtype (when autocast)."""
        if isinstance(x, Tensor):
            if self.autocast and x._value.dtype.kind == "f" and x.dtype.name != self.compute_dtype:
                from tensorflux.ops.array_ops import cast

                y = cast(x, self.compute_dtype)
                m = get_keras_mask(x)
                if m is not None:
                    set_keras_mask(y, m)
                return y
            return x
        if B.is_array(x) or (hasattr(x, "__array__") and not isinstance(x, KerasTensor)):
            t = convert_to_tensor(B.asarray(x))
            if self.autocast and t._value.dtype.kind == "f" and t.dtype.name != self.compute_dtype:
                from tensorflux.ops.array_ops import cast

                t = cast(t, self.compute_dtype)
            return t
        return x

    def _convert_structure(self, x: Any) -> Any:
        if isinstance(x, Tensor):
            return self._convert(x)
        if isinstance(x, (list, tuple)):
            leaves = nest.flatten(x)
            if leaves and all(isinstance(v, (int, float, bool)) for v in leaves):
                return self._convert(convert_to_tensor(x))
            return nest.map_structure(self._convert, x)
        if isinstance(x, dict):
            return {k: self._convert_structure(v) for k, v in x.items()}
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            return self._convert(convert_to_tensor(x))
        return self._convert(x)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and (not kwargs or _only_training(kwargs)):
            x = args[0]
            if type(x) is not Tensor and B.is_array(x) and x.ndim:
                x = convert_to_tensor(B.asarray(x))  # as _convert would (it casts later)
                args = (x,)
            if type(x) is Tensor:
                out = self._lean_call(x, kwargs.get("training"))
                if out is not _NOT_LEAN:
                    return out
        try:
            info = self._call_info
        except AttributeError:
            raise RuntimeError(
                f"Layer {type(self).__name__} was used before its __init__ ran: call `super().__init__()` "
                "at the start of your layer's or model's __init__."
            ) from None
        if not args and kwargs:
            first = info[3]
            if first in kwargs:
                args = (kwargs.pop(first),)
            elif "inputs" in kwargs:
                args = (kwargs.pop("inputs"),)
        a0 = args[0] if args else None
        if isinstance(a0, KerasTensor) or (not isinstance(a0, Tensor) and any_symbolic(args, kwargs)):
            from tensorflux.keras.engine.symbolic import symbolic_call

            if "training" in kwargs and kwargs["training"] is None:
                kwargs.pop("training")
            return symbolic_call(self, args, kwargs)

        ctx = _CTX["ctx"]
        outer = ctx is None
        if outer:
            ctx = _CTX["ctx"] = cc.CallContext(self)
            self._clear_losses()
        saved_training = ctx.training  # type: ignore[union-attr]
        try:
            if args:
                args = (self._convert_structure(args[0]),) + tuple(
                    self._convert(a) if not isinstance(a, (list, tuple, dict)) else self._convert_structure(a)
                    for a in args[1:]
                )
            # check before building, so that bad input gets the layer's own message (as Keras)
            if self.input_spec is not None and args:
                assert_input_compatibility(self.input_spec, args[0], self.name, self)
            if not self.built:
                self._maybe_build(args, kwargs)

            # training: explicit value, else inherited from the outer call, else call()'s default
            training = kwargs.get("training")
            if training is None:
                training = ctx.training if ctx.training is not None else info[1]  # type: ignore[union-attr]
            ctx.training = training  # type: ignore[union-attr]
            if info[0]:
                if training is not None:
                    kwargs["training"] = training
                else:
                    kwargs.pop("training", None)
            else:
                kwargs.pop("training", None)

            first = args[0] if args else None
            previous_mask = None
            if info[2] or self.supports_masking:
                given = kwargs.get("mask")
                if given is not None:
                    previous_mask = given
                elif first is not None:
                    previous_mask = _masks_of(first)
                    if info[2] and previous_mask is not None:
                        kwargs["mask"] = previous_mask
            if "mask" in kwargs and not (info[2] or info[5]):
                kwargs.pop("mask")

            outputs = self.call(*args, **kwargs)

            if self.activity_regularizer is not None and not ctx.trial:  # type: ignore[union-attr]
                for out in nest.flatten(outputs):
                    if isinstance(out, Tensor):
                        loss = self.activity_regularizer(out)
                        if out.ndim > 0 and out.shape[0]:
                            loss = loss * (1.0 / out.shape[0])  # per sample, as Keras 3
                        self.add_loss(loss)
            if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
                self._set_mask_metadata(first, outputs, previous_mask)
            return outputs
        finally:
            if outer:
                _CTX["ctx"] = None
            else:
                ctx.training = saved_training  # type: ignore[union-attr]

    def _lean_call(self, x: Tensor, training: Any) -> Any:
        """``__call__`` for the common eager case, or ``_NOT_LEAN`` when the general path is needed.

        Applies to a built layer called on one concrete tensor that needs no cast, passes its
        input spec, carries no mask the layer would read, and has no activity regularizer: then
        ``__call__`` reduces to the ``training`` flag and the call context, and this does only
        that (the layer's ``call`` binds the same primitives, so tapes and tracers see every op).
        Anything else, including every error, goes through the general path.
        """
        d = self.__dict__
        info = d.get("_call_info")
        if info is None or not self.built or self.activity_regularizer is not None:
            return _NOT_LEAN
        xv = x._value
        if self.autocast and xv.dtype.kind == "f":
            policy = self._dtype_policy
            ok = d.get("_lean_dtype")  # (policy, native dtype) last seen to need no cast
            if ok is None or ok[0] is not policy or ok[1] != xv.dtype:
                if _dt.from_native(xv.dtype).name != policy.compute_dtype:
                    return _NOT_LEAN
                d["_lean_dtype"] = (policy, xv.dtype)
        spec = self.input_spec
        if spec is not None and (type(spec) is not InputSpec or not _quick_ok(spec, xv.shape)):
            return _NOT_LEAN
        if _MASKS and (info[2] or self.supports_masking) and get_keras_mask(x) is not None:
            return _NOT_LEAN
        ctx = _CTX["ctx"]
        outer = ctx is None
        if outer:
            ctx = _CTX["ctx"] = cc.CallContext(self)
            if _LOSSES_SEEN:
                self._clear_losses()
        saved_training = ctx.training  # type: ignore[union-attr]
        try:
            if training is None:
                training = saved_training if saved_training is not None else info[1]
            ctx.training = training  # type: ignore[union-attr]
            if info[0] and training is not None:
                outputs = self.call(x, training=training)
            else:
                outputs = self.call(x)
            if type(self).compute_mask is not Layer.compute_mask:
                self._set_mask_metadata(x, outputs, None)
            return outputs
        finally:
            if outer:
                _CTX["ctx"] = None
            else:
                ctx.training = saved_training  # type: ignore[union-attr]

    def _set_mask_metadata(self, inputs: Any, outputs: Any, previous_mask: Any) -> None:
        if previous_mask is None and type(self).compute_mask is Layer.compute_mask:
            return
        masks = self.compute_mask(inputs, previous_mask)
        if masks is None:
            return
        flat_out = nest.flatten(outputs)
        flat_masks = nest.flatten(masks) if isinstance(masks, (list, tuple)) else [masks] * len(flat_out)
        for o, m in zip(flat_out, flat_masks):
            if isinstance(o, Tensor) and m is not None and get_keras_mask(o) is None:
                set_keras_mask(o, m)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The mask of the outputs: by default the input mask passes through masking-aware layers."""
        if not self.supports_masking:
            return None
        return previous_mask

    def compute_output_shape(self, *args: Any, **kwargs: Any) -> Any:
        """The output shape for an input shape; by default found by running the layer on a stand-in."""
        from tensorflux.keras.engine import symbolic

        def to_kt(s: Any) -> Any:
            s = _as_shape(s)
            if isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s):
                return KerasTensor(s, self.compute_dtype)
            if isinstance(s, (list, tuple)):
                return type(s)(to_kt(v) for v in s)
            if isinstance(s, dict):
                return {k: to_kt(v) for k, v in s.items()}
            return s

        kargs = tuple(to_kt(a) for a in args)
        kkw = {k[: -len("_shape")] if k.endswith("_shape") else k: to_kt(v) for k, v in kwargs.items()}
        if not self.built:
            self._maybe_build(kargs, kkw)
        out1 = symbolic.trial_call(self, kargs, kkw, 1)
        out2 = symbolic.trial_call(self, kargs, kkw, 2) if symbolic._has_unknown(kargs, kkw) else None
        spec = symbolic._spec_from_runs(out1, out2)
        return (
            nest.map_structure(lambda k: tuple(k.shape), spec)
            if not isinstance(spec, KerasTensor)
            else tuple(spec.shape)
        )

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """KerasTensors describing the outputs for KerasTensor inputs."""
        from tensorflux.keras.engine.symbolic import compute_output_spec

        return compute_output_spec(self, args, kwargs)

    # -- functional graph accessors -----------------------------------------------------------------
    def _node_attr(self, attr: str, what: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name} has never been called and thus has no defined {what}. Call it on a "
                "keras.Input (functional API) or build the model first."
            )
        node = self._inbound_nodes[0]
        values = getattr(node, attr)
        return values[0] if len(values) == 1 else list(values)

    @property
    def input(self) -> Any:
        """The symbolic input of the layer's first call in a functional graph."""
        return self._node_attr("input_tensors", "input")

    @property
    def output(self) -> Any:
        """The symbolic output of the layer's first call in a functional graph."""
        return self._node_attr("output_tensors", "output")

    @property
    def input_shape(self) -> Any:
        x = self.input
        return [tuple(t.shape) for t in x] if isinstance(x, list) else tuple(x.shape)

    @property
    def output_shape(self) -> Any:
        x = self.output
        return [tuple(t.shape) for t in x] if isinstance(x, list) else tuple(x.shape)

    # -- configuration ------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that recreate this layer (``from_config(get_config())``)."""
        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": _policy.serialize(self._dtype_policy),
        }
        if self.activity_regularizer is not None:
            from tensorflux.keras import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is Layer.get_config and self._auto_config:
            config.update({k: v for k, v in self._auto_config.items() if k not in config})
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """A new layer from ``get_config()``'s output."""
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}. Exception "
                "encountered: "
                f"{e}. If the layer takes other constructor arguments, override get_config() and "
                "from_config()."
            ) from e

    # -- saving hooks (weights files) -------------------------------------------------------------
    def save_own_variables(self, store: Any) -> None:
        for i, v in enumerate(self._own_variables()):
            store[str(i)] = B.to_numpy(B.array_copy(v._value))

    def load_own_variables(self, store: Any) -> None:
        own = self._own_variables()
        if len(store.keys()) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expected {len(own)} variables, but received {len(store.keys())} "
                "variables "
                "during loading."
            )
        for i, v in enumerate(own):
            v.assign(store[str(i)])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


_NOT_LEAN = object()  # _lean_call's answer when the general path of __call__ must run


def _only_training(kwargs: dict[str, Any]) -> bool:
    return len(kwargs) == 1 and "training" in kwargs


def _json_shape(s: Any) -> Any:
    if isinstance(s, tuple):
        return (
            [None if d is None else int(d) for d in s]
            if all(d is None or isinstance(d, int) for d in s)
            else [_json_shape(v) for v in s]
        )
    if isinstance(s, list):
        return [_json_shape(v) for v in s]
    if isinstance(s, dict):
        return {k: _json_shape(v) for k, v in s.items()}
    return s


def _masks_of(x: Any) -> Any:
    if isinstance(x, Tensor):
        return get_keras_mask(x)
    if isinstance(x, (list, tuple)):
        ms = [get_keras_mask(v) if isinstance(v, Tensor) else None for v in x]
        return None if all(m is None for m in ms) else ms
    return None


_SIMPLE = (int, float, str, bool, type(None))


def _is_simple(v: Any) -> bool:
    if isinstance(v, _SIMPLE):
        return True
    if isinstance(v, (list, tuple)):
        return all(_is_simple(i) for i in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_simple(i) for k, i in v.items())
    return False


def _auto_config(cls: type, args: Any, kwargs: Any) -> dict[str, Any] | None:
    """The constructor arguments, kept when they are plain values (used by the default get_config)."""
    if cls.__init__ is Layer.__init__:
        return None
    try:
        bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    except TypeError:
        return None
    out: dict[str, Any] = {}
    for k, v in list(bound.arguments.items())[1:]:
        if k == "kwargs" and isinstance(v, dict):
            for kk, vv in v.items():
                if not _is_simple(vv):
                    return None
                out[kk] = vv
            continue
        if not _is_simple(v):
            return None
        out[k] = v
    return out
