"""What ``compile`` builds: ``CompileLoss`` (the total loss over outputs) and ``CompileMetrics``.

Both resolve their arguments lazily, on the first batch, when the shapes of the targets and of
the outputs are known: ``"accuracy"`` becomes binary, categorical or sparse categorical
accuracy, as in Keras, and several outputs are matched by position or by name.
"""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras import losses as losses_module
from tensorflux.keras import metrics as metrics_module
from tensorflux.keras.metrics.metric import Metric
from tensorflux.keras.metrics.reduction_metrics import Mean, MeanMetricWrapper


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(t._value.shape) if isinstance(t, Tensor) else tuple(getattr(t, "shape", ()))


def is_binary_or_sparse_categorical(y_true: Any, y_pred: Any) -> tuple[bool, bool]:
    ts, ps = _shape(y_true), _shape(y_pred)
    t_last = ts[-1] if ts else None
    p_last = ps[-1] if ps else None
    is_binary = p_last == 1
    is_sparse = len(ts) < len(ps) or (t_last == 1 and p_last is not None and p_last > 1)
    return is_binary, is_sparse


def _identifier_name(identifier: Any, obj: Any) -> str:
    if isinstance(identifier, str):
        return identifier
    return getattr(obj, "name", None) or getattr(obj, "__name__", None) or type(obj).__name__


def get_metric(identifier: Any, y_true: Any, y_pred: Any) -> Metric:
    """A ``Metric`` for one compile entry; ``"accuracy"`` and ``"crossentropy"`` follow the shapes."""
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    key = str(identifier).lower() if isinstance(identifier, str) else None
    if key in ("accuracy", "acc", "crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if key in ("accuracy", "acc"):
            cls = (
                metrics_module.BinaryAccuracy
                if is_binary
                else metrics_module.SparseCategoricalAccuracy
                if is_sparse
                else metrics_module.CategoricalAccuracy
            )
        else:
            cls = (
                metrics_module.BinaryCrossentropy
                if is_binary
                else metrics_module.SparseCategoricalCrossentropy
                if is_sparse
                else metrics_module.CategoricalCrossentropy
            )
        obj: Any = cls(name=str(identifier))
    else:
        obj = metrics_module.get(identifier)
    name = _identifier_name(identifier, obj)
    if not isinstance(obj, Metric):
        obj = MeanMetricWrapper(obj, name=name)
    obj.name = name
    return obj  # type: ignore[no-any-return]


def get_loss(identifier: Any, y_true: Any, y_pred: Any) -> Any:
    """A ``Loss`` object for one output (``None`` means no loss for it)."""
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        fn = (
            losses_module.binary_crossentropy
            if is_binary
            else losses_module.sparse_categorical_crossentropy
            if is_sparse
            else losses_module.categorical_crossentropy
        )
        return losses_module.LossFunctionWrapper(fn, name=identifier)
    obj = losses_module.get(identifier)
    if isinstance(obj, losses_module.Loss):
        return obj
    return losses_module.LossFunctionWrapper(obj, name=_identifier_name(identifier, obj))


class _Outputs:
    """How the model's outputs are laid out: their order and names."""

    def __init__(self, y_pred: Any, output_names: Any) -> None:
        if isinstance(y_pred, dict):
            self.kind = "dict"
            keys = list(y_pred)
            self.names: list[Any] = (
                list(output_names) if output_names and set(output_names) == set(keys) else sorted(keys)
            )
        elif isinstance(y_pred, (list, tuple)):
            self.kind = "list"
            n = len(y_pred)
            self.names = list(output_names) if output_names and len(output_names) == n else [None] * n
        else:
            self.kind = "single"
            self.names = [list(output_names)[0] if output_names and len(output_names) == 1 else None]

    def __len__(self) -> int:
        return len(self.names)

    def flat_pred(self, y_pred: Any) -> list[Any]:
        if self.kind == "dict":
            return [y_pred[n] for n in self.names]
        if self.kind == "list":
            return list(y_pred)
        return [y_pred]

    def flat_true(self, y_true: Any, what: str = "y") -> list[Any]:
        n = len(self.names)
        if isinstance(y_true, dict):
            missing = [k for k in self.names if k not in y_true]
            if missing and n > 1:
                raise ValueError(
                    f"`{what}` is missing entries for the outputs {missing}; it has keys {sorted(y_true)}."
                )
            if n == 1 and len(y_true) == 1:
                return list(y_true.values())
            return [y_true.get(k) for k in self.names]
        if isinstance(y_true, (list, tuple)) and n > 1:
            if len(y_true) != n:
                raise ValueError(f"The model has {n} outputs but `{what}` has {len(y_true)} entries.")
            return list(y_true)
        if n > 1:
            return [y_true] * n if what == "sample_weight" else _too_few(y_true, n, what)
        if isinstance(y_true, (list, tuple)) and len(y_true) == 1:
            return list(y_true)
        return [y_true]

    def per_output(self, spec: Any, what: str) -> list[Any]:
        """One entry of a loss/metric/weight spec per output: by position, by name, or shared."""
        n = len(self.names)
        if isinstance(spec, dict):
            unknown = [k for k in spec if k not in self.names]
            if unknown:
                raise ValueError(
                    f"Invalid `{what}`: the keys {unknown} are not output names; the model's outputs are "
                    f"{self.names}."
                )
            return [spec.get(k) for k in self.names]
        if isinstance(spec, (list, tuple)) and n > 1 and len(spec) == n:
            return list(spec)
        if isinstance(spec, (list, tuple)) and n == 1 and what in ("loss", "loss_weights") and len(spec) == 1:
            return list(spec)
        if isinstance(spec, (list, tuple)) and what in ("loss", "loss_weights") and n > 1:
            raise ValueError(f"`{what}` has {len(spec)} entries but the model has {n} outputs.")
        return [spec] * n


def _too_few(y: Any, n: int, what: str) -> Any:
    raise ValueError(
        f"The model has {n} outputs but a single `{what}` was given; pass a list or a dict with one "
        "entry per output."
    )


class CompileLoss:
    """The loss ``compile(loss=..., loss_weights=...)`` describes, summed over the outputs."""

    def __init__(self, loss: Any, loss_weights: Any = None, output_names: Any = None) -> None:
        if loss_weights is not None and not isinstance(loss_weights, (list, tuple, dict, float, int)):
            raise ValueError(
                "Expected `loss_weights` argument to be a float (single output case) or a list, tuple, "
                "or dict "
                f"(multiple output case). Received instead: loss_weights={loss_weights!r}"
            )
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self._entries: list[tuple[int, Any, Any, str]] = []
        self.metrics: list[Mean] = []

    def build(self, y_true: Any, y_pred: Any) -> None:
        self._outputs = out = _Outputs(y_pred, self.output_names)
        flat_true = out.flat_true(y_true)
        flat_pred = out.flat_pred(y_pred)
        losses = out.per_output(self._user_loss, "loss")
        weights = (
            out.per_output(self._user_loss_weights, "loss_weights")
            if self._user_loss_weights is not None
            else [None] * len(out)
        )
        self._entries = []
        for i, (spec, w) in enumerate(zip(losses, weights)):
            loss = get_loss(spec, flat_true[i], flat_pred[i])
            if loss is None:
                continue
            name = out.names[i] if out.names[i] is not None else loss.name
            self._entries.append((i, loss, w, str(name)))
        if not self._entries:
            raise ValueError("`loss` is None for every output: there is nothing to train.")
        if len(self._entries) > 1:
            self.metrics = [Mean(name=f"{name}_loss") for _, _, _, name in self._entries]
        self.built = True

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if not self.built:
            self.build(y_true, y_pred)
        out = self._outputs
        if out.kind == "single" and len(self._entries) == 1:
            _, loss, w, _ = self._entries[0]
            yt = y_true[0] if isinstance(y_true, (list, tuple)) and len(y_true) == 1 else y_true
            if isinstance(yt, dict) and len(yt) == 1:
                yt = next(iter(yt.values()))
            value = loss(yt, y_pred, sample_weight)
            return value * float(w) if w is not None else value
        flat_true = out.flat_true(y_true)
        flat_pred = out.flat_pred(y_pred)
        flat_sw = (
            out.flat_true(sample_weight, "sample_weight")
            if isinstance(sample_weight, (list, tuple, dict))
            else [sample_weight] * len(out)
        )
        total: Any = None
        for k, (i, loss, w, _) in enumerate(self._entries):
            if flat_true[i] is None:
                raise ValueError(f"No targets were given for output {out.names[i] or i}, which has a loss.")
            value = loss(flat_true[i], flat_pred[i], flat_sw[i])
            if self.metrics:
                self.metrics[k].update_state(value, sample_weight=int(flat_pred[i]._value.shape[0]))
            if w is not None:
                value = value * float(w)
            total = value if total is None else total + value
        return total


class CompileMetrics(Metric):
    """The metrics ``compile(metrics=..., weighted_metrics=...)`` describes, for every output."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: Any = None) -> None:
        super().__init__(name="compile_metrics")
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value and not isinstance(value, (list, tuple, dict)):
                raise ValueError(
                    f"Expected `{arg}` argument to be a list, tuple, or dict. Received instead: "
                    f"{arg}={value!r} of "
                    f"type {type(value)}"
                )
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self.output_names = output_names
        self.built = False
        self._flat: list[list[Metric]] = []
        self._flat_weighted: list[list[Metric]] = []

    def _build_set(
        self, spec: Any, flat_true: list[Any], flat_pred: list[Any], what: str
    ) -> list[list[Metric]]:
        n = len(self._outputs)
        if not spec:
            return [[] for _ in range(n)]
        if n == 1:
            entries = [spec if not isinstance(spec, dict) else list(spec.values())]
        elif isinstance(spec, dict) or (isinstance(spec, (list, tuple)) and len(spec) == n):
            entries = self._outputs.per_output(spec, what)
        else:
            entries = [spec] * n  # one flat list of metrics for every output
        out = []
        for i, e in enumerate(entries):
            items = [] if e is None else (_flatten_list(e) if isinstance(e, (list, tuple)) else [e])
            out.append([get_metric(m, flat_true[i], flat_pred[i]) for m in items])
        return out

    def build(self, y_true: Any, y_pred: Any) -> None:
        self._outputs = _Outputs(y_pred, self.output_names)
        flat_true = self._outputs.flat_true(y_true)
        flat_pred = self._outputs.flat_pred(y_pred)
        self._flat = self._build_set(self._user_metrics, flat_true, flat_pred, "metrics")
        self._flat_weighted = self._build_set(
            self._user_weighted_metrics, flat_true, flat_pred, "weighted_metrics"
        )
        self.built = True

    def _sub_metrics(self) -> list[Metric]:
        return [m for ms in self._flat + self._flat_weighted for m in ms]

    @property
    def metrics(self) -> list[Metric]:
        return self._sub_metrics() if self.built else []

    @property
    def variables(self) -> list[Any]:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self.built:
            self.build(y_true, y_pred)
        out = self._outputs
        if len(out) == 1 and out.kind == "single":
            flat_true, flat_pred = out.flat_true(y_true), [y_pred]
        else:
            flat_true, flat_pred = out.flat_true(y_true), out.flat_pred(y_pred)
        for ms, yt, yp in zip(self._flat, flat_true, flat_pred):
            for m in ms:
                m.update_state(yt, yp)
        if any(self._flat_weighted):
            if isinstance(sample_weight, (list, tuple, dict)):
                flat_sw = out.flat_true(sample_weight, "sample_weight")
            else:
                flat_sw = [sample_weight] * len(out)
            for ms, yt, yp, sw in zip(self._flat_weighted, flat_true, flat_pred, flat_sw):
                for m in ms:
                    m.update_state(yt, yp, sample_weight=sw)

    def reset_state(self) -> None:
        for m in self._sub_metrics():
            m.reset_state()

    def result(self) -> dict[str, Any]:
        """``{name: value}``; several outputs prefix the output name, repeats get ``_1``, ``_2``."""
        if not self.built:
            return {}
        results: dict[str, Any] = {}
        counters: dict[str, int] = {}
        multi = len(self._outputs) > 1

        def full(i: int, name: str) -> str:
            prefix = self._outputs.names[i] if multi else None
            return f"{prefix}_{name}" if prefix else name

        for i, ms in enumerate(self._flat):
            for m in ms:
                name = full(i, m.name)
                if name in counters:
                    counters[name] += 1
                    name = f"{name}_{counters[name] - 1}"
                else:
                    counters[name] = 1
                results[name] = m.result()
        for i, ms in enumerate(self._flat_weighted):
            for m in ms:
                name = full(i, m.name)
                if name in counters:
                    name = full(i, f"weighted_{m.name}")
                    if name in counters:
                        counters[name] += 1
                        name = f"{name}_{counters[name] - 1}"
                    else:
                        counters[name] = 1
                else:
                    counters[name] = 1
                results[name] = m.result()
        return results


def _flatten_list(items: Any) -> list[Any]:
    out: list[Any] = []
    for it in items:
        if isinstance(it, (list, tuple)):
            out.extend(_flatten_list(it))
        else:
            out.append(it)
    return out
