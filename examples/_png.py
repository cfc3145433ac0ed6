"""A tiny PNG writer for the examples (zlib + struct; no imaging library needed)."""

import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path: str, image: np.ndarray) -> None:
    """Write a 2-D grey image with values in [0, 1] as an 8-bit greyscale PNG.

    >>> write_png("/tmp/ramp.png", np.linspace(0, 1, 256).reshape(16, 16))
    """
    pixels = (np.clip(np.asarray(image, "float64"), 0.0, 1.0) * 255).round().astype(np.uint8)
    height, width = pixels.shape
    # every scanline starts with its filter type; 0 means "stored as is"
    raw = np.hstack([np.zeros((height, 1), np.uint8), pixels]).tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(_chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def image_grid(images: np.ndarray, columns: int = 8, pad: int = 2) -> np.ndarray:
    """Tile images of shape (n, h, w) or (n, h, w, 1) into one (rows*h, columns*w) image."""
    images = np.asarray(images).reshape(len(images), *np.shape(images)[1:3])
    n, h, w = images.shape
    rows = -(-n // columns)
    grid = np.ones((rows * (h + pad) + pad, columns * (w + pad) + pad), images.dtype)
    for i, img in enumerate(images):
        top, left = (pad + (h + pad) * (i // columns), pad + (w + pad) * (i % columns))
        grid[top : top + h, left : left + w] = img
    return grid
