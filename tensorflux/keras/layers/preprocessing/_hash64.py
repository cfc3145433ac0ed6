"""64-bit string hashes of TensorFlow's string ops, on host NumPy arrays of uint64.

- ``fingerprint64``: FarmHash Fingerprint64 (farmhashna ``Hash64``), what
  ``tf.strings.to_hash_bucket_fast`` and ``tf.sparse.cross_hashed`` hash strings with.
- ``siphash64``: SipHash-2-4 keyed by two 64-bit integers, what ``tf.strings.to_hash_bucket_strong``
  uses (through highwayhash).
- ``fingerprint_cat64``: TensorFlow's ``FingerprintCat64``, which chains fingerprints in crosses.

Both string hashes take a list of ``bytes``. Strings of equal length follow the same branches of
the algorithms, so they are hashed together: each length group is a ``(n, length)`` byte matrix
and every step below works on a column of ``n`` uint64 words. Products wrap modulo 2**64, as in
C; everything stays an array (NumPy warns on overflow of scalar uint64 arithmetic only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

_U64 = np.uint64
_MASK = (1 << 64) - 1

# farmhash constants
_K0 = _U64(0xC3A5C85C97CB3127)
_K1 = _U64(0xB492B66FBE98F273)
_K2 = _U64(0x9AE16A3B2F90404F)
_SHIFTS = [_U64(i) for i in range(65)]


def _rotr(v: np.ndarray, s: int) -> np.ndarray:
    return (v >> _SHIFTS[s]) | (v << _SHIFTS[64 - s])


def _rotl(v: np.ndarray, s: int) -> np.ndarray:
    return (v << _SHIFTS[s]) | (v >> _SHIFTS[64 - s])


def _shift_mix(v: np.ndarray) -> np.ndarray:
    return v ^ (v >> _SHIFTS[47])


def _fetch64(buf: np.ndarray, at: int) -> np.ndarray:
    """Little-endian uint64 words at byte offset ``at`` of every row."""
    return np.ascontiguousarray(buf[:, at : at + 8]).view("<u8")[:, 0].astype(_U64)


def _fetch32(buf: np.ndarray, at: int) -> np.ndarray:
    return np.ascontiguousarray(buf[:, at : at + 4]).view("<u4")[:, 0].astype(_U64)


def _full(n: int, value: int) -> np.ndarray:
    return np.full(n, value & _MASK, _U64)


def _hash_len16(u: np.ndarray, v: np.ndarray, mul: np.ndarray | np.uint64) -> np.ndarray:
    a = (u ^ v) * mul
    a ^= a >> _SHIFTS[47]
    b = (v ^ a) * mul
    b ^= b >> _SHIFTS[47]
    return b * mul


def _weak_hash_len32(buf: np.ndarray, at: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w, x, y, z = (_fetch64(buf, at + 8 * i) for i in range(4))
    a = a + w
    b = _rotr(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rotr(a, 44)
    return a + z, b + c


def _fp_0_to_16(buf: np.ndarray, n: int) -> np.ndarray:
    rows = buf.shape[0]
    if n == 0:
        return _full(rows, int(_K2))
    if n >= 8:
        mul = _U64((int(_K2) + 2 * n) & _MASK)
        a = _fetch64(buf, 0) + _K2
        b = _fetch64(buf, n - 8)
        c = _rotr(b, 37) * mul + a
        d = (_rotr(a, 25) + b) * mul
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = _U64((int(_K2) + 2 * n) & _MASK)
        a = _fetch32(buf, 0)
        return _hash_len16(_U64(n) + (a << _SHIFTS[3]), _fetch32(buf, n - 4), mul)
    a = buf[:, 0].astype(_U64)
    b = buf[:, n >> 1].astype(_U64)
    c = buf[:, n - 1].astype(_U64)
    y = a + (b << _SHIFTS[8])  # both fit in 32 bits, as the uint32 arithmetic of the original
    z = _U64(n) + (c << _SHIFTS[2])
    return _shift_mix((y * _K2) ^ (z * _K0)) * _K2


def _fp_17_to_32(buf: np.ndarray, n: int) -> np.ndarray:
    mul = _U64((int(_K2) + 2 * n) & _MASK)
    a = _fetch64(buf, 0) * _K1
    b = _fetch64(buf, 8)
    c = _fetch64(buf, n - 8) * mul
    d = _fetch64(buf, n - 16) * _K2
    return _hash_len16(_rotr(a + b, 43) + _rotr(c, 30) + d, a + _rotr(b + _K2, 18) + c, mul)


def _fp_33_to_64(buf: np.ndarray, n: int) -> np.ndarray:
    mul = _U64((int(_K2) + 2 * n) & _MASK)
    a = _fetch64(buf, 0) * _K2
    b = _fetch64(buf, 8)
    c = _fetch64(buf, n - 8) * mul
    d = _fetch64(buf, n - 16) * _K2
    y = _rotr(a + b, 43) + _rotr(c, 30) + d
    z = _hash_len16(y, a + _rotr(b + _K2, 18) + c, mul)
    e = _fetch64(buf, 16) * mul
    f = _fetch64(buf, 24)
    g = (y + _fetch64(buf, n - 32)) * mul
    h = (z + _fetch64(buf, n - 24)) * mul
    return _hash_len16(_rotr(e + f, 43) + _rotr(g, 30) + h, e + _rotr(f + a, 18) + g, mul)


def _fp_long(buf: np.ndarray, n: int) -> np.ndarray:
    rows = buf.shape[0]
    seed = 81
    x = _full(rows, seed)
    y = _full(rows, seed * int(_K1) + 113)
    z = _shift_mix(y * _K2 + _U64(113)) * _K2
    v0, v1, w0, w1 = (_full(rows, 0) for _ in range(4))
    x = x * _K2 + _fetch64(buf, 0)
    # whole 64-byte blocks, leaving 1 to 64 bytes for the final round over the last 64 bytes
    for at in range(0, ((n - 1) // 64) * 64, 64):
        x = _rotr(x + y + v0 + _fetch64(buf, at + 8), 37) * _K1
        y = _rotr(y + v1 + _fetch64(buf, at + 48), 42) * _K1
        x = x ^ w1
        y = y + v0 + _fetch64(buf, at + 40)
        z = _rotr(z + w0, 33) * _K1
        v0, v1 = _weak_hash_len32(buf, at, v1 * _K1, x + w0)
        w0, w1 = _weak_hash_len32(buf, at + 32, z + w1, y + _fetch64(buf, at + 16))
        x, z = z, x
    mul = _K1 + ((z & _U64(0xFF)) << _SHIFTS[1])
    at = n - 64
    w0 = w0 + _U64((n - 1) & 63)
    v0 = v0 + w0
    w0 = w0 + v0
    x = _rotr(x + y + v0 + _fetch64(buf, at + 8), 37) * mul
    y = _rotr(y + v1 + _fetch64(buf, at + 48), 42) * mul
    x = x ^ (w1 * _U64(9))
    y = y + v0 * _U64(9) + _fetch64(buf, at + 40)
    z = _rotr(z + w0, 33) * mul
    v0, v1 = _weak_hash_len32(buf, at, v1 * mul, x + w0)
    w0, w1 = _weak_hash_len32(buf, at + 32, z + w1, y + _fetch64(buf, at + 16))
    x, z = z, x
    return _hash_len16(_hash_len16(v0, w0, mul) + _shift_mix(y) * _K0 + z, _hash_len16(v1, w1, mul) + x, mul)


def _fp_fixed(buf: np.ndarray, n: int) -> np.ndarray:
    if n <= 16:
        return _fp_0_to_16(buf, n)
    if n <= 32:
        return _fp_17_to_32(buf, n)
    if n <= 64:
        return _fp_33_to_64(buf, n)
    return _fp_long(buf, n)


def _by_length(data: Sequence[bytes], fixed: Callable[[np.ndarray, int], np.ndarray]) -> np.ndarray:
    """Apply ``fixed(byte_matrix, length)`` to each group of equal-length strings."""
    out = np.empty(len(data), _U64)
    if not len(data):
        return out
    lengths = np.fromiter(map(len, data), np.int64, len(data))
    order = np.argsort(lengths, kind="stable")
    cuts = np.flatnonzero(np.diff(lengths[order])) + 1
    for idx in np.split(order, cuts):
        n = int(lengths[idx[0]])
        joined = b"".join([data[i] for i in idx.tolist()])
        buf = np.frombuffer(joined, np.uint8).reshape(len(idx), n)
        out[idx] = fixed(buf, n)
    return out


def fingerprint64(data: Sequence[bytes]) -> np.ndarray:
    """FarmHash Fingerprint64 of each byte string (TensorFlow's ``Fingerprint64``), as uint64.

    >>> int(fingerprint64([b""])[0]) == 0x9AE16A3B2F90404F
    True
    """
    return _by_length(data, _fp_fixed)


# SipHash initial-state constants ("somepseudorandomlygeneratedbytes")
_SIP_V = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)


def _sip_rounds(v: list[np.ndarray], rounds: int) -> None:
    v0, v1, v2, v3 = v
    for _ in range(rounds):
        v0 = v0 + v1
        v2 = v2 + v3
        v1 = _rotl(v1, 13) ^ v0
        v3 = _rotl(v3, 16) ^ v2
        v0 = _rotl(v0, 32)
        v2 = v2 + v1
        v0 = v0 + v3
        v1 = _rotl(v1, 17) ^ v2
        v3 = _rotl(v3, 21) ^ v0
        v2 = _rotl(v2, 32)
    v[:] = [v0, v1, v2, v3]


def siphash64(data: Sequence[bytes], key: Sequence[int]) -> np.ndarray:
    """SipHash-2-4 of each byte string with the 128-bit key ``(key[0], key[1])``, as uint64.

    ``key`` holds two integers taken modulo 2**64 (TensorFlow's ``StrongKeyedHash``).

    >>> hex(int(siphash64([b""], [0x0706050403020100, 0x0F0E0D0C0B0A0908])[0]))
    '0x726fdb47dd0e0e31'
    """
    k0, k1 = int(key[0]) & _MASK, int(key[1]) & _MASK

    def fixed(buf: np.ndarray, n: int) -> np.ndarray:
        rows = buf.shape[0]
        v = [_full(rows, _SIP_V[0] ^ k0), _full(rows, _SIP_V[1] ^ k1)]
        v += [_full(rows, _SIP_V[2] ^ k0), _full(rows, _SIP_V[3] ^ k1)]
        whole = n - n % 8
        last = np.zeros((rows, 8), np.uint8)
        last[:, : n - whole] = buf[:, whole:]
        last[:, 7] = n & 0xFF  # the length byte ends the final, zero-padded word
        words = [_fetch64(buf, at) for at in range(0, whole, 8)] + [_fetch64(last, 0)]
        for m in words:
            v[3] = v[3] ^ m
            _sip_rounds(v, 2)
            v[0] = v[0] ^ m
        v[2] = v[2] ^ _U64(0xFF)
        _sip_rounds(v, 4)
        return (v[0] ^ v[1]) ^ (v[2] ^ v[3])

    return _by_length(data, fixed)


_CAT_MUL = _U64(0xC6A4A7935BD1E995)


def fingerprint_cat64(fp1: np.ndarray, fp2: np.ndarray) -> np.ndarray:
    """TensorFlow's ``FingerprintCat64(fp1, fp2)``, elementwise on uint64 arrays (not commutative).

    >>> a = fingerprint_cat64(np.array([1], np.uint64), np.array([2], np.uint64))
    >>> bool(a[0] != fingerprint_cat64(np.array([2], np.uint64), np.array([1], np.uint64))[0])
    True
    """
    result = np.asarray(fp1, _U64) ^ _CAT_MUL
    result = result ^ (_shift_mix(np.asarray(fp2, _U64) * _CAT_MUL) * _CAT_MUL)
    result = result * _CAT_MUL
    result = _shift_mix(result) * _CAT_MUL
    return _shift_mix(result)
