"""keras.distribution on tensorflux's one device (facts checked against Keras 3.15's distribution_lib)."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras import layers
from tensorflux.keras.distribution import (
    DataParallel,
    DeviceMesh,
    LayoutMap,
    ModelParallel,
    TensorLayout,
    distribute_tensor,
    distribution,
    get_device_count,
    initialize,
    list_devices,
    set_distribution,
)


@pytest.fixture(autouse=True)
def _no_global_distribution():
    set_distribution(None)
    yield
    set_distribution(None)


def test_devices_are_the_cpu():
    assert list_devices() == ["cpu:0"] and list_devices("CPU") == ["cpu:0"]
    assert list_devices("gpu") == [] and list_devices("tpu") == []
    assert get_device_count() == 1 and get_device_count("gpu") == 0
    with pytest.raises(ValueError, match="device_type"):
        list_devices("xpu")


def test_initialize_one_process_only(monkeypatch):
    initialize()
    initialize(job_addresses="10.0.0.1:1234", num_processes=1, process_id=0)
    with pytest.raises(ValueError, match="one CPU device"):
        initialize(job_addresses="10.0.0.1:1234,10.0.0.2:2345", num_processes=2, process_id=0)
    with pytest.raises(ValueError, match="has 2 jobs, but num_processes is 3"):
        initialize(job_addresses="a:1,b:2", num_processes=3, process_id=0)
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "4")
    with pytest.raises(ValueError, match="num_processes=4"):
        initialize()


def test_device_mesh_validation():
    mesh = DeviceMesh((1,), ["batch"])
    assert mesh.shape == (1,) and mesh.axis_names == ["batch"]
    assert mesh.devices.tolist() == ["cpu:0"]
    assert repr(mesh) == "<DeviceMesh shape=(1,), axis_names=['batch']>"
    big = DeviceMesh((2, 4), ("batch", "model"), devices=[f"gpu:{i}" for i in range(8)])
    assert big.devices.shape == (2, 4) and big.devices[1, 0] == "gpu:4"
    with pytest.raises(ValueError, match="cannot be empty"):
        DeviceMesh((), ["batch"])
    with pytest.raises(ValueError, match="same size"):
        DeviceMesh((1,), ["batch", "model"])
    with pytest.raises(ValueError, match=r"Shape does not match the number of devices.*shape=\(2,\)"):
        DeviceMesh((2,), ["batch"])


def test_tensor_layout_and_layout_map():
    mesh = DeviceMesh((1, 1), ["batch", "model"])
    with pytest.raises(ValueError, match="Invalid axis names"):
        TensorLayout(("data",), mesh)
    layout = TensorLayout(("batch", None))
    assert layout.device_mesh is None
    layout.device_mesh = mesh
    with pytest.raises(ValueError, match="Cannot override device mesh"):
        layout.device_mesh = mesh
    lm = LayoutMap(mesh)
    lm[".*dense.*kernel"] = (None, "model")
    lm[".*dense.*bias"] = ("model",)
    lm[".*conv2d.*kernel"] = TensorLayout((None, None, None, "model"))
    assert lm["dense_1/kernel"].axes == (None, "model") and lm["dense_1/kernel"].device_mesh is mesh
    assert lm["my_model/conv2d_123/kernel"].axes == (None, None, None, "model")
    assert lm["my_model/conv3d_1/kernel"] is None
    assert len(lm) == 3 and list(lm)[0] == ".*dense.*kernel"
    with pytest.raises(ValueError, match="already exist"):
        lm[".*dense.*bias"] = ("model",)
    with pytest.raises(ValueError, match="should be a TensorLayout"):
        lm["x"] = ["model"]
    lm[".*kernel"] = (None, None)
    with pytest.raises(ValueError, match="matches multiple layout specification keys"):
        lm["dense/kernel"]
    del lm[".*kernel"]
    assert lm["dense/kernel"].axes == (None, "model")


def test_data_parallel_on_the_cpu():
    dp = DataParallel()
    assert dp.batch_dim_name == "batch" and dp.num_model_replicas == 1 and dp.num_processes == 1
    assert dp.device_mesh.devices.tolist() == ["cpu:0"]
    assert dp.get_data_layout((8, 3)).axes == ("batch", None)
    dense = layers.Dense(2)
    dense.build((None, 3))
    assert dp.get_variable_layout(dense.kernel).axes == (None, None)
    assert dp.get_tensor_layout("x") is None and dp.data_shard_id == 0
    assert DataParallel(devices=["cpu:0"]).device_mesh.shape == (1,)
    assert DataParallel(DeviceMesh((1,), ["data"])).batch_dim_name == "data"
    ds = object()
    assert dp.distribute_dataset(ds) is ds
    with pytest.raises(ValueError, match="Expect `mesh` to be an instance of `DeviceMesh`"):
        DataParallel(device_mesh="mesh")


def test_more_than_one_device_raises():
    with pytest.raises(ValueError, match=r"DataParallel: tensorflux runs on one CPU device"):
        DataParallel(devices=["cpu:0", "cpu:1"])
    with pytest.raises(ValueError, match="one CPU device"):
        DataParallel(devices=["gpu:0"])
    mesh = DeviceMesh((2, 4), ["batch", "model"], devices=[f"gpu:{i}" for i in range(8)])
    lm = LayoutMap(mesh)
    lm[".*kernel"] = (None, "model")
    with pytest.raises(ValueError, match="ModelParallel: tensorflux runs on one CPU device"):
        ModelParallel(layout_map=lm)
    with pytest.raises(ValueError, match="one CPU device"):
        distribute_tensor(tf.ones((2,)), TensorLayout(("batch",), mesh))


def test_model_parallel_on_the_cpu():
    with pytest.raises(ValueError, match="must specify a layout_map"):
        ModelParallel()
    with pytest.raises(ValueError, match="must be a `LayoutMap`"):
        ModelParallel(layout_map={})
    mesh = DeviceMesh((1, 1), ["batch", "model"])
    lm = LayoutMap(mesh)
    lm[".*kernel"] = (None, "model")
    mp = ModelParallel(layout_map=lm, device_mesh="ignored")
    assert mp.batch_dim_name == "batch" and mp.num_model_replicas == 1
    assert ModelParallel(layout_map=lm, batch_dim_name="model").batch_dim_name == "model"
    dense = layers.Dense(2)
    dense.build((None, 3))
    assert mp.get_variable_layout(dense.kernel).axes == (None, "model")
    assert mp.get_variable_layout(dense.bias).axes == (None,)
    assert mp.get_tensor_layout("a/kernel").axes == (None, "model")
    assert mp.get_data_layout((4, 2, 2)).axes == ("batch", None, None)


def test_set_distribution_and_scope():
    assert distribution() is None
    dp = DataParallel()
    set_distribution(dp)
    assert distribution() is dp
    other = DataParallel()
    with other.scope():
        assert distribution() is other
    assert distribution() is dp
    with pytest.raises(TypeError, match="Distribution"):
        set_distribution("data_parallel")


def test_distribute_tensor_keeps_the_value():
    x = np.arange(6, dtype="float32").reshape(3, 2)
    out = distribute_tensor(x, DataParallel().get_data_layout(x.shape))
    np.testing.assert_array_equal(out.numpy(), x)
    t = tf.constant(x)
    assert distribute_tensor(t, TensorLayout((None, None))) is t
    with pytest.raises(TypeError, match="TensorLayout"):
        distribute_tensor(t, ("batch", None))


def test_model_parallel_needs_a_mesh():
    with pytest.raises(ValueError, match="needs a `LayoutMap` with a `DeviceMesh`"):
        ModelParallel(layout_map=LayoutMap(None))
