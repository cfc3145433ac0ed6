"""The extra keras.ops NumPy functions against Keras 3 golden values (scripts/golden_keras_ops_numpy.py).

Each stored case replays the same call on tensorflux and checks the values and the result dtypes.
"""

import json
import os

import numpy as np
import pytest

from tensorflux.keras import ops

PATH = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras_ops", "numpy_golden.npz")
DATA = np.load(PATH)
NAMES = sorted(k[: -len("__call")] for k in DATA.files if k.endswith("__call"))

# Keras (TensorFlow backend) quirks tensorflux does not copy; the values are still compared
DTYPE_EXCEPTIONS: dict[str, str] = {}
# Keras' TensorFlow argpartition returns repeated indices, and its vstack concatenates 1-D inputs
# instead of stacking them as rows; tensorflux follows NumPy there (checked against NumPy in
# test_numpy_more_search.py and test_numpy_more_shape.py), so these are skipped here
VALUE_EXCEPTIONS = {"argpartition", "vstack"}


def _arg(spec):
    if "array" in spec:
        return DATA[spec["array"]]
    if "list" in spec:
        return [_arg(s) for s in spec["list"]]
    if "tuple" in spec:
        return tuple(spec["tuple"])
    return spec["value"]


def test_fixture_has_cases():
    assert len(NAMES) > 80


@pytest.mark.parametrize("name", NAMES)
def test_matches_keras(name):
    call = json.loads(str(DATA[f"{name}__call"]))
    res = getattr(ops, call["op"])(*[_arg(s) for s in call["args"]], **call["kwargs"])
    res = list(res) if isinstance(res, (tuple, list)) else [res]
    assert len(res) == int(DATA[f"{name}__n"])
    for j, r in enumerate(res):
        want = DATA[f"{name}__out{j}"]
        got = ops.convert_to_numpy(r)
        if name in VALUE_EXCEPTIONS:
            continue
        assert got.shape == want.shape, (name, j)
        if name not in DTYPE_EXCEPTIONS:
            assert ops.dtype(r) == str(DATA[f"{name}__dtype{j}"]), (name, j)
        if want.dtype.kind in "fc":
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6, equal_nan=True, err_msg=name)
        else:
            np.testing.assert_array_equal(got, want, err_msg=name)
