"""``Distiller``: a Model that trains a student from a frozen teacher."""

from __future__ import annotations

from typing import Any

from tensorflux.keras import ops, tree
from tensorflux.keras.distillation.distillation_loss import _to_loss
from tensorflux.keras.metrics.reduction_metrics import Mean
from tensorflux.keras.models.model import Model
from tensorflux.keras.utils.serialization import (
    deserialize_keras_object,
    register_keras_serializable,
    serialize_keras_object,
)

_FINAL = "final_output"


@register_keras_serializable(package="keras.distillation")
class Distiller(Model):
    """Train ``student`` on a weighted sum of its own loss and distillation losses against ``teacher``.

    The loss is ``student_loss_weight * student_loss + (1 - student_loss_weight) * sum_i w_i * d_i``
    where ``student_loss`` is the compiled loss on the labels and ``d_i`` the distillation losses
    (weighted by ``distillation_loss_weights``). The teacher is frozen; ``call`` runs the student.

    Args:
        teacher: A trained ``keras.Model``; frozen (``trainable = False``).
        student: The ``keras.Model`` to train.
        distillation_losses: One distillation loss or a list of them.
        distillation_loss_weights: A weight per distillation loss; ``None``: all 1.0.
        student_loss_weight: Weight of the student's supervised loss, in [0, 1]. Defaults to 0.5.
        name: The model's name. Defaults to ``"distiller"``.
        **kwargs: Passed to ``Model``.

    >>> from tensorflux import keras
    >>> def mlp(units):
    ...     return keras.Sequential([keras.Input((4,)), keras.layers.Dense(units), keras.layers.Dense(3)])
    >>> d = Distiller(mlp(8), mlp(2), keras.distillation.LogitsDistillation(temperature=3.0))
    >>> d.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    >>> d.student.trainable, d.teacher.trainable
    (True, False)
    """

    def __init__(
        self,
        teacher: Any,
        student: Any,
        distillation_losses: Any,
        distillation_loss_weights: Any = None,
        student_loss_weight: float = 0.5,
        name: str = "distiller",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        _check_models(teacher, student)
        self.teacher = teacher
        self.student = student
        if isinstance(student_loss_weight, bool) or not isinstance(student_loss_weight, (int, float)):
            raise ValueError(f"student_loss_weight must be a number, got {type(student_loss_weight)}")
        if not 0.0 <= student_loss_weight <= 1.0:
            raise ValueError(f"student_loss_weight must be between 0.0 and 1.0, got {student_loss_weight}")
        self.student_loss_weight = student_loss_weight
        if distillation_losses is None:
            raise ValueError(
                "'distillation_losses' cannot be `None`. Provide a distillation loss (e.g., "
                "LogitsDistillation or FeatureDistillation) or a list of distillation losses."
            )
        if not isinstance(distillation_losses, (list, tuple)):
            # As Keras: a single loss always gets weight 1.0
            distillation_losses, distillation_loss_weights = [distillation_losses], [1.0]
        elif distillation_loss_weights is None:
            distillation_loss_weights = [1.0] * len(distillation_losses)
        elif len(distillation_loss_weights) != len(distillation_losses):
            raise ValueError(
                f"Number of distillation_loss_weights ({len(distillation_loss_weights)}) must match "
                f"number of distillation_losses ({len(distillation_losses)})"
            )
        self.distillation_losses = list(distillation_losses)
        self.distillation_loss_weights = list(distillation_loss_weights)
        for d in self.distillation_losses:
            d.validate_model_compatibility(teacher, student)
        self._teacher_feature_extractor = _feature_extractor(teacher, self._layer_names("teacher"))
        self._student_feature_extractor = _feature_extractor(student, self._layer_names("student"))
        self.teacher.trainable = False
        self.student_loss_tracker = Mean(name="student_loss")
        self.distillation_loss_tracker = Mean(name="distillation_loss")
        self.total_loss_tracker = Mean(name="total_loss")

    def _layer_names(self, role: str) -> list[str]:
        names: list[str] = []
        for d in self.distillation_losses:
            n = getattr(d, f"{role}_layer_name", None)
            if n and n not in names:
                names.append(n)
        return names

    def compile(  # type: ignore[override]  # Keras' Distiller.compile signature
        self, optimizer: Any = "adam", loss: Any = None, metrics: Any = None, **kwargs: Any
    ) -> None:
        """Compile for training the student: ``loss`` is the student's supervised loss (required)."""
        if loss is None:
            raise ValueError("'loss' cannot be `None`.")
        self._student_loss = tree.map_structure(_to_loss, loss)
        self._student_loss_for_serialization = loss
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"metrics must be a list or tuple, got {type(metrics)}")
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def call(self, inputs: Any, training: Any = None, **kwargs: Any) -> Any:
        """The student's predictions."""
        return self.student(inputs, training=training, **kwargs)

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Any:
        """The weighted student + distillation loss (``sample_weight`` is unused, as in Keras)."""
        if y_pred is None:
            y_pred = self(x, training=training)
        student_loss: Any = ops.convert_to_tensor(0.0, dtype="float32")
        if self.student_loss_weight > 0.0 and y is not None:
            flat = tree.flatten(tree.map_structure(lambda fn, t, p: fn(t, p), self._student_loss, y, y_pred))
            student_loss = ops.sum(ops.stack(flat)) if len(flat) > 1 else flat[0]
            if len(getattr(student_loss, "shape", ())) > 0:
                student_loss = ops.mean(student_loss)
        distillation_loss: Any = ops.convert_to_tensor(0.0, dtype="float32")
        if self.student_loss_weight < 1.0:
            teacher_features = self._teacher_features(x)
            student_features = self._student_features(x, y_pred)
            for d, weight in zip(self.distillation_losses, self.distillation_loss_weights):
                if getattr(d, "teacher_layer_name", None) is not None:
                    t_out = _pick(teacher_features, d.teacher_layer_name or _FINAL, d)
                    s_out = _pick(student_features, d.student_layer_name or _FINAL, d)
                else:
                    t_out, s_out = teacher_features[_FINAL], y_pred
                d.validate_outputs(t_out, s_out)
                value = d.compute_loss(t_out, s_out)
                if len(getattr(value, "shape", ())) > 0:
                    raise ValueError(
                        f"Distillation loss {type(d).__name__} returned a non-scalar loss with shape "
                        f"{value.shape}. The compute_loss method must return a scalar tensor."
                    )
                distillation_loss = distillation_loss + float(weight) * value
        w = float(self.student_loss_weight)
        total = w * student_loss + (1.0 - w) * distillation_loss
        self.student_loss_tracker.update_state(student_loss)
        self.distillation_loss_tracker.update_state(distillation_loss)
        self.total_loss_tracker.update_state(total)
        return total

    def _teacher_features(self, x: Any) -> dict[str, Any]:
        if self._teacher_feature_extractor is not None:
            return self._teacher_feature_extractor(x, training=False)  # type: ignore[no-any-return]
        return {_FINAL: self.teacher(x, training=False)}

    def _student_features(self, x: Any, y_pred: Any) -> dict[str, Any]:
        if self._student_feature_extractor is not None:
            return self._student_feature_extractor(x, training=True)  # type: ignore[no-any-return]
        return {_FINAL: y_pred}

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "teacher": serialize_keras_object(self.teacher),
                "student": serialize_keras_object(self.student),
                "distillation_losses": [serialize_keras_object(d) for d in self.distillation_losses],
                "distillation_loss_weights": self.distillation_loss_weights,
                "student_loss_weight": self.student_loss_weight,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Distiller:
        config = dict(config)
        for key in ("teacher", "student"):
            config[key] = deserialize_keras_object(config[key], custom_objects=custom_objects)
        config["distillation_losses"] = [
            deserialize_keras_object(d, custom_objects=custom_objects) for d in config["distillation_losses"]
        ]
        return cls(**config)


def _check_models(teacher: Any, student: Any) -> None:
    for role, m in (("Teacher", teacher), ("Student", student)):
        if not isinstance(m, Model):
            raise ValueError(f"{role} must be a keras.Model, got {type(m)}")
    pairs = []
    for attr in ("inputs", "outputs"):
        t, s = _symbolic(teacher, attr), _symbolic(student, attr)
        if t is not None and s is not None:
            pairs.append((attr[:-1], t, s))
    for context, t, s in pairs:
        tree.map_structure(lambda a, b, c=context: _same_shape(tuple(a.shape), tuple(b.shape), c), t, s)
    for context, t, s in pairs:
        tree.map_structure(lambda a, b, c=context: _same_dtype(a.dtype, b.dtype, c), t, s)


def _symbolic(model: Any, attr: str) -> Any:
    try:
        return getattr(model, attr, None)
    except (AttributeError, ValueError):  # a subclassed model has no symbolic inputs/outputs
        return None


def _same_shape(shape1: tuple[Any, ...], shape2: tuple[Any, ...], context: str) -> None:
    if len(shape1) != len(shape2):
        raise ValueError(
            f"Teacher and student {context} shapes have different dimensions. "
            f"Teacher: {shape1}, Student: {shape2}."
        )
    for a, b in zip(shape1, shape2):
        if a is not None and b is not None and a != b:
            raise ValueError(
                f"Teacher and student {context} shapes are incompatible. Teacher: {shape1}, "
                f"Student: {shape2}. All dimensions must match."
            )


def _same_dtype(dtype1: Any, dtype2: Any, context: str) -> None:
    if dtype1 != dtype2:
        raise ValueError(
            f"Teacher and student {context} dtypes must match. Teacher: {dtype1}, Student: {dtype2}."
        )


def _feature_extractor(model: Any, layer_names: list[str]) -> Any:
    """One functional model giving the final output and each named layer's output in one pass."""
    if not layer_names:
        return None
    inputs = _symbolic(model, "inputs")
    if inputs is None:
        raise ValueError(
            f"Cannot create feature extractor for {model.name}. The model has no symbolic inputs attribute."
        )
    from tensorflux.keras.models.sequential import Sequential

    final = model.layers[-1].output if isinstance(model, Sequential) else model.output
    outputs = {_FINAL: final}
    for n in layer_names:
        outputs[n] = model.get_layer(name=n).output
    return Model(inputs=inputs, outputs=outputs, name=f"{model.name}_multi_feature_extractor")


def _pick(features: dict[str, Any], layer_name: str, d: Any) -> Any:
    if layer_name not in features:
        raise RuntimeError(
            f"Failed to extract features for {type(d).__name__} targeting teacher layer "
            f"'{d.teacher_layer_name}' and student layer '{d.student_layer_name}'. Original error: "
            f"Layer '{layer_name}' not found in extracted features. Available: {list(features)}"
        )
    return features[layer_name]
