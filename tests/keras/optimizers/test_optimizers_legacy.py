"""keras.optimizers.legacy: the Keras 2 names exist and raise Keras 3's ImportError when used."""

from __future__ import annotations

import pytest

from tensorflux.keras.optimizers import legacy

NAMES = ("Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD")


def test_exactly_keras_names():
    assert sorted(legacy.__all__) == sorted(NAMES)
    # Keras binds every name to one class, so isinstance checks written for Keras 2 still import
    assert {id(getattr(legacy, n)) for n in NAMES} == {id(legacy.LegacyOptimizerWarning)}


@pytest.mark.parametrize("name", NAMES)
def test_constructing_raises_import_error_with_the_way_out(name):
    with pytest.raises(ImportError, match=r"`keras.optimizers.legacy` is not supported in Keras 3") as e:
        getattr(legacy, name)(learning_rate=0.01, momentum=0.9)
    msg = str(e.value)
    assert "keras.optimizers.Adam()" in msg and "tf_keras" in msg
