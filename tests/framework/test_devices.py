"""tf.device and tf.config's device functions: the CPU is the only device, and the device code
TensorFlow programs commonly run works unchanged (values as TensorFlow 2.21 prints them)."""

import pytest

import tensorflux as tf


def test_the_cpu_is_the_only_device():
    cpu = tf.config.PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
    assert tf.config.list_physical_devices() == [cpu]
    assert tf.config.list_physical_devices("CPU") == [cpu]
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.experimental.list_physical_devices("gpu") == []
    assert tf.config.list_logical_devices() == [tf.config.LogicalDevice("/device:CPU:0", "CPU")]
    assert tf.config.get_visible_devices() == [cpu]
    assert repr(cpu) == "PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')"
    assert tf.config.experimental.get_device_details(cpu) == {}


def test_common_gpu_boilerplate_runs():
    for gpu in tf.config.list_physical_devices("GPU"):  # none: the loop body never runs
        tf.config.experimental.set_memory_growth(gpu, True)
    tf.config.set_visible_devices([], "GPU")  # hide the GPUs
    assert tf.config.get_visible_devices() == tf.config.list_physical_devices()
    with tf.device("/GPU:0"):  # soft placement: on the CPU
        x = tf.constant([1.0, 2.0]) * 2
    assert x.device.endswith("device:CPU:0")
    assert x.numpy().tolist() == [2.0, 4.0]


@pytest.mark.parametrize(
    "name",
    ["/CPU:0", "cpu:0", "/device:CPU:0", "/job:localhost/replica:0/task:0/device:CPU:0", "GPU", "", None],
)
def test_device_accepts_device_specs(name):
    with tf.device(name):
        assert float(tf.reduce_sum(tf.ones(3))) == 3.0


@pytest.mark.parametrize("name", ["foo", "/cpu:0/bar", 3])
def test_device_rejects_what_is_not_a_device_spec(name):
    with pytest.raises(ValueError):
        with tf.device(name):
            pass


def test_cpu_only_settings_raise_as_tensorflow_does():
    cpu = tf.config.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(cpu, True)
    with pytest.raises(ValueError, match="Allocator stats not available"):
        tf.config.experimental.get_memory_info("CPU:0")
    with pytest.raises(ValueError, match="cannot be hidden"):
        tf.config.set_visible_devices([], "CPU")
    with pytest.raises(ValueError, match="not a device of this machine"):
        tf.config.set_visible_devices(["/GPU:0"], "GPU")


def test_logical_configuration_and_flags_round_trip():
    cpu = tf.config.list_physical_devices("CPU")[0]
    assert tf.config.get_logical_device_configuration(cpu) is None
    conf = [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    tf.config.set_logical_device_configuration(cpu, conf)
    try:
        assert tf.config.experimental.get_virtual_device_configuration(cpu) == conf
    finally:
        tf.config.set_logical_device_configuration(cpu, None)
    assert tf.config.get_soft_device_placement() is True
    assert tf.config.functions_run_eagerly() is False
    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly() is True
        assert tf.config.experimental_functions_run_eagerly() is True
    finally:
        tf.config.run_functions_eagerly(False)
