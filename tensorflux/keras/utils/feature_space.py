"""FeatureSpace: one object that preprocesses and encodes a dict of structured-data columns.

Each feature is a preprocessing layer (Normalization, Discretization, IntegerLookup, StringLookup,
Hashing, ...) chosen by a type name or a constructor (``FeatureSpace.integer_categorical()``);
crosses hash pairs of preprocessed categorical features (HashedCrossing); categorical results are
one-hot encoded (CategoryEncoding) and, in ``"concat"`` mode, joined into one float32 vector.

tensorflux tensors have no string dtype, so string columns stay NumPy arrays on the host until
their lookup layer turns them into integer ids, exactly as StringLookup and Hashing take them.
A FeatureSpace therefore runs eagerly, typically in a ``tensorflux.data`` pipeline
(``ds.map(lambda x, y: (feature_space(x), y))``), and its numeric output feeds a Keras model.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.engine.naming import auto_name
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.preprocessing.category_encoding import CategoryEncoding
from tensorflux.keras.layers.preprocessing.discretization import Discretization
from tensorflux.keras.layers.preprocessing.hashed_crossing import HashedCrossing
from tensorflux.keras.layers.preprocessing.hashing import Hashing
from tensorflux.keras.layers.preprocessing.index_lookup import IndexLookup
from tensorflux.keras.layers.preprocessing.integer_lookup import IntegerLookup
from tensorflux.keras.layers.preprocessing.normalization import Normalization
from tensorflux.keras.layers.preprocessing.rescaling import Rescaling
from tensorflux.keras.layers.preprocessing.string_lookup import StringLookup
from tensorflux.keras.utils import serialization
from tensorflux.ops import array_ops

_TYPES = (
    "float",
    "float_normalized",
    "float_rescaled",
    "float_discretized",
    "integer_categorical",
    "string_categorical",
    "integer_hashed",
    "string_hashed",
)


class TFDIdentity(Layer):
    """The preprocessor of ``FeatureSpace.float()``: values pass through, as float32."""

    def call(self, inputs: Tensor) -> Tensor:
        return inputs if inputs.dtype.name == "float32" else array_ops.cast(inputs, "float32")

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)


# Where Keras writes Feature, Cross and TFDIdentity in configs; written the same way here.
_KERAS_MODULE = "keras.src.layers.preprocessing.feature_space"


def _serialize(obj: Any) -> Any:
    if isinstance(obj, (Feature, Cross, TFDIdentity)):
        name = type(obj).__name__
        return {
            "module": _KERAS_MODULE,
            "class_name": name,
            "config": obj.get_config(),
            "registered_name": name,
        }
    return serialization.serialize_keras_object(obj)


def _deserialize(config: dict[str, Any]) -> Any:
    # the classes of this module resolve by name, without importing the module a config names
    objects = {"Feature": Feature, "Cross": Cross, "TFDIdentity": TFDIdentity}
    return serialization.deserialize_keras_object(config, module_objects=objects)


class Cross:
    """A cross of categorical features, hashed into ``crossing_dim`` bins (see ``FeatureSpace.cross``)."""

    def __init__(self, feature_names: Any, crossing_dim: int, output_mode: str = "one_hot") -> None:
        if output_mode not in ("int", "one_hot"):
            raise ValueError(
                "FeatureSpace.cross: invalid value for argument `output_mode`. Expected one of "
                f"{{'int', 'one_hot'}}. Received: output_mode={output_mode!r}"
            )
        self.feature_names = tuple(feature_names)
        if len(self.feature_names) < 2:
            raise ValueError(
                "FeatureSpace.cross needs at least two feature names. "
                f"Received: feature_names={feature_names!r}"
            )
        if (
            isinstance(crossing_dim, bool)
            or not isinstance(crossing_dim, (int, np.integer))
            or crossing_dim < 1
        ):
            raise ValueError(
                f"FeatureSpace.cross: `crossing_dim` must be a positive integer. Received: "
                f"crossing_dim={crossing_dim!r}"
            )
        self.crossing_dim = int(crossing_dim)
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self) -> dict[str, Any]:
        return {
            "feature_names": list(self.feature_names),
            "crossing_dim": self.crossing_dim,
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Cross:
        return cls(**config)


class Feature:
    """One feature: its input dtype, its preprocessing layer and how its result is encoded."""

    def __init__(self, dtype: str, preprocessor: Any, output_mode: str) -> None:
        if output_mode not in ("int", "one_hot", "float"):
            raise ValueError(
                "FeatureSpace.feature: invalid value for argument `output_mode`. Expected one of "
                f"{{'int', 'one_hot', 'float'}}. Received: output_mode={output_mode!r}"
            )
        if isinstance(preprocessor, dict):
            preprocessor = _deserialize(preprocessor)
        if not callable(preprocessor):
            raise ValueError(
                "FeatureSpace.feature: `preprocessor` must be a Keras layer (or a callable). "
                f"Received: preprocessor={preprocessor!r}"
            )
        self.dtype = dtype
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    @property
    def is_string(self) -> bool:
        return self.dtype == "string"

    def get_config(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "preprocessor": _serialize(self.preprocessor),
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Feature:
        return cls(**config)


def _is_string_array(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind in "USO"


def _expand_last(x: Any) -> Any:
    return np.expand_dims(x, -1) if isinstance(x, np.ndarray) else array_ops.expand_dims(x, -1)


class FeatureSpace(Layer):
    """Preprocess and encode structured data: a dict of feature columns in, one vector (or a dict) out.

    Args:
        features: dict mapping each feature name to its type, a name such as
            ``"integer_categorical"`` (default arguments) or a constructor's result such as
            ``FeatureSpace.integer_categorical(max_tokens=10)``. Names: ``"float"``,
            ``"float_rescaled"``, ``"float_normalized"``, ``"float_discretized"``,
            ``"integer_categorical"``, ``"string_categorical"``, ``"integer_hashed"``,
            ``"string_hashed"``.
        output_mode: ``"concat"`` (one float32 vector per sample, features in sorted name order,
            then crosses in sorted name order) or ``"dict"`` (each encoded feature by name).
        crosses: features to cross, as tuples of names or ``FeatureSpace.cross(...)`` objects.
        crossing_dim: the number of hash bins of crosses given as tuples (default 32).
        hashing_dim: the number of bins of ``"integer_hashed"``/``"string_hashed"`` features (default 32).
        num_discretization_bins: the number of bins of ``"float_discretized"`` features (default 32).
        name: the name of the FeatureSpace.

    Call ``adapt(dataset)`` first (a ``tensorflux.data.Dataset`` of feature dicts, batched or
    not, or a dict of arrays); then call the FeatureSpace on a dict of arrays, lists or tensors
    (a batch, or one sample of scalars). String columns are lists or NumPy arrays of ``str``.

    >>> data = {"x": np.array([0.0, 1.0, 2.0, 3.0], "float32"), "c": np.array(["a", "b", "a", "a"])}
    >>> fs = FeatureSpace({"x": "float_normalized", "c": "string_categorical"})
    >>> fs.adapt(data)
    >>> fs(data).shape
    TensorShape([4, 4])
    """

    # -- feature constructors -----------------------------------------------------------------------
    @classmethod
    def cross(cls, feature_names: Any, crossing_dim: int, output_mode: str = "one_hot") -> Cross:
        """A cross of ``feature_names`` hashed into ``crossing_dim`` bins (``"one_hot"`` or ``"int"``)."""
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype: str, preprocessor: Any, output_mode: str) -> Feature:
        """A feature with your own preprocessing layer; ``dtype`` is ``"string"`` for string columns."""
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name: str | None = None) -> Feature:
        """Float values used as they are."""
        name = name or auto_name("float")
        return Feature("float32", TFDIdentity(name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale: Any = 1.0, offset: Any = 0.0, name: str | None = None) -> Feature:
        """Float values mapped to ``x * scale + offset`` (a Rescaling layer)."""
        name = name or auto_name("float_rescaled")
        return Feature("float32", Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name: str | None = None) -> Feature:
        """Float values standardized with the mean and variance learned by ``adapt`` (Normalization)."""
        name = name or auto_name("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(
        cls, num_bins: Any, bin_boundaries: Any = None, output_mode: str = "one_hot", name: str | None = None
    ) -> Feature:
        """Float values bucketed into ``num_bins`` bins (quantiles learned by ``adapt``, or given)."""
        name = name or auto_name("float_discretized")
        layer = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(
        cls,
        max_tokens: Any = None,
        num_oov_indices: int = 1,
        output_mode: str = "one_hot",
        name: str | None = None,
    ) -> Feature:
        """Integer categories indexed by a vocabulary learned by ``adapt`` (IntegerLookup)."""
        name = name or auto_name("integer_categorical")
        layer = IntegerLookup(
            name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices
        )
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(
        cls,
        max_tokens: Any = None,
        num_oov_indices: int = 1,
        output_mode: str = "one_hot",
        name: str | None = None,
    ) -> Feature:
        """String categories indexed by a vocabulary learned by ``adapt`` (StringLookup)."""
        name = name or auto_name("string_categorical")
        layer = StringLookup(
            name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices
        )
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None) -> Feature:
        """Strings hashed into ``num_bins`` bins (Hashing)."""
        name = name or auto_name("string_hashed")
        return Feature("string", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins: int, output_mode: str = "one_hot", name: str | None = None) -> Feature:
        """Integers hashed into ``num_bins`` bins (Hashing)."""
        name = name or auto_name("integer_hashed")
        return Feature("int32", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    # -- construction -------------------------------------------------------------------------------
    def __init__(
        self,
        features: Any,
        output_mode: str = "concat",
        crosses: Any = None,
        crossing_dim: int = 32,
        hashing_dim: int = 32,
        num_discretization_bins: int = 32,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if not features or not isinstance(features, dict):
            raise ValueError(
                "FeatureSpace: the `features` argument must be a non-empty dict mapping feature names to "
                f"types. Received: features={features!r}"
            )
        if output_mode not in ("dict", "concat"):
            raise ValueError(
                "FeatureSpace: invalid value for argument `output_mode`. Expected one of "
                f"{{'dict', 'concat'}}. Received: output_mode={output_mode!r}"
            )
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.output_mode = output_mode
        self.features = {n: self._standardize_feature(n, v) for n, v in features.items()}
        self.crosses = [self._standardize_cross(c) for c in crosses or []]
        self.crosses_by_name = {c.name: c for c in self.crosses}
        self.preprocessors = {n: f.preprocessor for n, f in self.features.items()}
        self.crossers = {c.name: HashedCrossing(c.crossing_dim, name=c.name) for c in self.crosses}
        self.one_hot_encoders: dict[str, Any] = {}
        self.encoded_features: Any = None
        self._inputs: Any = None
        self.concat: Any = None
        self._is_adapted = False

    def _standardize_feature(self, name: str, feature: Any) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            out = _deserialize(feature)
            if isinstance(out, Feature):
                return out
        if feature == "float":
            return self.float(name=name)
        if feature == "float_normalized":
            return self.float_normalized(name=name)
        if feature == "float_rescaled":
            return self.float_rescaled(name=name)
        if feature == "float_discretized":
            return self.float_discretized(self.num_discretization_bins, name=name)
        if feature == "integer_categorical":
            return self.integer_categorical(name=name)
        if feature == "string_categorical":
            return self.string_categorical(name=name)
        if feature == "integer_hashed":
            return self.integer_hashed(self.hashing_dim, name=name)
        if feature == "string_hashed":
            return self.string_hashed(self.hashing_dim, name=name)
        raise ValueError(
            f"FeatureSpace: invalid feature type for feature '{name}': {feature!r}. Expected one of "
            f"{list(_TYPES)} or a FeatureSpace.<type>(...) / FeatureSpace.feature(...) object."
        )

    def _standardize_cross(self, cross: Any) -> Cross:
        if isinstance(cross, dict):
            cross = _deserialize(cross)
        if not isinstance(cross, Cross):
            if isinstance(cross, str) or not isinstance(cross, (list, tuple)):
                raise ValueError(
                    "FeatureSpace: each entry of `crosses` must be a tuple of feature names or a "
                    f"FeatureSpace.cross(...) object. Received: {cross!r}"
                )
            if not self.crossing_dim:
                raise ValueError(
                    "FeatureSpace: when specifying `crosses`, the argument `crossing_dim` (the "
                    "dimensionality of the crossing space) must be set. "
                    f"Received: crossing_dim={self.crossing_dim!r}"
                )
            cross = Cross(cross, crossing_dim=self.crossing_dim)
        unknown = [n for n in cross.feature_names if n not in self.features]
        if unknown:
            raise ValueError(
                f"FeatureSpace: the cross {cross.feature_names} names unknown feature(s) {unknown}; every "
                f"feature in `crosses` must be in the `features` dict (known: {sorted(self.features)})."
            )
        return cross

    # -- adapt --------------------------------------------------------------------------------------
    def _list_adaptable_preprocessors(self) -> list[str]:
        names = []
        for name, layer in self.preprocessors.items():
            # preprocessors given fixed statistics, boundaries or a vocabulary are not adapted
            if isinstance(layer, Normalization) and layer.input_mean is not None:
                continue
            if isinstance(layer, Discretization) and layer.num_bins is None:
                continue
            if getattr(layer, "_has_input_vocabulary", False):
                continue
            if hasattr(layer, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset: Any) -> None:
        """Learn each preprocessor's state (statistics, vocabularies, bins) from ``dataset``.

        Args:
            dataset: a ``tensorflux.data.Dataset`` whose elements are dicts of features (batched
                or not; labels mapped away), or a dict of arrays/lists (one entry per sample).
        """
        from tensorflux import data as tfdata

        if isinstance(dataset, dict):
            dataset = tfdata.Dataset.from_tensor_slices(dataset)
        if not isinstance(dataset, tfdata.Dataset):
            raise ValueError(
                "FeatureSpace.adapt() can only be called on a tensorflux.data.Dataset or a dict of "
                f"arrays/lists. Received: {dataset!r:.200} (of type {type(dataset).__name__})"
            )
        spec = dataset.element_spec
        if not isinstance(spec, dict):
            raise ValueError(
                "FeatureSpace.adapt() expects a dataset whose elements are dicts of features. Received "
                f"elements of structure {spec!r:.200}; drop the labels first, e.g. ds.map(lambda x, y: x)."
            )
        missing = [n for n in self._list_adaptable_preprocessors() if n not in spec]
        if missing:
            raise ValueError(
                f"FeatureSpace.adapt(): the dataset has no feature(s) {missing} (it has {sorted(spec)})."
            )
        for name in self._list_adaptable_preprocessors():
            column = dataset.map(lambda x, n=name: x[n])
            first = next(iter(column))
            self._check_kind(name, first)
            rank = len(first.shape)
            if rank == 0:
                column = column.batch(32)  # unbatched scalars
            if rank <= 1:
                column = column.map(_expand_last)  # samples on axis 0, one value each on axis -1
            self.preprocessors[name].adapt(column)
        self._is_adapted = True
        self._finish_build()

    # -- calling ------------------------------------------------------------------------------------
    def _check_if_adapted(self) -> None:
        if not self._is_adapted:
            if self._list_adaptable_preprocessors():
                raise ValueError(
                    "You need to call `.adapt(dataset)` on the FeatureSpace before you can start using it "
                    f"(features to adapt: {self._list_adaptable_preprocessors()})."
                )
            self._is_adapted = True
            self._finish_build()

    def _finish_build(self) -> None:
        """Create the one-hot encoders now that the state (vocabulary sizes, bins) is known."""
        encoders = {}
        for name in self._names():
            if self._spec(name).output_mode == "one_hot":
                size = self._cardinality(name)
                old = self.one_hot_encoders.get(name)
                keep = old is not None and old.num_tokens == size
                encoders[name] = old if keep else CategoryEncoding(num_tokens=size, output_mode="multi_hot")
        self.one_hot_encoders = encoders
        self.encoded_features = None  # the symbolic view follows the new sizes
        self.built = True

    def _check_kind(self, name: str, x: Any) -> None:
        feature = self.features[name]
        if feature.is_string != _is_string_array(x):
            got = x.dtype if isinstance(x, np.ndarray) else getattr(x.dtype, "name", x.dtype)
            want = "strings (a list or NumPy array of str)" if feature.is_string else "numbers"
            raise ValueError(
                f"FeatureSpace: feature '{name}' (dtype {feature.dtype!r}) expects {want}. "
                f"Received values of dtype {got}."
            )

    def _convert_input(self, name: str, x: Any) -> Any:
        if isinstance(x, Tensor):
            pass
        elif isinstance(x, np.ndarray) and x.dtype.kind in "USO":
            x = x.astype(str) if x.dtype.kind != "O" else x
        else:
            arr = np.asarray(x)
            if arr.dtype.kind in "USO":
                x = arr
            elif not isinstance(x, (np.ndarray, np.generic)):
                # Python numbers take TensorFlow's defaults (float32, int32), as tf.convert_to_tensor
                x = convert_to_tensor(arr.astype("float32" if arr.dtype.kind == "f" else arr.dtype))
            else:
                x = convert_to_tensor(arr)
        self._check_kind(name, x)
        return x

    def _preprocess_features(self, data: dict[str, Any]) -> dict[str, Any]:
        return {name: self.preprocessors[name](data[name]) for name in self.features}

    def _cross_features(self, features: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for cross in self.crosses:
            for n in cross.feature_names:
                dt = features[n].dtype
                if not dt.is_integer:
                    raise ValueError(
                        f"FeatureSpace: cross '{cross.name}' includes feature '{n}' whose preprocessed "
                        f"values are {dt.name}; only categorical features (integer ids after "
                        "preprocessing) can be crossed."
                    )
            out[cross.name] = self.crossers[cross.name](tuple(features[n] for n in cross.feature_names))
        return out

    def _cardinality(self, name: str) -> int:
        layer = self.preprocessors.get(name) or self.crossers.get(name)
        if isinstance(layer, IndexLookup):
            return layer.vocabulary_size()
        if isinstance(layer, CategoryEncoding):
            return layer.num_tokens
        if isinstance(layer, Discretization):
            if layer.num_bins is not None:
                return int(layer.num_bins)
            return len(layer.bin_boundaries) + 1
        if isinstance(layer, (Hashing, HashedCrossing)):
            return layer.num_bins
        raise ValueError(
            f"FeatureSpace: feature '{name}' has `output_mode='one_hot'`, but it isn't a standard "
            "feature and the size of its output space is not known, so it cannot be one-hot "
            "encoded. Try using `output_mode='int'`."
        )

    def _spec(self, name: str) -> Any:
        return self.features[name] if name in self.features else self.crosses_by_name[name]

    def _names(self) -> list[str]:
        return sorted(self.features) + sorted(self.crosses_by_name)

    def _encode(self, name: str, x: Tensor) -> Tensor:
        if self._spec(name).output_mode == "one_hot":
            if not x.dtype.is_integer:
                raise ValueError(
                    f"FeatureSpace: feature '{name}' has `output_mode='one_hot'`, so its preprocessor should "
                    f"return integers. Instead it returns {x.dtype.name}."
                )
            encoder = self.one_hot_encoders.get(name)
            if encoder is None:
                encoder = CategoryEncoding(num_tokens=self._cardinality(name), output_mode="multi_hot")
                self.one_hot_encoders[name] = encoder
            x = encoder(x)
        return x

    def _merge_features(self, preprocessed: dict[str, Any], crossed: dict[str, Any]) -> Any:
        merged = {**preprocessed, **crossed}
        out = {name: self._encode(name, merged[name]) for name in self._names()}
        if self.output_mode == "dict":
            return out
        parts = []
        for name, x in out.items():
            if not isinstance(x, Tensor) or not x.dtype.is_floating:
                dt = x.dtype.name if isinstance(x, Tensor) else getattr(x, "dtype", type(x).__name__)
                raise ValueError(
                    f"FeatureSpace: cannot concatenate features because feature '{name}' has not been "
                    f"encoded (it has dtype {dt}). Consider using `output_mode='dict'` or a 'one_hot' "
                    "output_mode."
                )
            parts.append(x if x.dtype.name == "float32" else array_ops.cast(x, "float32"))
        return array_ops.concat(parts, axis=-1)

    def __call__(self, data: Any) -> Any:
        self._check_if_adapted()
        if not isinstance(data, dict):
            raise ValueError(
                "A FeatureSpace can only be called with a dict of features. "
                f"Received: data={data!r:.200} (of type {type(data).__name__})"
            )
        missing = [n for n in self.features if n not in data]
        unknown = [n for n in data if n not in self.features]
        if missing or unknown:
            raise ValueError(
                f"FeatureSpace: the input dict must hold exactly the features {sorted(self.features)}. "
                f"Missing: {missing}; unknown: {unknown}."
            )
        data = {n: self._convert_input(n, data[n]) for n in self.features}
        rebatched = False
        for name, x in data.items():
            if len(x.shape) == 0:
                data[name] = x.reshape(1, 1) if isinstance(x, np.ndarray) else array_ops.reshape(x, (1, 1))
                rebatched = True
            elif len(x.shape) == 1:
                data[name] = _expand_last(x)
        ranks = {n: len(x.shape) for n, x in data.items()}
        if any(r != 2 for r in ranks.values()):
            raise ValueError(
                "FeatureSpace: each feature must be a scalar, a batch of shape (batch_size,) or "
                f"(batch_size, 1). Received ranks {ranks}."
            )
        merged = self._merge_features(*self._preprocess_and_cross(data))
        self.built = True
        if rebatched:
            if self.output_mode == "concat":
                return array_ops.squeeze(merged, axis=0)
            merged = {
                n: array_ops.squeeze(x, axis=0) if x.ndim == 2 and x.shape[0] == 1 else x
                for n, x in merged.items()
            }
        return merged

    def _preprocess_and_cross(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        preprocessed = self._preprocess_features(data)
        return preprocessed, self._cross_features(preprocessed)

    # -- symbolic views -----------------------------------------------------------------------------
    def _encoded_shapes(self) -> dict[str, tuple[int, Any]]:
        """(width, dtype) of each encoded feature, found without data."""
        out = {}
        for name in self._names():
            spec = self._spec(name)
            if spec.output_mode == "one_hot":
                out[name] = (self._cardinality(name), "float32")
                continue
            if name in self.crossers:
                out[name] = (1, "int64")
                continue
            layer = self.preprocessors[name]
            shape = layer.compute_output_shape((None, 1))
            dtype = "float32" if spec.output_mode == "float" else "int64"
            out[name] = (shape[-1], dtype)
        return out

    def get_encoded_features(self) -> Any:
        """The encoded features as symbolic Keras tensors, to build a model on.

        Without string features these are the outputs of the preprocessing graph applied to
        ``get_inputs()``, as in Keras: ``keras.Model(get_inputs(), outputs)`` then takes raw
        features and ``keras.Model(get_encoded_features(), outputs)`` encoded ones. tensorflux
        cannot trace string columns symbolically, so with string features these are
        ``keras.Input`` tensors of the encoded width (one, or one per feature in ``"dict"``
        mode): feed that model with the FeatureSpace's output, e.g.
        ``ds.map(lambda x, y: (feature_space(x), y))``.

        >>> fs = FeatureSpace({"x": "float"})
        >>> fs.get_encoded_features().shape
        (None, 1)
        """
        from tensorflux.keras.layers.input_layer import Input

        self._check_if_adapted()
        if self.encoded_features is None:
            shapes = self._encoded_shapes()
            for name, (_, dtype) in shapes.items():
                if self.output_mode == "concat" and dtype != "float32":
                    raise ValueError(
                        f"FeatureSpace: cannot concatenate features because feature '{name}' has not been "
                        f"encoded (it has dtype {dtype}). Consider using `output_mode='dict'`."
                    )
            if not any(f.is_string for f in self.features.values()):
                self.encoded_features = self._symbolic_encoded(self.get_inputs())
            elif self.output_mode == "concat":
                width = builtins.sum(w for w, _ in shapes.values())
                self.encoded_features = Input(shape=(width,), dtype="float32", name=f"{self.name}_encoded")
            else:
                self.encoded_features = {
                    n: Input(shape=(w,), dtype=d, name=n) for n, (w, d) in shapes.items()
                }
        return self.encoded_features

    def _symbolic_encoded(self, inputs: dict[str, Any]) -> Any:
        from tensorflux.keras.layers.merging.concatenate import Concatenate

        pre = {n: self.preprocessors[n](inputs[n]) for n in self.features}
        crossed = {}
        for cross in self.crosses:
            floats = [n for n in cross.feature_names if self.features[n].output_mode == "float"]
            if floats:
                raise ValueError(
                    f"FeatureSpace: cross '{cross.name}' includes float feature(s) {floats}; only "
                    "categorical features (integer ids after preprocessing) can be crossed."
                )
            crossed[cross.name] = self.crossers[cross.name](tuple(pre[n] for n in cross.feature_names))
        merged = {**pre, **crossed}
        out = {}
        for name in self._names():
            encoder = self.one_hot_encoders.get(name)
            out[name] = merged[name] if encoder is None else encoder(merged[name])
        if self.output_mode == "dict":
            return out
        if len(out) == 1:
            return next(iter(out.values()))
        if self.concat is None:
            self.concat = Concatenate(axis=-1)
        return self.concat(list(out.values()))

    def get_inputs(self) -> Any:
        """A dict of ``keras.Input`` of shape ``(1,)``, one per feature (numeric features only).

        tensorflux tensors have no string dtype, so a FeatureSpace with string features has no
        symbolic inputs: this raises ValueError then; apply the FeatureSpace in the data pipeline.
        """
        from tensorflux.keras.layers.input_layer import Input

        strings = [n for n, f in self.features.items() if f.is_string]
        if strings:
            raise ValueError(
                f"FeatureSpace.get_inputs(): feature(s) {strings} are strings, and tensorflux tensors have "
                "no string dtype, so they cannot be symbolic Keras inputs. Apply the FeatureSpace in the "
                "data pipeline (ds.map(lambda x, y: (feature_space(x), y))) and build the model on "
                "get_encoded_features()."
            )
        self._check_if_adapted()
        if self._inputs is None:
            self._inputs = {n: Input(shape=(1,), dtype=f.dtype, name=n) for n, f in self.features.items()}
        return self._inputs

    # -- configuration and saving -------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {
            "features": {n: _serialize(f) for n, f in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [_serialize(c) for c in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> FeatureSpace:
        return cls(**config)

    def get_build_config(self) -> dict[str, Any]:
        out = {}
        for name, feature in self.features.items():
            get = getattr(feature.preprocessor, "get_build_config", None)
            out[name] = (get() if callable(get) else None) or {}
        return out

    def build_from_config(self, config: dict[str, Any]) -> None:
        for name, build_config in config.items():
            layer = self.features[name].preprocessor if name in self.features else None
            if layer is not None and build_config and not getattr(layer, "built", True):
                layer.build_from_config(build_config)
        # a saved FeatureSpace carries its learned state (vocabularies in the config, statistics
        # in the weights file), so it is usable without adapting again
        self._is_adapted = True
        self._finish_build()

    def save(self, filepath: Any) -> None:
        """Save this FeatureSpace to a ``.keras`` file; reload it with ``keras.saving.load_model``."""
        from tensorflux.keras.saving.saving_api import save_model

        save_model(self, filepath)
