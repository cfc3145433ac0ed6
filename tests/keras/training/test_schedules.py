"""Learning-rate schedules against Keras 3 for 40 steps."""

import numpy as np
import pytest
from training_helpers import load_fixture

from tensorflux.keras.optimizers import schedules

FIX = load_fixture("schedules.json")


@pytest.mark.parametrize("case", FIX["cases"], ids=lambda c: c["class_name"] + str(sorted(c["config"])))
def test_schedule_values_match_keras(case):
    s = getattr(schedules, case["class_name"])(**case["config"])
    got = [float(s(step)) for step in range(40)]
    np.testing.assert_allclose(got, case["values"], rtol=1e-6, atol=1e-8)


def test_config_round_trip():
    s = schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5, m_mul=0.8, alpha=0.05)
    again = schedules.deserialize(schedules.serialize(s))
    assert [float(again(k)) for k in range(10)] == [float(s(k)) for k in range(10)]


def test_piecewise_argument_error():
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
