"""``tensorflux.keras.datasets``: Keras' small data sets, loaded as NumPy arrays.

Each module has ``load_data()`` returning ``(x_train, y_train), (x_test, y_test)`` with Keras'
shapes and dtypes; files are downloaded once from Keras' origins (hash-checked) and cached.

>>> from tensorflux.keras.datasets import fashion_mnist
>>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()  # doctest: +SKIP
"""

from tensorflux.keras.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
