"""Distillation losses: how a student's outputs (or features) are pulled towards the teacher's."""

from __future__ import annotations

from typing import Any

from tensorflux.keras import losses as _losses
from tensorflux.keras import ops, tree
from tensorflux.keras.utils.serialization import register_keras_serializable


def _to_loss(item: Any) -> Any:
    """A loss name becomes the loss Keras' ``losses.get`` returns (the function for a snake-case name)."""
    if item is None or not isinstance(item, str):
        return item
    fn = _losses.get(item)
    if fn is None:
        raise ValueError(f"Unknown loss function: '{item}'.")
    return fn


def _sum_of_losses(values: Any) -> Any:
    flat = [ops.convert_to_tensor(v, dtype="float32") for v in tree.flatten(values)]
    return ops.sum(ops.stack(flat))


class DistillationLoss:
    """Base class of distillation losses: subclass it and override ``compute_loss``.

    >>> class L2(DistillationLoss):
    ...     def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
    ...         return ops.mean(ops.square(teacher_outputs - student_outputs))
    >>> float(L2().compute_loss(ops.ones((2,)), ops.zeros((2,))))
    1.0
    """

    def compute_loss(self, teacher_outputs: Any, student_outputs: Any, **kwargs: Any) -> Any:
        """The scalar loss between the teacher's and the student's outputs."""
        raise NotImplementedError("Subclasses must implement compute_loss")

    def validate_outputs(self, teacher_outputs: Any, student_outputs: Any) -> None:
        """Raise ValueError when the teacher's and student's outputs differ in structure."""
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher: Any, student: Any) -> None:
        """Raise ValueError when this loss cannot be used with these models (the base accepts all)."""


@register_keras_serializable(package="keras.distillation")
class FeatureDistillation(DistillationLoss):
    """Match the features of a teacher layer and a student layer (the final outputs by default).

    Args:
        loss: A loss name (``"mse"``, ``"cosine_similarity"``, ...), a loss, or a nested structure
            of them matching the features (``None`` entries are skipped). Defaults to ``"mse"``.
        teacher_layer_name: Name of the teacher layer whose output is matched; ``None``: final output.
        student_layer_name: Name of the student layer whose output is matched; ``None``: final output.

    >>> d = FeatureDistillation(loss="mse")
    >>> float(d.compute_loss(ops.ones((2, 3)), ops.zeros((2, 3))))
    1.0
    """

    def __init__(
        self, loss: Any = "mse", teacher_layer_name: str | None = None, student_layer_name: str | None = None
    ) -> None:
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = tree.map_structure(_to_loss, loss)
        if all(item is None for item in tree.flatten(self.loss)):
            raise ValueError(
                "The `loss` argument in `FeatureDistillation` must contain at least one non-`None` value."
            )

    def validate_model_compatibility(self, teacher: Any, student: Any) -> None:
        if self.teacher_layer_name is not None or self.student_layer_name is not None:
            subclassed = [
                role
                for role, m in (("teacher", teacher), ("student", student))
                if _symbolic_inputs(m) is None
            ]
            if subclassed:
                raise ValueError(
                    "FeatureDistillation with specific layer names requires Functional or Sequential "
                    f"models. The {' and '.join(subclassed)} model(s) appear to be subclassed (no symbolic "
                    "inputs/outputs). Either use Functional/Sequential models, or use FeatureDistillation "
                    "without layer names (to distill final outputs only), or use LogitsDistillation instead."
                )
        for role, model, name in (
            ("teacher", teacher, self.teacher_layer_name),
            ("student", student, self.student_layer_name),
        ):
            if name is not None:
                try:
                    model.get_layer(name=name)
                except ValueError as e:
                    raise ValueError(f"In {role} model: {e}") from None

    def validate_outputs(self, teacher_outputs: Any, student_outputs: Any) -> None:
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except (ValueError, TypeError) as e:
            raise ValueError(
                f"Loss structure mismatch. Loss structure: {_structure(self.loss)}, "
                f"Output structure: {_structure(teacher_outputs)}. Error: {e}"
            ) from None

    def compute_loss(self, teacher_outputs: Any, student_outputs: Any, **kwargs: Any) -> Any:
        """The sum over features of the mean of each loss (teacher features are the targets)."""

        def one(fn: Any, t: Any, s: Any) -> Any:
            return 0.0 if fn is None else ops.mean(fn(t, s))

        return _sum_of_losses(tree.map_structure(one, self.loss, teacher_outputs, student_outputs))

    def get_config(self) -> dict[str, Any]:
        return {
            "loss": _losses.serialize(self.loss),
            "teacher_layer_name": self.teacher_layer_name,
            "student_layer_name": self.student_layer_name,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> FeatureDistillation:
        config = dict(config)
        config["loss"] = _deserialize_losses(config["loss"])
        return cls(**config)


@register_keras_serializable(package="keras.distillation")
class LogitsDistillation(DistillationLoss):
    """Match temperature-softened logits of the teacher and the student.

    Both logits are divided by ``temperature``. A ``keras.losses.KLDivergence`` instance compares the
    softmax of the scaled logits and is multiplied by ``temperature**2`` (Hinton et al.); any other loss,
    the default name ``"kl_divergence"`` included (it resolves to the loss function, as in Keras), gets
    the scaled logits themselves.

    Args:
        temperature: Positive softening temperature. Defaults to 3.0.
        loss: A loss name, a loss, or a nested structure of them matching the outputs (``None``
            entries are skipped). Defaults to ``"kl_divergence"``.

    >>> float(LogitsDistillation().compute_loss(ops.ones((2, 3)), ops.ones((2, 3))))
    0.0
    """

    def __init__(self, temperature: float = 3.0, loss: Any = "kl_divergence") -> None:
        self.temperature = temperature
        self.loss = tree.map_structure(_to_loss, loss)
        if all(item is None for item in tree.flatten(self.loss)):
            raise ValueError("At least one loss must be non-`None`.")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"temperature must be a number, got {type(temperature)}")
        if temperature <= 0.0:
            raise ValueError(f"temperature must be positive. Received: temperature={temperature}")

    def compute_loss(self, teacher_outputs: Any, student_outputs: Any, **kwargs: Any) -> Any:
        """The sum over outputs of each loss on the temperature-scaled logits."""
        temp = float(self.temperature)

        def one(fn: Any, t: Any, s: Any) -> Any:
            if fn is None:
                return 0.0
            t, s = ops.divide(t, temp), ops.divide(s, temp)
            if isinstance(fn, _losses.KLDivergence):
                value = ops.mean(fn(ops.softmax(t, axis=-1), ops.softmax(s, axis=-1)))
                return value * (temp * temp)
            return ops.mean(fn(t, s))

        return _sum_of_losses(tree.map_structure(one, self.loss, teacher_outputs, student_outputs))

    def get_config(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "loss": _losses.serialize(self.loss)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LogitsDistillation:
        config = dict(config)
        config["loss"] = _deserialize_losses(config["loss"])
        return cls(**config)


def _deserialize_losses(config: Any) -> Any:
    if isinstance(config, (list, tuple)):
        return [_deserialize_losses(c) for c in config]
    if config is None:
        return None
    return _losses.deserialize(config)


def _symbolic_inputs(model: Any) -> Any:
    try:
        return getattr(model, "inputs", None)
    except (AttributeError, ValueError):
        return None


def _structure(x: Any) -> Any:
    return tree.map_structure(lambda _: "*", x) if tree.is_nested(x) else "*"
