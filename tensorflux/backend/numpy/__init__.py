"""The NumPy backend: every array function tensorflux computes with on the CPU."""
# ruff: noqa: I001  (kernel modules append their re-export lines here)

from tensorflux.backend.numpy.attention import *  # noqa: F401,F403
from tensorflux.backend.numpy.augment import *  # noqa: F401,F403
from tensorflux.backend.numpy.conv import *  # noqa: F401,F403
from tensorflux.backend.numpy.conv_pool import *  # noqa: F401,F403
from tensorflux.backend.numpy import _malloc  # noqa: F401  (heap reuse for large buffers)
from tensorflux.backend.numpy.core import *  # noqa: F401,F403
from tensorflux.backend.numpy.embedding import *  # noqa: F401,F403
from tensorflux.backend.numpy.graph import *  # noqa: F401,F403
from tensorflux.backend.numpy.image import *  # noqa: F401,F403
from tensorflux.backend.numpy.losses import *  # noqa: F401,F403
from tensorflux.backend.numpy.math import *  # noqa: F401,F403
from tensorflux.backend.numpy.norm import *  # noqa: F401,F403
from tensorflux.backend.numpy.pool import *  # noqa: F401,F403
from tensorflux.backend.numpy.random import *  # noqa: F401,F403
from tensorflux.backend.numpy.rnn import *  # noqa: F401,F403
from tensorflux.backend.numpy.optim import *  # noqa: F401,F403
from tensorflux.backend.numpy.blas import *  # noqa: F401,F403
from tensorflux.backend.numpy.threads import *  # noqa: F401,F403
from tensorflux.backend.numpy.decomp import *  # noqa: F401,F403
