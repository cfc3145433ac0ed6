"""``keras.wrappers``: scikit-learn wrappers (they need ``scikit-learn``).

>>> from tensorflux.keras import wrappers
>>> sorted(wrappers.__all__)
['SKLearnClassifier', 'SKLearnRegressor', 'SKLearnTransformer']
"""

from tensorflux.keras.wrappers.sklearn_wrapper import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
