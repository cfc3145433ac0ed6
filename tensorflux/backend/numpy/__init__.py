"""The NumPy backend: every array function tensorflux computes with on the CPU."""

from tensorflux.backend.numpy.core import *  # noqa: F401,F403
from tensorflux.backend.numpy.math import *  # noqa: F401,F403
from tensorflux.backend.numpy.random import *  # noqa: F401,F403
