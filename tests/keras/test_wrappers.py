"""keras.wrappers: the scikit-learn wrappers exist with Keras' signature and need scikit-learn."""

import importlib.util
import inspect

import pytest

from tensorflux.keras.wrappers import sklearn_wrapper
from tensorflux.keras.wrappers.sklearn_wrapper import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer

CLASSES = [SKLearnClassifier, SKLearnRegressor, SKLearnTransformer]


@pytest.mark.parametrize("cls", CLASSES)
def test_signature_matches_keras(cls):
    params = inspect.signature(cls).parameters
    assert list(params) == ["model", "warm_start", "model_kwargs", "fit_kwargs"]
    assert [p.default for p in list(params.values())[1:]] == [False, None, None]


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is not None, reason="scikit-learn is installed")
@pytest.mark.parametrize("cls", CLASSES)
def test_without_sklearn_raises_keras_import_error(cls):
    msg = (
        f"{cls.__name__} requires `scikit-learn` to be installed. "
        "Run `pip install scikit-learn` to install it."
    )
    with pytest.raises(ImportError) as info:
        cls(model=None)
    assert str(info.value) == msg


@pytest.mark.parametrize("cls", CLASSES)
def test_with_sklearn_stores_arguments_and_fit_is_missing(cls, monkeypatch):
    monkeypatch.setattr(sklearn_wrapper, "_sklearn_installed", lambda: True)
    w = cls(model="m", warm_start=True, model_kwargs={"a": 1}, fit_kwargs={"epochs": 2})
    assert (w.model, w.warm_start, w.model_kwargs, w.fit_kwargs) == ("m", True, {"a": 1}, {"epochs": 2})
    with pytest.raises(NotImplementedError, match=f"{cls.__name__}.fit"):
        w.fit([[0.0]], [0])


def test_namespace():
    from tensorflux.keras import wrappers

    assert wrappers.SKLearnClassifier is SKLearnClassifier
    assert sorted(wrappers.__all__) == ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
