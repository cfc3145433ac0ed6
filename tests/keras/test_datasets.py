"""keras.datasets loaders on the real Fashion-MNIST files and on small files in Keras' formats.

Nothing here reaches the network: files are generated in a temp folder and passed as ``path``,
or served by a local HTTP server on 127.0.0.1 standing in for Keras' origin.
"""

import gzip
import hashlib
import json
import os
import pickle
import struct
import tarfile

import numpy as np
import pytest
from _http_server import LocalServer  # tests/keras/_http_server.py

from tensorflux.keras.datasets import (
    _idx,
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)


@pytest.fixture(autouse=True)
def homes(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSORFLUX_HOME", str(tmp_path / "tfx_home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))


# -- IDX ------------------------------------------------------------------------------------------
def write_idx(path, arr, code=0x08, compress=True):
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    body = arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(header + body)


def write_mnist_folder(folder, n_train=6, n_test=4, compress=True):
    rng = np.random.default_rng(0)
    data = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    os.makedirs(folder, exist_ok=True)
    for name, arr in data.items():
        write_idx(os.path.join(folder, name + (".gz" if compress else "")), arr, compress=compress)
    return data


@pytest.mark.parametrize(("code", "dtype"), [(0x08, np.uint8), (0x0B, np.int16), (0x0D, np.float32)])
def test_idx_reader_round_trips(tmp_path, code, dtype):
    arr = (
        (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
        if dtype != np.uint8
        else np.arange(24, dtype=dtype)
    )
    write_idx(tmp_path / "x.gz", arr, code)
    out = _idx.read_idx(str(tmp_path / "x.gz"))
    np.testing.assert_array_equal(out, arr)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative and out.flags.writeable


def test_idx_reader_rejects_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX"):
        _idx.read_idx(str(tmp_path / "bad"))
    write_idx(tmp_path / "short", np.arange(10, dtype=np.uint8), compress=False)
    (tmp_path / "short").write_bytes((tmp_path / "short").read_bytes()[:-3])
    with pytest.raises(ValueError, match="truncated"):
        _idx.read_idx(str(tmp_path / "short"))


# -- Fashion-MNIST ----------------------------------------------------------------------------------
@pytest.mark.skipif(
    _idx.find_idx_files(fashion_mnist.SYSTEM_DIR) is None, reason="dataset-fashion-mnist not installed"
)
def test_fashion_mnist_real_files(monkeypatch):
    monkeypatch.delenv("TENSORFLUX_FASHION_MNIST_DIR", raising=False)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert y_train.min() == 0 and y_train.max() == 9
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    assert 0 < x_train.mean() < 255 and x_train.max() == 255


def test_fashion_mnist_folder_override_and_path(tmp_path, monkeypatch):
    data = write_mnist_folder(tmp_path / "fm")
    monkeypatch.setenv("TENSORFLUX_FASHION_MNIST_DIR", str(tmp_path / "fm"))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, data["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_test, data["t10k-labels-idx1-ubyte"])
    monkeypatch.setenv("TENSORFLUX_FASHION_MNIST_DIR", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match="TENSORFLUX_FASHION_MNIST_DIR"):
        fashion_mnist.load_data()
    (x_train, _), _ = fashion_mnist.load_data(path=str(tmp_path / "fm"))
    assert x_train.shape == (6, 28, 28)


def test_fashion_mnist_downloads_into_the_cache_when_no_system_copy(tmp_path, monkeypatch):
    monkeypatch.delenv("TENSORFLUX_FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIR", str(tmp_path / "none"))
    write_mnist_folder(tmp_path / "origin")
    with LocalServer() as server:
        hashes = {}
        for name in os.listdir(tmp_path / "origin"):
            body = (tmp_path / "origin" / name).read_bytes()
            server.files["/fm/" + name] = body
            hashes[name] = hashlib.sha256(body).hexdigest()
        monkeypatch.setattr(fashion_mnist._common, "ORIGIN_FOLDER", server.url("/fm/"))
        monkeypatch.setattr(fashion_mnist, "_SHA256", hashes)
        (x_train, _), (x_test, _) = fashion_mnist.load_data()
        fashion_mnist.load_data()
        assert len(server.requests) == 4  # the second load came from the cache
    assert x_train.shape == (6, 28, 28) and x_test.shape == (4, 28, 28)
    assert sorted(os.listdir(tmp_path / "tfx_home" / "datasets" / "fashion-mnist")) == sorted(hashes)


# -- MNIST ------------------------------------------------------------------------------------------
def test_mnist_from_npz_path_and_idx_folder(tmp_path):
    rng = np.random.default_rng(1)
    arrays = {
        "x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 5, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 3, dtype=np.uint8),
    }
    np.savez_compressed(tmp_path / "mnist.npz", **arrays)
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path=str(tmp_path / "mnist.npz"))
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    assert y_train.dtype == np.uint8 and x_test.shape == (3, 28, 28) and y_test.shape == (3,)
    data = write_mnist_folder(tmp_path / "idx", compress=False)
    (x_train, _), (_, y_test) = mnist.load_data(path=str(tmp_path / "idx"))
    np.testing.assert_array_equal(x_train, data["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_test, data["t10k-labels-idx1-ubyte"])


def test_mnist_default_path_downloads_once_and_checks_the_hash(tmp_path, monkeypatch):
    buf = tmp_path / "src.npz"
    np.savez(
        buf,
        x_train=np.zeros((2, 28, 28), np.uint8),
        y_train=np.zeros(2, np.uint8),
        x_test=np.zeros((1, 28, 28), np.uint8),
        y_test=np.zeros(1, np.uint8),
    )
    body = buf.read_bytes()
    with LocalServer() as server:
        server.files["/mnist.npz"] = body
        monkeypatch.setattr(mnist, "_ORIGIN", server.url("/mnist.npz"))
        monkeypatch.setattr(mnist, "_SHA256", "f" * 64)
        with pytest.raises(ValueError, match="hash"):
            mnist.load_data()
        monkeypatch.setattr(mnist, "_SHA256", hashlib.sha256(body).hexdigest())
        (x_train, _), _ = mnist.load_data()
        mnist.load_data()
        assert len(server.requests) == 2
    assert x_train.shape == (2, 28, 28)
    assert os.path.isfile(tmp_path / "tfx_home" / "datasets" / "mnist.npz")


# -- CIFAR ------------------------------------------------------------------------------------------
def cifar_batch(n, seed, label_keys):
    rng = np.random.default_rng(seed)
    d = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"batch_label": b"x"}
    for key in label_keys:
        d[key.encode()] = rng.integers(0, 10, n).tolist()
    return d


def write_cifar10_archive(path, n=3):
    batches = {f"data_batch_{i}": cifar_batch(n, i, ["labels"]) for i in range(1, 6)}
    batches["test_batch"] = cifar_batch(n, 9, ["labels"])
    with tarfile.open(path, "w:gz") as tar:
        for name, d in batches.items():
            file = path.parent / name
            file.write_bytes(pickle.dumps(d, protocol=2))
            tar.add(file, arcname=f"cifar-10-batches-py/{name}")
    return batches


def test_cifar10_from_archive_and_folder(tmp_path):
    batches = write_cifar10_archive(tmp_path / "cifar-10-python.tar.gz")
    (x_train, y_train), (x_test, y_test) = cifar10.load_data(path=str(tmp_path / "cifar-10-python.tar.gz"))
    assert x_train.shape == (15, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (15, 1) and y_train.dtype == np.uint8 and x_test.shape == (3, 32, 32, 3)
    row = batches["data_batch_2"][b"data"][1]  # sample 4: R plane, G plane, B plane of 32x32
    assert x_train[4, 5, 7, 0] == row[5 * 32 + 7] and x_train[4, 5, 7, 2] == row[2048 + 5 * 32 + 7]
    assert y_train[4, 0] == batches["data_batch_2"][b"labels"][1]
    assert y_test[:, 0].tolist() == batches["test_batch"][b"labels"]
    extracted = tmp_path / "cifar-10-python_extracted"
    (x2, _), _ = cifar10.load_data(path=str(extracted))
    np.testing.assert_array_equal(x2, x_train)
    (x3, _), _ = cifar10.load_data(path=str(extracted / "cifar-10-batches-py"))
    np.testing.assert_array_equal(x3, x_train)


def test_cifar_refuses_a_malicious_pickle(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        (folder / name).write_bytes(pickle.dumps({b"data": Evil(), b"labels": []}))
    with pytest.raises(pickle.UnpicklingError, match="only NumPy arrays"):
        cifar10.load_data(path=str(tmp_path))


def test_cifar100_label_modes(tmp_path):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    train = cifar_batch(4, 1, ["fine_labels", "coarse_labels"])
    test = cifar_batch(2, 2, ["fine_labels", "coarse_labels"])
    (folder / "train").write_bytes(pickle.dumps(train))
    (folder / "test").write_bytes(pickle.dumps(test))
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(path=str(tmp_path))
    assert x_train.shape == (4, 32, 32, 3) and y_train[:, 0].tolist() == train[b"fine_labels"]
    _, (_, y_coarse) = cifar100.load_data(label_mode="coarse", path=str(folder))
    assert y_coarse.shape == (2, 1) and y_coarse[:, 0].tolist() == test[b"coarse_labels"]
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data(label_mode="medium")


# -- IMDB / Reuters ---------------------------------------------------------------------------------
def object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = list(s)
    return out


def keras_order(n_first, n_second, seed):
    rng = np.random.RandomState(seed)  # Keras shuffles each split in turn with one RandomState
    a, b = np.arange(n_first), np.arange(n_second)
    rng.shuffle(a)
    rng.shuffle(b)
    return a, b


TRAIN = [[1, 2, 3], [4, 5], [6], [2, 2, 2, 2]]
TEST = [[7, 1], [3, 3, 3]]


@pytest.fixture
def imdb_file(tmp_path):
    path = tmp_path / "imdb.npz"
    np.savez(
        path,
        x_train=object_array(TRAIN),
        y_train=np.array([0, 1, 0, 1]),
        x_test=object_array(TEST),
        y_test=np.array([1, 0]),
    )
    return str(path)


def test_imdb_defaults(imdb_file):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(path=imdb_file)
    a, b = keras_order(4, 2, 113)
    assert x_train.dtype == object and len(x_train) == 4 and len(x_test) == 2
    # start_char 1, then each word + 3; without num_words the largest index (10) becomes OOV (2).
    expected_train = [[1] + [w + 3 if w + 3 < 10 else 2 for w in TRAIN[i]] for i in a]
    expected_test = [[1] + [w + 3 if w + 3 < 10 else 2 for w in TEST[i]] for i in b]
    assert list(x_train) == expected_train and list(x_test) == expected_test
    assert y_train.tolist() == [[0, 1, 0, 1][i] for i in a] and y_test.tolist() == [[1, 0][i] for i in b]


def test_imdb_vocabulary_and_length_options(imdb_file):
    (x_train, _), _ = imdb.load_data(path=imdb_file, num_words=6, skip_top=4, seed=0)
    a, _ = keras_order(4, 2, 0)
    assert list(x_train) == [[2] + [w + 3 if 4 <= w + 3 < 6 else 2 for w in TRAIN[i]] for i in a]
    (x_train, y_train), (x_test, _) = imdb.load_data(path=imdb_file, maxlen=4, seed=0)
    assert sorted(map(len, x_train)) == [2, 3] and len(y_train) == 2  # len < maxlen, marker included
    assert [len(s) for s in x_test] == [3]
    (x_train, _), _ = imdb.load_data(
        path=imdb_file, num_words=7, oov_char=None, start_char=None, index_from=0, seed=0
    )
    assert list(x_train) == [[w for w in TRAIN[i] if w < 7] for i in a]
    with pytest.raises(ValueError, match="maxlen"):
        imdb.load_data(path=imdb_file, maxlen=1)


def test_imdb_word_index(tmp_path):
    (tmp_path / "imdb_word_index.json").write_text(json.dumps({"the": 1, "and": 2}))
    assert imdb.get_word_index(path=str(tmp_path / "imdb_word_index.json")) == {"the": 1, "and": 2}


def test_reuters_split_and_labels(tmp_path):
    xs = [[1, 2], [3], [4, 4, 4], [5, 1], [2]]
    np.savez(tmp_path / "reuters.npz", x=object_array(xs), y=np.array([0, 1, 2, 3, 4]))
    (x_train, y_train), (x_test, y_test) = reuters.load_data(
        path=str(tmp_path / "reuters.npz"), test_split=0.4
    )
    order = np.arange(5)
    np.random.RandomState(113).shuffle(order)
    assert len(x_train) == 3 and len(x_test) == 2
    assert y_train.tolist() + y_test.tolist() == order.tolist()
    assert list(x_train)[0] == [1] + [w + 3 if w + 3 < 8 else 2 for w in xs[order[0]]]
    assert len(reuters.get_label_names()) == 46 and reuters.get_label_names()[3] == "earn"


def test_object_arrays_cannot_smuggle_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    arr = np.empty(2, dtype=object)
    arr[0], arr[1] = [1, 2], Evil()
    np.savez(tmp_path / "reuters.npz", x=arr, y=np.array([0, 1]))
    with pytest.raises(pickle.UnpicklingError, match="only NumPy arrays"):
        reuters.load_data(path=str(tmp_path / "reuters.npz"))


# -- housing ----------------------------------------------------------------------------------------
def test_boston_housing_split(tmp_path):
    x = np.arange(130, dtype=np.float64).reshape(10, 13)
    y = np.arange(10, dtype=np.float64) * 1.5
    np.savez(tmp_path / "boston_housing.npz", x=x, y=y)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(path=str(tmp_path / "boston_housing.npz"))
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert x_train.shape == (8, 13) and x_test.shape == (2, 13) and y_test.shape == (2,)
    np.testing.assert_array_equal(x_train, x[order[:8]])
    np.testing.assert_array_equal(y_test, y[order[8:]])
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(path=str(tmp_path / "boston_housing.npz"), test_split=1.0)


def test_california_housing_versions(tmp_path):
    x = np.arange(700 * 8, dtype=np.float32).reshape(700, 8)
    np.savez(tmp_path / "ch.npz", x=x, y=np.arange(700, dtype=np.float32))
    (x_train, _), (x_test, _) = california_housing.load_data(path=str(tmp_path / "ch.npz"))
    assert x_train.shape == (560, 8) and x_test.shape == (140, 8)
    (x_train, y_train), (x_test, _) = california_housing.load_data(
        version="small", path=str(tmp_path / "ch.npz")
    )
    assert x_train.shape == (480, 8) and x_test.shape == (120, 8) and y_train.max() < 600
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data(version="medium", path=str(tmp_path / "ch.npz"))
