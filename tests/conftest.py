import numpy as np
import pytest

import tensorflux as tf


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    tf.random.set_seed(1234)
    np.random.seed(1234)
    yield
