"""A minimal TensorBoard event-file writer for scalar summaries (no TensorFlow, no protobuf library).

An event file is a sequence of TFRecords, each ``length (u64) | masked crc32c(length) (u32) |
data | masked crc32c(data) (u32)``, little-endian; ``data`` is a serialized ``Event`` message.
The fields written (protobuf wire format, encoded by hand):

- ``Event``: 1 ``wall_time`` (double), 2 ``step`` (int64), 3 ``file_version`` (string),
  5 ``summary`` (message).
- ``Summary``: 1 ``value`` (repeated message); ``Summary.Value``: 1 ``tag`` (string),
  2 ``simple_value`` (float), which TensorBoard shows in its Scalars tab.
"""

from __future__ import annotations

import os
import socket
import struct
import time
from typing import Any

_CRC_TABLE: list[int] = []


def _crc_table() -> list[int]:
    if not _CRC_TABLE:
        poly = 0x82F63B78  # Castagnoli, reflected
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ poly if c & 1 else c >> 1
            _CRC_TABLE.append(c)
    return _CRC_TABLE


def crc32c(data: bytes) -> int:
    """CRC-32C of ``data`` (``crc32c(b"123456789") == 0xE3069283``)."""
    table = _crc_table()
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field_bytes(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _event(
    wall_time: float, step: int, file_version: str | None = None, summary: bytes | None = None
) -> bytes:
    msg = _varint(1 << 3 | 1) + struct.pack("<d", wall_time) + _varint(2 << 3 | 0) + _varint(int(step))
    if file_version is not None:
        msg += _field_bytes(3, file_version.encode())
    if summary is not None:
        msg += _field_bytes(5, summary)
    return msg


def _scalar_summary(tag: str, value: float) -> bytes:
    v = _field_bytes(1, tag.encode()) + _varint(2 << 3 | 5) + struct.pack("<f", float(value))
    return _field_bytes(1, v)


def record(data: bytes) -> bytes:
    """One TFRecord holding ``data``."""
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


class EventFileWriter:
    """Appends scalar summaries to ``<logdir>/events.out.tfevents.<time>.<host>.<pid>.0.v2``.

    >>> import tempfile
    >>> w = EventFileWriter(tempfile.mkdtemp())
    >>> w.scalar("epoch_loss", 0.5, step=0)
    >>> w.close()
    """

    def __init__(self, logdir: str) -> None:
        os.makedirs(logdir, exist_ok=True)
        name = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}.0.v2"
        self.path = os.path.join(logdir, name)
        self._file: Any = open(self.path, "ab")  # noqa: SIM115  (closed by close())
        self._file.write(record(_event(time.time(), 0, file_version="brain.Event:2")))
        self._file.flush()

    def scalar(self, tag: str, value: float, step: int) -> None:
        self._file.write(record(_event(time.time(), step, summary=_scalar_summary(tag, value))))

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def read_records(path: str) -> list[bytes]:
    """The payloads of a TFRecord file, checking both checksums of every record."""
    out = []
    with open(path, "rb") as f:
        while header := f.read(8):
            (n,) = struct.unpack("<Q", header)
            (hcrc,) = struct.unpack("<I", f.read(4))
            data = f.read(n)
            (dcrc,) = struct.unpack("<I", f.read(4))
            if hcrc != masked_crc32c(header) or dcrc != masked_crc32c(data):
                raise ValueError(f"{path}: corrupted record (checksum mismatch)")
            out.append(data)
    return out
