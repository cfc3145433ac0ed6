"""get_file against a local HTTP server: caching, hashes, atomic writes, extraction, offline errors."""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest
from _http_server import LocalServer, closed_port_url  # tests/keras/_http_server.py

from tensorflux.keras.utils import file_utils
from tensorflux.keras.utils.file_utils import extract_archive, get_file, hash_file, validate_file

PAYLOAD = bytes(range(256)) * 1000  # 256 kB: several read chunks
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()


@pytest.fixture
def homes(tmp_path, monkeypatch):
    """Cache roots in a temp folder, never the real home."""
    tfx, keras = tmp_path / "tfx_home", tmp_path / "keras_home"
    monkeypatch.setenv("TENSORFLUX_HOME", str(tfx))
    monkeypatch.setenv("KERAS_HOME", str(keras))
    return tfx, keras


@pytest.fixture
def server():
    with LocalServer() as s:
        s.files["/data/file.bin"] = PAYLOAD
        yield s


def listing(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_download_is_cached_and_reused_without_a_request(homes, server):
    tfx, _ = homes
    path = get_file("file.bin", origin=server.url("/data/file.bin"), file_hash=SHA256)
    assert path == str(tfx / "datasets" / "file.bin")
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert len(server.requests) == 1
    again = get_file("file.bin", origin=server.url("/data/file.bin"), file_hash=SHA256)
    assert again == path and len(server.requests) == 1  # served from the cache
    get_file("file.bin", origin=server.url("/data/file.bin"), file_hash=SHA256, force_download=True)
    assert len(server.requests) == 2
    assert listing(tfx / "datasets") == ["file.bin"]  # no temporary files left behind


def test_name_from_url_md5_and_custom_dirs(homes, server, tmp_path):
    path = get_file(
        origin=server.url("/data/file.bin"), md5_hash=MD5, cache_dir=str(tmp_path / "c"), cache_subdir="sub"
    )
    assert path == str(tmp_path / "c" / "sub" / "file.bin")
    assert validate_file(path, MD5) and validate_file(path, SHA256)
    assert not validate_file(path, "0" * 64)
    assert hash_file(path) == SHA256 and hash_file(path, "md5") == MD5


def test_checksum_mismatch_is_refused_and_nothing_is_cached(homes, server):
    tfx, _ = homes
    with pytest.raises(ValueError, match="hash"):
        get_file("file.bin", origin=server.url("/data/file.bin"), file_hash="0" * 64)
    assert listing(tfx / "datasets") == []


def test_truncated_download_leaves_no_file(homes, server):
    tfx, _ = homes
    server.truncate.add("/data/file.bin")
    with pytest.raises(OSError, match="file.bin") as err:
        get_file("file.bin", origin=server.url("/data/file.bin"))  # no hash: the length check catches it
    assert "closed early" in str(err.value)
    assert listing(tfx / "datasets") == []
    with pytest.raises(OSError):
        get_file("file.bin", origin=server.url("/data/file.bin"), file_hash=SHA256)
    assert listing(tfx / "datasets") == []


def test_bad_cached_file_is_downloaded_again(homes, server):
    tfx, _ = homes
    os.makedirs(tfx / "datasets")
    (tfx / "datasets" / "file.bin").write_bytes(b"partial junk")
    path = get_file("file.bin", origin=server.url("/data/file.bin"), file_hash=SHA256)
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert len(server.requests) == 1


def test_a_file_in_the_keras_cache_is_used_in_place(homes, server):
    _, keras = homes
    os.makedirs(keras / "datasets")
    (keras / "datasets" / "file.bin").write_bytes(PAYLOAD)
    path = get_file("file.bin", origin=server.url("/data/file.bin"), file_hash=SHA256)
    assert path == str(keras / "datasets" / "file.bin") and server.requests == []
    (keras / "datasets" / "file.bin").write_bytes(b"stale")  # wrong hash: not used
    path = get_file("file.bin", origin=server.url("/data/file.bin"), file_hash=SHA256)
    assert path != str(keras / "datasets" / "file.bin") and len(server.requests) == 1


def test_offline_error_names_the_url_and_where_to_put_the_file(homes):
    tfx, _ = homes
    url = closed_port_url("/tf-keras-datasets/mnist.npz")
    with pytest.raises(OSError) as err:
        get_file("mnist.npz", origin=url, file_hash=SHA256)
    msg = str(err.value)
    assert url in msg
    assert str(tfx / "datasets" / "mnist.npz") in msg and SHA256 in msg
    assert listing(tfx / "datasets") == []


def test_http_error_is_reported(homes, server):
    with pytest.raises(OSError, match="404"):
        get_file("nope.bin", origin=server.url("/data/nope.bin"))


def test_progress_goes_to_stderr_only_as_a_message_when_not_a_terminal(homes, server, capsys):
    get_file("file.bin", origin=server.url("/data/file.bin"))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Downloading data from" in captured.err and "\r" not in captured.err


def make_tar_gz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def make_zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_extract_tar_once_with_keras_naming(homes, server):
    tfx, _ = homes
    archive = make_tar_gz({"top/a.txt": b"A", "top/sub/b.txt": b"B"})
    server.files["/arch.tar.gz"] = archive
    sha = hashlib.sha256(archive).hexdigest()
    folder = get_file("thing", origin=server.url("/arch.tar.gz"), extract=True, file_hash=sha)
    assert folder == str(tfx / "datasets" / "thing")
    with open(os.path.join(folder, "top", "sub", "b.txt"), "rb") as f:
        assert f.read() == b"B"
    assert os.path.isfile(tfx / "datasets" / "thing_archive")
    os.remove(os.path.join(folder, "top", "a.txt"))
    get_file("thing", origin=server.url("/arch.tar.gz"), extract=True, file_hash=sha)
    assert not os.path.exists(os.path.join(folder, "top", "a.txt"))  # already extracted: kept as is
    assert len(server.requests) == 1
    dotted = get_file("arch.tar.gz", origin=server.url("/arch.tar.gz"), untar=True)
    assert dotted == str(tfx / "datasets" / "arch_extracted")
    assert os.path.isfile(os.path.join(dotted, "top", "a.txt"))


def test_extract_zip_and_non_archive(homes, server, tmp_path):
    server.files["/z.zip"] = make_zip({"inner/x.txt": b"X"})
    folder = get_file("zdir", origin=server.url("/z.zip"), extract=True)
    with open(os.path.join(folder, "inner", "x.txt"), "rb") as f:
        assert f.read() == b"X"
    with pytest.raises(ValueError, match="Could not extract"):
        get_file("plain", origin=server.url("/data/file.bin"), extract=True)
    assert not os.path.exists(os.path.join(os.path.dirname(folder), "plain"))
    assert extract_archive(str(tmp_path / "nothing"), str(tmp_path / "out"), archive_format=None) is False


@pytest.mark.parametrize("evil", ["../escape.txt", "/tmp/abs_escape.txt", "a/../../escape.txt"])
def test_unsafe_tar_members_are_refused(tmp_path, evil):
    path = tmp_path / "evil.tar.gz"
    path.write_bytes(make_tar_gz({"ok.txt": b"fine", evil: b"bad"}))
    dest = tmp_path / "dest" / "inner"
    with pytest.raises(ValueError, match="outside"):
        extract_archive(str(path), str(dest))
    assert not (tmp_path / "dest" / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()
    assert not (dest / "ok.txt").exists()  # checked before anything is written


def test_tar_symlink_out_of_the_folder_is_refused(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "../../etc/passwd"
        tar.addfile(link)
    (tmp_path / "l.tar").write_bytes(buf.getvalue())
    with pytest.raises(ValueError, match="outside"):
        extract_archive(str(tmp_path / "l.tar"), str(tmp_path / "d"))


def test_unsafe_zip_members_are_refused(tmp_path):
    (tmp_path / "evil.zip").write_bytes(make_zip({"../escape.txt": b"bad"}))
    with pytest.raises(ValueError, match="outside"):
        extract_archive(str(tmp_path / "evil.zip"), str(tmp_path / "d"))
    assert not (tmp_path / "escape.txt").exists()


def test_argument_errors(homes):
    with pytest.raises(ValueError, match="origin"):
        get_file("x")
    with pytest.raises(ValueError, match="hash algorithm"):
        get_file("x", origin="http://127.0.0.1:1/x", file_hash="ab", hash_algorithm="sha1")
    assert file_utils.tensorflux_home() == os.environ["TENSORFLUX_HOME"]
