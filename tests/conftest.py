import numpy as np
import pytest

import tensorflux as tf

# Bits that do not depend on how busy the machine is: products keep their configured BLAS threads
# (the tests of the load-adaptive threads turn this off for themselves).
tf.config.experimental.enable_op_determinism()


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    tf.random.set_seed(1234)
    np.random.seed(1234)
    yield
