"""The GAN examples: a 1-D mixture learned to 10 %, and one DCGAN epoch on real images that writes a PNG."""

import struct
import zlib

import numpy as np
import pytest


def read_png(path):
    """Decode an 8-bit greyscale PNG as written by examples/_png.py, checking every chunk's CRC."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 0) and b"IEND" in chunks
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, width + 1)
    assert not rows[:, 0].any()  # filter type 0 on every scanline
    return rows[:, 1:]


def test_png_writer_round_trips(tmp_path, examples_on_path):
    from _png import image_grid, write_png

    image = np.linspace(0, 1, 12 * 7).reshape(12, 7)
    write_png(str(tmp_path / "ramp.png"), image)
    np.testing.assert_array_equal(read_png(tmp_path / "ramp.png"), np.round(image * 255).astype(np.uint8))
    grid = image_grid(np.stack([np.zeros((3, 3)), np.full((3, 3), 0.5), np.ones((3, 3))]), columns=2, pad=1)
    assert grid.shape == (9, 9)
    np.testing.assert_array_equal(grid[1:4, 5:8], 0.5)
    np.testing.assert_array_equal(grid[5:8, 1:4], 1.0)


def test_gan_learns_a_gaussian_mixture(run_example):
    g = run_example("gan_mixture.py")
    assert abs(g["sample_mean"] - g["target_mean"]) <= 0.1 * abs(g["target_mean"])
    assert abs(g["sample_std"] - g["target_std"]) <= 0.1 * g["target_std"]
    # the target itself, sampled, is where the example says it is
    assert g["data"].mean() == pytest.approx(g["target_mean"], rel=0.02)
    assert g["data"].std() == pytest.approx(g["target_std"], rel=0.02)


def test_dcgan_trains_one_epoch_and_writes_a_png(run_example, tmp_path):
    png = tmp_path / "samples.png"
    g = run_example("gan.py", SAMPLES=1024, EPOCHS=1, PNG_PATH=png)
    gan, history = g["gan"], g["history"]
    assert history.params["steps"] == 16 and history.epoch == [0]
    assert set(history.history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(v[0]) and v[0] > 0 for v in history.history.values())
    # both players were trained by their own optimizer
    assert int(gan.d_optimizer.iterations.numpy()) == 16 and int(gan.g_optimizer.iterations.numpy()) == 16

    image = read_png(png)
    assert image.shape == (8 * 30 + 2, 8 * 30 + 2)  # 8x8 samples of 28x28 with 2-pixel borders
    samples = gan.generator(g["monitor"].noise, training=False).numpy()
    assert samples.shape == (64, 28, 28, 1)
    for i in (0, 9, 63):  # tiles in row-major order, each the generator's image of the fixed noise
        r, c = divmod(i, 8)
        tile = image[2 + 30 * r : 30 * (r + 1), 2 + 30 * c : 30 * (c + 1)]
        np.testing.assert_allclose(tile, np.round(samples[i, :, :, 0] * 255), atol=1)
    assert image[2:30, 2:30].std() > 0 and image[0].min() == 255  # a picture on white borders
