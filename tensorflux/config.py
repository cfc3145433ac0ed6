"""``tf.config``: the default float type, the fuzz factor, threads, devices, op determinism."""

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
from tensorflux.framework.devices import (  # noqa: F401
    LogicalDevice,
    LogicalDeviceConfiguration,
    PhysicalDevice,
    get_logical_device_configuration,
    get_soft_device_placement,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_logical_device_configuration,
    set_soft_device_placement,
    set_visible_devices,
)


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Run every ``tf.function`` as plain Python (for debugging), or trace them again."""
    from tensorflux.framework import config as _c

    _c._state["run_functions_eagerly"] = bool(run_eagerly)  # type: ignore[assignment]


def functions_run_eagerly() -> bool:
    """Whether :func:`run_functions_eagerly` is on."""
    from tensorflux.framework import config as _c

    return bool(_c._state.get("run_functions_eagerly", False))


experimental_run_functions_eagerly = run_functions_eagerly  # TensorFlow's older names
experimental_functions_run_eagerly = functions_run_eagerly
