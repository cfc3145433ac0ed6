"""The per-batch steps of ``fit``/``evaluate``/``predict``, traced into graphs unless ``run_eagerly``.

As in Keras, the steps run as compiled graphs by default (``tensorflux.function``): the first
batch of each shape is traced (run eagerly while the graph is recorded), every later batch of
that shape replays the optimised graph.  A fit whose last batch is smaller traces twice, once
for each batch size, whatever the number of epochs.

With the built-in ``train_step``/``test_step`` the graph holds the computation (forward pass,
loss, gradients and the optimizer's variable updates) and returns the loss and predictions; the
metric objects are then updated eagerly from those, exactly as the eager step does.  A model that
overrides a step has the whole overriding method traced.  When tracing a step fails (the step
reads a tensor's value in Python, uses an unsupported construct, ...), every effect of the failed
trace is undone, the model records ``model._traced = False`` and runs that step eagerly from then
on, silently: the results are the eager ones.  So does a step already traced for ``MAX_TRACES``
batch shapes (data whose shapes keep changing gains nothing from graphs).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from tensorflux.framework.function import function
from tensorflux.framework.tape import GradientTape
from tensorflux.keras.trainers import data_adapter_utils as U

MAX_TRACES = 16


def _batch_size_of(x: Any) -> int:
    from tensorflux.keras.trainers.trainer import _batch_size_of as size

    return size(x)


def train_compute(model: Any, x: Any, y: Any, sample_weight: Any) -> tuple[Any, Any]:
    """The traced part of the built-in ``train_step``: forward, loss, gradients, optimizer update."""
    with GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        scaled = model.optimizer.scale_loss(loss) if model.optimizer is not None else loss
    variables = model.trainable_variables
    if variables:
        if model.optimizer is None:
            raise ValueError("The model was compiled without an optimizer: pass `optimizer=` to `compile()`.")
        grads = tape.gradient(scaled, variables)
        model.optimizer.apply_gradients(zip(grads, variables))
    else:
        warnings.warn("The model does not have any trainable weights.", stacklevel=2)
    return loss, y_pred


def test_compute(model: Any, x: Any, y: Any, sample_weight: Any) -> tuple[Any, Any]:
    """The traced part of the built-in ``test_step``: forward pass in inference mode and loss."""
    y_pred = model(x, training=False)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
    return loss, y_pred


def predict_compute(model: Any, x: Any) -> Any:
    return model(x, training=False)


class TracedStep:
    """``model``'s ``kind`` step (``"train"``, ``"test"`` or ``"predict"``) as a traced function."""

    def __init__(self, model: Any, kind: str) -> None:
        from tensorflux.keras.trainers.trainer import Trainer

        self.model = model
        self.kind = kind
        name = f"{kind}_step"
        self.builtin = getattr(type(model), name) is getattr(Trainer, name) and name not in vars(model)
        if self.builtin:
            computes: dict[str, Callable[..., Any]] = {
                "train": train_compute,
                "test": test_compute,
                "predict": predict_compute,
            }
            compute = computes[kind]
            self.function = function(lambda *args: compute(model, *args), name=f"{kind}_step")
        else:
            self.function = function(getattr(model, f"{kind}_step"), name=f"{kind}_step")
        self.eager = False

    def _eager_step(self) -> Any:
        return getattr(self.model, f"{self.kind}_step")

    def __call__(self, data: Any) -> Any:
        if self.eager:
            return self._eager_step()(data)
        fn = self.function
        attempts = fn._trace_attempts
        if attempts >= MAX_TRACES:
            self.eager = True
            return self._eager_step()(data)
        try:
            if not self.builtin:
                out = fn(data)
            elif self.kind == "predict":
                x, _, _ = U.unpack_x_y_sample_weight(data)
                out = fn(x)
                self.model._traced = True
                return out
            else:
                x, y, sample_weight = U.unpack_x_y_sample_weight(data)
                loss, y_pred = fn(x, y, sample_weight)
                out = None
        except Exception as e:
            if fn._trace_attempts == attempts:
                raise  # a replay failed: a real error
            # the step cannot be traced (its effects were undone): run it eagerly from now on
            self.eager = True
            self.model._trace_error = f"{type(e).__name__}: {e}"  # why (a string: no frames kept alive)
            self.model._traced = False
            return self._eager_step()(data)
        self.model._traced = True
        if out is not None or not self.builtin:
            return out
        model = self.model
        model._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
        return model.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    @property
    def tracing_count(self) -> int:
        return self.function.experimental_get_tracing_count()  # type: ignore[no-any-return]
