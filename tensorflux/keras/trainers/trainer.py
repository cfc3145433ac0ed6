"""``Trainer``: compile, fit, evaluate and predict, kept apart from the model (``Model(Trainer, Layer)``).

The loop is Keras 3's: ``fit`` cuts the data into batches, calls ``train_step(data)`` for each
(forward pass under a ``GradientTape``, ``compute_loss``, gradients, ``optimizer.apply_gradients``,
``compute_metrics``) and reports to the callbacks.  Subclasses override ``train_step``,
``test_step`` or ``predict_step`` to customise a step, as in Keras.

Each step runs as a traced graph (``tensorflux.function``) unless ``run_eagerly=True``, as in
Keras; ``traced_steps`` holds how (and the silent eager fallback for steps that cannot be traced).

What the trainer needs from the model: ``self(x, training=...)``, ``trainable_variables``,
``losses`` (regularisation losses of the last call, optional) and, for some callbacks,
``get_weights``/``set_weights``/``save_weights``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tensorflux.framework import nest
from tensorflux.framework import primitives as P
from tensorflux.framework.tape import GradientTape
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.trainers import data_adapter_utils as U
from tensorflux.keras.trainers.epoch_iterator import EpochIterator


def _callbacks_module() -> Any:
    from tensorflux.keras import callbacks

    return callbacks


def _to_numpy(structure: Any) -> Any:
    if isinstance(structure, Tensor):
        return structure.numpy()
    if isinstance(structure, dict):
        return {k: _to_numpy(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_to_numpy(v) for v in structure)
    return structure


def _batch_size_of(x: Any) -> int:
    for leaf in nest.flatten(x):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape):
            return int(shape[0])
    return 1


def _concat_outputs(batches: list[Any]) -> Any:
    first = batches[0]
    if isinstance(first, dict):
        return {k: _concat_outputs([b[k] for b in batches]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(_concat_outputs([b[i] for b in batches]) for i in range(len(first)))
    if len(batches) == 1:
        return first
    return np.concatenate(batches, axis=0)


class Trainer:
    """The training loop that ``Model`` inherits (``class Model(Trainer, Layer)``).

    >>> import numpy as np
    >>> from tensorflux import keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> history = model.fit(np.ones((8, 1)), np.ones((8, 1)), epochs=2, verbose=0)
    >>> list(history.history), history.epoch
    (['loss'], [0, 1])
    """

    # Defaults as class attributes: the model's __init__ need not call Trainer.__init__.
    compiled = False
    optimizer: Any = None
    loss: Any = None
    stop_training = False
    stop_evaluating = False
    stop_predicting = False
    history: Any = None
    steps_per_execution = 1
    _compile_loss: Any = None
    _compile_metrics: Any = None
    _loss_tracker: Any = None
    _initial_epoch: Any = None
    _run_eagerly = False
    _jit_compile: Any = None
    _compile_config: Any = None
    _eval_epoch_iterator: Any = None
    # True once a step ran as a graph; False when a step could not be traced and runs eagerly
    _traced: Any = None
    _trace_error: Any = None

    # -- compile --------------------------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: Any = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configure the model for training.

        Args:
            optimizer: A name (``"adam"``) or an optimizer instance.
            loss: A name (``"mse"``), a loss function or ``Loss`` instance; a list or dict for
                several outputs (by position or output name).
            loss_weights: Floats weighting each output's loss (a list or dict).
            metrics: Metrics, evaluated without sample weights; ``"accuracy"`` picks binary,
                categorical or sparse categorical accuracy from the shapes. A list or dict per
                output for several outputs.
            weighted_metrics: Metrics weighted by ``sample_weight`` / ``class_weight``.
            run_eagerly: If True, steps run eagerly (Python, op by op); by default they are
                traced once per batch shape into optimised graphs and replayed.
            jit_compile: Accepted for compatibility (traced graphs are always optimised).
            steps_per_execution: Accepted for compatibility; callbacks see every batch.
            auto_scale_loss: If True and the model's dtype policy is ``"mixed_float16"``, the
                optimizer is wrapped in a ``keras.mixed_precision.LossScaleOptimizer``.
        """
        from tensorflux.keras import optimizers as optimizers_module
        from tensorflux.keras.metrics.reduction_metrics import Mean
        from tensorflux.keras.trainers.compile_utils import CompileLoss, CompileMetrics

        self.optimizer = None if optimizer is None else optimizers_module.get(optimizer)
        policy = getattr(getattr(self, "_dtype_policy", None), "name", None)  # None: a bare Trainer
        if auto_scale_loss and self.optimizer is not None and policy == "mixed_float16":
            from tensorflux.keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

            if not isinstance(self.optimizer, LossScaleOptimizer):  # as Keras 3: float16 gradients underflow
                self.optimizer = LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
        output_names = getattr(self, "output_names", None)
        self._compile_loss = (
            CompileLoss(loss, loss_weights, output_names=output_names) if loss is not None else None
        )
        self.loss = loss
        self._compile_metrics = (
            CompileMetrics(metrics, weighted_metrics, output_names=output_names)
            if metrics is not None or weighted_metrics is not None
            else None
        )
        self._run_eagerly = bool(run_eagerly)
        self._jit_compile = False if run_eagerly or jit_compile == "auto" else bool(jit_compile)
        self.__dict__.pop("_step_functions", None)  # new optimizer, loss or metrics: trace again
        self.stop_training = False
        self.compiled = True
        self._loss_tracker = Mean(name="loss")
        self.steps_per_execution = steps_per_execution
        self._compile_config = {
            "optimizer": optimizer,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }

    @property
    def run_eagerly(self) -> bool:
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = bool(value)

    @property
    def jit_compile(self) -> bool:
        return bool(self._jit_compile)

    @jit_compile.setter
    def jit_compile(self, value: Any) -> None:
        self._jit_compile = value

    def get_compile_config(self) -> dict[str, Any] | None:
        """The arguments ``compile`` was called with (objects serialized), for saving."""
        if not self.compiled or self._compile_config is None:
            return None
        from tensorflux.keras import losses, metrics, optimizers

        def ser(v: Any, module: Any) -> Any:
            if v is None or isinstance(v, (str, int, float, bool)):
                return v
            if isinstance(v, dict):
                return {k: ser(x, module) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [ser(x, module) for x in v]
            return module.serialize(v)

        c = dict(self._compile_config)
        if c["optimizer"] is not None and not isinstance(c["optimizer"], str):
            c["optimizer"] = optimizers.serialize(c["optimizer"])
        c["loss"] = ser(c["loss"], losses)
        c["metrics"] = ser(c["metrics"], metrics)
        c["weighted_metrics"] = ser(c["weighted_metrics"], metrics)
        return c

    def compile_from_config(self, config: dict[str, Any]) -> None:
        """Compile from ``get_compile_config()``'s output (used when loading a saved model)."""
        if type(self).compile is not Trainer.compile:
            warnings.warn(
                "`compile()` was not called as part of model loading because the model's `compile()` "
                "method is "
                "custom. All subclassed Models that have `compile()` overridden should also override "
                "`get_compile_config()` and `compile_from_config(config)`. Alternatively, you can call "
                "`compile()` "
                "manually after loading.",
                stacklevel=2,
            )
            return
        from tensorflux.keras import losses, metrics, optimizers

        def de(v: Any, module: Any) -> Any:
            if isinstance(v, dict) and "class_name" in v:
                return module.deserialize(v)
            if isinstance(v, dict):
                return {k: de(x, module) for k, x in v.items()}
            if isinstance(v, list):
                return [de(x, module) for x in v]
            return v

        config = dict(config)
        opt = config.get("optimizer")
        if isinstance(opt, dict) and opt.get("class_name") == "LossScaleOptimizer":
            from tensorflux.keras.mixed_precision.loss_scale_optimizer import LossScaleOptimizer

            config["optimizer"] = LossScaleOptimizer.from_config(opt.get("config", {}))
        elif isinstance(opt, dict):
            config["optimizer"] = optimizers.deserialize(opt)
        config["loss"] = de(config.get("loss"), losses)
        config["metrics"] = de(config.get("metrics"), metrics)
        config["weighted_metrics"] = de(config.get("weighted_metrics"), metrics)
        self.compile(**config)
        if self.optimizer is not None and getattr(self, "built", False):
            self.optimizer.build(self.trainable_variables)

    # -- metrics --------------------------------------------------------------------------------
    @property
    def metrics(self) -> list[Any]:
        """Loss tracker, compiled metrics, per-output loss trackers, then metrics set as attributes."""
        out: list[Any] = []
        if self.compiled:
            if self._loss_tracker is not None:
                out.append(self._loss_tracker)
            if self._compile_metrics is not None:
                out.append(self._compile_metrics)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        out.extend(self._attribute_metrics())
        return out

    def _attribute_metrics(self) -> list[Any]:
        from tensorflux.keras.metrics.metric import Metric

        found = []
        for k, v in vars(self).items():
            if k in ("_loss_tracker", "_compile_metrics"):
                continue
            if isinstance(v, Metric):
                found.append(v)
            elif isinstance(v, (list, tuple)) and v and all(isinstance(m, Metric) for m in v):
                found.extend(v)
        return found

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict[str, Any]:
        """``{name: value}`` for every metric in ``self.metrics`` (dict results are merged in)."""
        out: dict[str, Any] = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                out.update(r)
            else:
                out[m.name] = r
        return out

    def _get_metrics_result_or_logs(self, logs: Any) -> Any:
        """The metrics' current values when ``logs`` came from them; else ``logs`` (a custom step's)."""
        results = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) == set(results):
            return results
        return logs

    def _flatten_metrics_in_order(self, logs: dict[str, Any]) -> Any:
        names: list[str] = []
        for m in self.metrics:
            sub = getattr(m, "_sub_metrics", None)
            if callable(sub):
                names.extend(x.name for x in sub())
            else:
                names.append(m.name)
        results = [logs[n] for n in names if n in logs]
        results.extend(logs[k] for k in sorted(logs) if k not in names)
        return results[0] if len(results) == 1 else results

    # -- the steps --------------------------------------------------------------------------------
    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Tensor:
        """The compiled loss of ``y`` and ``y_pred`` plus the model's own losses (regularizers, add_loss)."""
        total: Any = None
        if self._compile_loss is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        for extra in getattr(self, "losses", None) or ():
            t = extra if isinstance(extra, Tensor) else convert_to_tensor(extra)
            if t._value.dtype.kind != "f":
                t = P.unary(P.cast, t, dtype=np.dtype("float32"))
            if t._value.ndim:
                t = P.unary(P.reduce_sum, t, axis=None, keepdims=False)
            total = t if total is None else total + t
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total  # type: ignore[no-any-return]

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, Any]:
        """Update the compiled metrics with this batch and return every metric's value."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data: Any) -> dict[str, Any]:
        """One training step on ``data``: the batch as ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
        x, y, sample_weight = U.unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
            if self.optimizer is not None:
                loss = self.optimizer.scale_loss(loss)
        variables = self.trainable_variables
        if variables:
            if self.optimizer is None:
                raise ValueError(
                    "The model was compiled without an optimizer: pass `optimizer=` to `compile()`."
                )
            grads = tape.gradient(loss, variables)
            self.optimizer.apply_gradients(zip(grads, variables))
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data: Any) -> dict[str, Any]:
        """One step of evaluation: forward pass in inference mode, loss and metrics."""
        x, y, sample_weight = U.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data: Any) -> Any:
        """One step of inference: the model's outputs for the batch's inputs."""
        x, _, _ = U.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def make_train_function(self, force: bool = False) -> Any:
        """The function ``fit`` calls per batch: the traced ``train_step`` (eager with ``run_eagerly``)."""
        return self._step_function("train", force)

    def make_test_function(self, force: bool = False) -> Any:
        return self._step_function("test", force)

    def make_predict_function(self, force: bool = False) -> Any:
        return self._step_function("predict", force)

    def _step_function(self, kind: str, force: bool = False) -> Any:
        from tensorflux.framework.config import _state as config_state

        if self._run_eagerly or config_state.get("run_functions_eagerly"):
            return getattr(self, f"{kind}_step")
        steps = self.__dict__.setdefault("_step_functions", {})
        step = None if force else steps.get(kind)
        if step is None:
            from tensorflux.keras.trainers.traced_steps import TracedStep

            step = steps[kind] = TracedStep(self, kind)
        return step

    def _assert_compile_called(self, method_name: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before `{method_name}()`: e.g. "
                "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
                "metrics=['accuracy'])."
            )

    @staticmethod
    def _should_eval(epoch: int, validation_freq: Any) -> bool:
        epoch += 1
        if isinstance(validation_freq, int):
            return epoch % validation_freq == 0
        if isinstance(validation_freq, (list, tuple, set)):
            return epoch in validation_freq
        raise ValueError(
            "Expected `validation_freq` to be a list or int. Received: "
            f"validation_freq={validation_freq} of the type {type(validation_freq)}."
        )

    # -- fit / evaluate / predict -----------------------------------------------------------------
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: Any = True,
        class_weight: Any = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: Any = 1,
    ) -> Any:
        """Train for ``epochs`` epochs; returns the ``History`` (also ``model.history``).

        ``x`` may be arrays (or lists/dicts of them), a ``keras.utils.PyDataset``, a
        ``tensorflux.data.Dataset`` or a Python generator yielding ``(x, y[, sample_weight])``.
        ``validation_split`` holds out the last fraction of the arrays (before shuffling).
        """
        self._assert_compile_called("fit")
        from tensorflux.keras.config import max_epochs

        cap = max_epochs()  # keras.config.set_max_epochs: a cap for quick debugging runs
        if cap and cap < epochs:
            warnings.warn(f"Limiting epochs to {cap}", stacklevel=2)
            epochs = cap
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = U.train_validation_split(
                (x, y, sample_weight), validation_split=validation_split
            )
        val_x = val_y = val_sw = None
        if validation_data is not None:
            val_x, val_y, val_sw = U.unpack_x_y_sample_weight(validation_data)
        iterator = EpochIterator(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        cbks = _callbacks_module()
        if not isinstance(callbacks, cbks.CallbackList):
            callbacks = cbks.CallbackList(
                callbacks,
                add_history=True,
                add_progbar=verbose != 0,
                verbose=verbose,
                epochs=epochs,
                steps=iterator.num_batches,
                model=self,
            )
        self.stop_training = False
        self._eval_epoch_iterator = None
        from tensorflux.keras.mixed_precision.loss_scale_optimizer import quiet_overflow

        train_step = quiet_overflow(self.optimizer, self.make_train_function())
        begin_hooks = callbacks.has_batch_hooks("on_train_batch_begin")
        end_hooks = callbacks.has_batch_hooks("on_train_batch_end")
        callbacks.on_train_begin()
        training_logs = None
        logs: Any = {}
        initial_epoch = self._initial_epoch or initial_epoch
        self._initial_epoch = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            for step, data in iterator.enumerate_epoch(epoch):
                if begin_hooks:
                    callbacks.on_train_batch_begin(step)
                logs = train_step(data)
                if end_hooks:
                    callbacks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if iterator.exhausted:
                break
            epoch_logs = dict(self._get_metrics_result_or_logs(logs))
            if validation_data is not None and self._should_eval(epoch, validation_freq):
                if self._eval_epoch_iterator is None:
                    self._eval_epoch_iterator = EpochIterator(
                        val_x,
                        val_y,
                        val_sw,
                        batch_size=validation_batch_size or batch_size,
                        steps_per_epoch=validation_steps,
                        shuffle=False,
                    )
                val_logs = self.evaluate(
                    val_x,
                    val_y,
                    sample_weight=val_sw,
                    batch_size=validation_batch_size or batch_size,
                    steps=validation_steps,
                    callbacks=callbacks,
                    return_dict=True,
                    _use_cached_eval_dataset=True,
                )
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        if self.optimizer is not None and epochs > 0 and hasattr(self.optimizer, "finalize_variable_values"):
            self.optimizer.finalize_variable_values(self.trainable_variables)
        self._eval_epoch_iterator = None
        callbacks.on_train_end(logs=training_logs)
        return self.history

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: Any = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Any = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Loss and metrics on the data, in inference mode: a scalar, a list, or a dict (``return_dict``)."""
        self._assert_compile_called("evaluate")
        use_cached = kwargs.pop("_use_cached_eval_dataset", False)
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        if use_cached and self._eval_epoch_iterator is not None:
            iterator = self._eval_epoch_iterator
            iterator.reset()
        else:
            iterator = EpochIterator(
                x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps, shuffle=False
            )
        cbks = _callbacks_module()
        if not isinstance(callbacks, cbks.CallbackList):
            callbacks = cbks.CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                verbose=verbose,
                epochs=1,
                steps=iterator.num_batches,
                model=self,
            )
        test_step = self.make_test_function()
        begin_hooks = callbacks.has_batch_hooks("on_test_batch_begin")
        end_hooks = callbacks.has_batch_hooks("on_test_batch_end")
        self.stop_evaluating = False
        callbacks.on_test_begin()
        logs: Any = {}
        self.reset_metrics()
        for step, data in iterator.enumerate_epoch():
            if begin_hooks:
                callbacks.on_test_batch_begin(step)
            logs = test_step(data)
            if end_hooks:
                callbacks.on_test_batch_end(step, logs)
            if self.stop_evaluating:
                break
        from tensorflux.keras.callbacks.callback_list import pythonify_logs

        logs = pythonify_logs(self._get_metrics_result_or_logs(logs))
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: Any = "auto",
        steps: int | None = None,
        callbacks: Any = None,
    ) -> Any:
        """The model's outputs for ``x`` as NumPy arrays, computed batch by batch in inference mode.

        A single array no larger than one batch goes straight to ``predict_step``: no data
        pipeline, so predicting one sample costs about what calling the model does.
        """
        if (
            callbacks is None
            and steps is None
            and isinstance(x, (np.ndarray, Tensor))
            and x.ndim >= 1
            and x.shape[0] <= (batch_size or 32)
        ):
            return self._predict_small(x, verbose)
        iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps, shuffle=False)
        cbks = _callbacks_module()
        if not isinstance(callbacks, cbks.CallbackList):
            callbacks = cbks.CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                verbose=verbose,
                epochs=1,
                steps=iterator.num_batches,
                model=self,
            )
        predict_step = self.make_predict_function()
        begin_hooks = callbacks.has_batch_hooks("on_predict_batch_begin")
        end_hooks = callbacks.has_batch_hooks("on_predict_batch_end")
        self.stop_predicting = False
        callbacks.on_predict_begin()
        outputs: list[Any] = []
        for step, data in iterator.enumerate_epoch():
            if begin_hooks:
                callbacks.on_predict_batch_begin(step)
            batch_out = predict_step(data)
            outputs.append(_to_numpy(batch_out))
            if end_hooks:
                callbacks.on_predict_batch_end(step, {"outputs": batch_out})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        if not outputs:
            raise ValueError(
                "Unexpected result of `predict_function` (Empty batch_outputs). Please use "
                "`Model.compile(..., "
                "run_eagerly=True)`, or `tf.config.run_functions_eagerly(True)` for more information of "
                "where went "
                "wrong, or file a issue/bug to `tf.keras`."
            )
        return _concat_outputs(outputs)

    def _predict_small(self, x: Any, verbose: Any) -> Any:
        bar = None
        if verbose != 0:
            from tensorflux.keras.utils.progbar import Progbar

            bar = Progbar(target=1, verbose=1 if verbose == "auto" else verbose)
        t = x if isinstance(x, Tensor) else convert_to_tensor(U.to_host_array(x))
        out = _to_numpy(self.make_predict_function()((t,)))
        if bar is not None:
            bar.update(1, finalize=True)
        return out

    # -- single batches -------------------------------------------------------------------------
    def _batch_data(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None) -> Any:
        from tensorflux.keras.trainers.data_adapters import _tensorize

        if class_weight is not None:
            if y is None or len(nest.flatten(y)) != 1:
                raise ValueError(
                    "`class_weight` is only supported for models with a single output and needs `y`."
                )
            cw = U.class_weight_to_sample_weights(U.to_host_array(nest.flatten(y)[0]), class_weight)
            sample_weight = cw if sample_weight is None else U.to_host_array(sample_weight) * cw
        return _tensorize(U.pack_x_y_sample_weight(x, y, sample_weight))

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: Any = None,
        return_dict: bool = False,
    ) -> Any:
        """One gradient update on one batch; returns its loss and metrics (reset first, as Keras 3)."""
        self._assert_compile_called("train_on_batch")
        from tensorflux.keras.mixed_precision.loss_scale_optimizer import quiet_overflow

        step = quiet_overflow(self.optimizer, self.make_train_function())
        self.reset_metrics()
        logs = step(self._batch_data(x, y, sample_weight, class_weight))
        from tensorflux.keras.callbacks.callback_list import pythonify_logs

        logs = pythonify_logs(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
    ) -> Any:
        """Loss and metrics of one batch, in inference mode (metrics reset first, as Keras 3)."""
        self._assert_compile_called("test_on_batch")
        step = self.make_test_function()
        self.reset_metrics()
        logs = step(self._batch_data(x, y, sample_weight))
        from tensorflux.keras.callbacks.callback_list import pythonify_logs

        logs = pythonify_logs(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs for one batch, as NumPy arrays."""
        return _to_numpy(self.make_predict_function()(self._batch_data(x)))
