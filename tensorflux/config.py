"""``tf.config`` basics: the default float type, the fuzz factor, threads, op determinism."""

from tensorflux.framework import config_experimental as experimental  # noqa: F401
from tensorflux.framework import parallelism as threading  # noqa: F401
from tensorflux.framework.config import (  # noqa: F401
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)


def list_physical_devices(device_type=None):  # type: ignore[no-untyped-def]
    """The CPU is the only device of the NumPy backend."""
    return [] if device_type not in (None, "CPU") else ["/physical_device:CPU:0"]


def run_functions_eagerly(run_eagerly: bool) -> None:
    from tensorflux.framework import config as _c

    _c._state["run_functions_eagerly"] = bool(run_eagerly)  # type: ignore[assignment]
