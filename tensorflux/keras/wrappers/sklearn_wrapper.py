"""scikit-learn wrappers: ``SKLearnClassifier``, ``SKLearnRegressor``, ``SKLearnTransformer``.

They exist with Keras' constructor so that code naming them imports. Without scikit-learn,
construction raises Keras' ImportError. With scikit-learn importable, construction works but
``fit``/``predict``/``transform`` are not implemented in tensorflux yet (they need target encoding,
``clone_model`` of the wrapped model and sklearn's validation helpers) and raise
NotImplementedError.
"""

from __future__ import annotations

import importlib.util
from typing import Any


def _sklearn_installed() -> bool:
    return importlib.util.find_spec("sklearn") is not None


class _SKLBase:
    def __init__(
        self,
        model: Any,
        warm_start: bool = False,
        model_kwargs: dict | None = None,
        fit_kwargs: dict | None = None,
    ) -> None:
        if not _sklearn_installed():
            raise ImportError(
                f"{type(self).__name__} requires `scikit-learn` to be installed. "
                "Run `pip install scikit-learn` to install it."
            )
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _missing(self, method: str) -> NotImplementedError:
        return NotImplementedError(
            f"{type(self).__name__}.{method} is not implemented in tensorflux yet; train the Keras "
            "model directly with model.fit / model.predict."
        )

    def fit(self, X: Any, y: Any, **kwargs: Any) -> Any:  # noqa: N803  (scikit-learn's names)
        raise self._missing("fit")

    def predict(self, X: Any) -> Any:  # noqa: N803
        raise self._missing("predict")


class SKLearnClassifier(_SKLBase):
    """scikit-learn classifier around a compiled Keras model (or a callable building one).

    Args:
        model: a compiled ``Model``, or a callable ``model(X=..., y=..., **model_kwargs)``.
        warm_start: reuse the weights of the previous fit instead of cloning ``model``.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit``.

    Raises:
        ImportError: scikit-learn is not installed.

    >>> try:
    ...     SKLearnClassifier(model=None)
    ... except ImportError as e:
    ...     print(str(e).split(" requires")[0])
    SKLearnClassifier
    """


class SKLearnRegressor(_SKLBase):
    """scikit-learn regressor around a compiled Keras model (arguments as ``SKLearnClassifier``).

    >>> try:
    ...     SKLearnRegressor(model=None)
    ... except ImportError as e:
    ...     print(str(e).split(" requires")[0])
    SKLearnRegressor
    """


class SKLearnTransformer(_SKLBase):
    """scikit-learn transformer whose ``transform`` is the model's prediction (arguments as
    ``SKLearnClassifier``).

    >>> try:
    ...     SKLearnTransformer(model=None)
    ... except ImportError as e:
    ...     print(str(e).split(" requires")[0])
    SKLearnTransformer
    """

    def transform(self, X: Any) -> Any:  # noqa: N803
        raise self._missing("transform")
