"""``tf.dtypes``."""

from tensorflux.framework.dtypes import *  # noqa: F401,F403
from tensorflux.framework.dtypes import DType, as_dtype, bool  # noqa: F401,A004
