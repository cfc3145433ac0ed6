"""Golden values for the extra ``keras.ops`` NumPy functions, from Keras 3 (TensorFlow backend).

Run once with the side environment (never a dependency of the project):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/golden_keras_ops_numpy.py

It writes tests/fixtures/keras_ops/numpy_golden.npz.  Each case stores its array inputs, the call
(op name, argument spec, keyword arguments as JSON) and Keras' outputs with their dtype names, so
tests/keras/ops/test_numpy_more_golden.py replays the same calls on tensorflux without Keras.
"""

from __future__ import annotations

import json
import os

import numpy as np

rng = np.random.RandomState(7)
F = rng.randn(3, 4).astype("float32")
V = rng.randn(5).astype("float32")
I = rng.randint(-6, 9, size=(3, 4)).astype("int32")
P = rng.randint(1, 20, size=(6,)).astype("int32")
NAN = F.copy()
NAN[0, 1] = np.nan
NAN[2, :] = np.nan
SQ = (rng.randn(3, 3) + 3 * np.eye(3)).astype("float32")
V3 = rng.randn(4, 3).astype("float32")
W3 = rng.randn(4, 3).astype("float32")
SORTED = np.sort(rng.randn(6)).astype("float32")
POS = np.abs(F) + 0.5

# name -> (op, args, kwargs); an argument is an array (stored) or a Python literal
CASES = {
    "log2_int": ("log2", [P], {}),
    "log10_f": ("log10", [POS], {}),
    "exp2_int": ("exp2", [I], {}),
    "cbrt_f": ("cbrt", [F], {}),
    "trunc_f": ("trunc", [F * 3], {}),
    "trunc_int": ("trunc", [I], {}),
    "deg2rad_int": ("deg2rad", [I], {}),
    "fabs_int": ("fabs", [I], {}),
    "arcsinh_f": ("arcsinh", [F], {}),
    "arccosh_f": ("arccosh", [POS + 1], {}),
    "arctanh_f": ("arctanh", [F / 4], {}),
    "sinc_f": ("sinc", [np.array([0.0, 0.5, -1.5, 2.25], "float32")], {}),
    "i0_f": ("i0", [F * 4], {}),
    "signbit_f": ("signbit", [np.array([-0.0, 0.0, -1.0, 2.0], "float32")], {}),
    "fmod_f": ("fmod", [F * 4, np.float32(1.5)], {}),
    "fmod_int": ("fmod", [I, 4], {}),
    "heaviside_f": ("heaviside", [np.array([-1.0, 0.0, 2.0], "float32"), 0.5], {}),
    "ldexp_int": ("ldexp", [F, np.array([1, 2, 3, 4], "int32")], {}),
    "logaddexp2_f": ("logaddexp2", [F, V[:4]], {}),
    "gcd_int": ("gcd", [I, P[:4]], {}),
    "lcm_int": ("lcm", [P[:4], I], {}),
    "isclose_f": ("isclose", [F, F + 1e-6], {}),
    "allclose_f": ("allclose", [F, F + 1e-3], {}),
    "isin_f": ("isin", [F, F[0]], {}),
    "isin_int_invert": ("isin", [I, P], {"invert": True}),
    "nextafter_f": ("nextafter", [F, np.float32(0.0)], {}),
    "divide_no_nan_f": ("divide_no_nan", [F, np.array([1.0, 0.0, 2.0, 0.0], "float32")], {}),
    "fmax_nan": ("fmax", [NAN, F * 0.5], {}),
    "bitwise_and_int": ("bitwise_and", [I, 6], {}),
    "bitwise_xor_int": ("bitwise_xor", [I, P[:4]], {}),
    "left_shift_int": ("left_shift", [P, 2], {}),
    "right_shift_int": ("right_shift", [P, 1], {}),
    "bitwise_invert_int": ("bitwise_invert", [I], {}),
    "nanmean_f": ("nanmean", [NAN], {"axis": 1}),
    "nanmean_int": ("nanmean", [I], {}),
    "nansum_f": ("nansum", [NAN], {"axis": 0}),
    "nansum_int": ("nansum", [I], {}),
    "nanmax_f": ("nanmax", [NAN], {"axis": 1}),
    "nanstd_f": ("nanstd", [NAN], {"axis": 1}),
    "nanvar_int": ("nanvar", [I], {"axis": 0}),
    "nanprod_f": ("nanprod", [NAN], {"axis": 0}),
    "nanargmin_f": ("nanargmin", [NAN], {"axis": 0}),
    "nancumsum_f": ("nancumsum", [NAN], {"axis": 1}),
    "median_int": ("median", [I], {}),
    "median_f_axis": ("median", [F], {"axis": 0, "keepdims": True}),
    "quantile_f": ("quantile", [F, np.array([0.1, 0.5, 0.9], "float32")], {"axis": 1}),
    "quantile_int": ("quantile", [I, 0.3], {}),
    "percentile_f_lower": ("percentile", [F, 40], {"axis": 0, "method": "lower"}),
    "percentile_f_midpoint": ("percentile", [F, 40], {"axis": 1, "method": "midpoint"}),
    "nanmedian_f": ("nanmedian", [NAN], {"axis": 1}),
    "ptp_int": ("ptp", [I], {"axis": 1}),
    "corrcoef_f": ("corrcoef", [F], {}),
    "correlate_full": ("correlate", [V, np.array([1.0, -2.0, 0.5], "float32")], {"mode": "full"}),
    "correlate_same_int": ("correlate", [P, np.array([1, 2], "int32")], {"mode": "same"}),
    "trapezoid_int": ("trapezoid", [I], {}),
    "trapezoid_x": ("trapezoid", [F, np.array([0.0, 1.0, 3.0, 6.0], "float32")], {}),
    "cross_f": ("cross", [V3, W3], {}),
    "inner_int": ("inner", [I, I], {}),
    "vdot_mixed": ("vdot", [I, F], {}),
    "kron_int": ("kron", [I[:2, :2], P[:3]], {}),
    "append_mixed": ("append", [I, F], {}),
    "array_split": ("array_split", [P, 4], {}),
    "diag_k": ("diag", [F], {"k": 1}),
    "diag_build": ("diag", [P[:3]], {"k": -1}),
    "diagflat": ("diagflat", [I[:2, :2]], {}),
    "diff_2": ("diff", [I], {"n": 2, "axis": 1}),
    "dstack": ("dstack", [[P[:3], P[3:]]], {}),
    "hstack": ("hstack", [[F, I]], {}),
    "vstack": ("vstack", [[P[:3], P[3:]]], {}),
    "roll_axes": ("roll", [I, [1, -1], [0, 1]], {}),
    "roll_flat": ("roll", [I, 5], {}),
    "rot90_k3": ("rot90", [I], {"k": 3}),
    "tri": ("tri", [3, 4, 1], {}),
    "tril_k": ("tril", [I], {"k": -1}),
    "triu_k": ("triu", [F], {"k": 1}),
    "vander_inc": ("vander", [P[:3]], {"N": 4, "increasing": True}),
    "select": ("select", [[I > 2, I < -2], [I, -I]], {"default": 7}),
    "argpartition": ("argpartition", [V, 2], {}),
    "searchsorted_right": ("searchsorted", [SORTED, V], {"side": "right"}),
    "digitize": ("digitize", [V, np.array([-1.0, 0.0, 1.0], "float32")], {}),
    "bincount_w": ("bincount", [P[:4] % 5, F[0]], {"minlength": 6}),
    "histogram_f": ("histogram", [V], {"bins": 4}),
    "nonzero_int": ("nonzero", [I], {}),
    "unravel_index": ("unravel_index", [P, (4, 5)], {}),
    "unique_all": ("unique", [P % 5], {"return_index": True, "return_inverse": True, "return_counts": True}),
    "slogdet": ("slogdet", [SQ], {}),
    "hamming": ("hamming", [7], {}),
    "hanning": ("hanning", [6], {}),
    "blackman": ("blackman", [6], {}),
    "bartlett": ("bartlett", [5], {}),
    "kaiser": ("kaiser", [6, 4.0], {}),
    "logspace": ("logspace", [0.0, 3.0, 5], {"base": 2.0}),
    "geomspace": ("geomspace", [1.0, 1000.0, 4], {"endpoint": False}),
    "empty_like_int": ("empty_like", [I], {"dtype": "float32"}),
    "array_int": ("array", [[1, 2, 3]], {}),
}


def _spec(arg, store, key):
    if isinstance(arg, (np.ndarray, np.generic)):
        store[key] = np.asarray(arg)
        return {"array": key}
    if isinstance(arg, list) and arg and all(isinstance(a, np.ndarray) for a in arg):
        return {"list": [_spec(a, store, f"{key}_{i}") for i, a in enumerate(arg)]}
    if isinstance(arg, tuple):
        return {"tuple": list(arg)}
    return {"value": arg}


def main() -> None:
    import keras

    out: dict[str, np.ndarray] = {}
    for name, (op, args, kwargs) in CASES.items():
        specs = [_spec(a, out, f"{name}__in{i}") for i, a in enumerate(args)]
        out[f"{name}__call"] = np.array(json.dumps({"op": op, "args": specs, "kwargs": kwargs}))
        res = getattr(keras.ops, op)(*args, **kwargs)
        res = list(res) if isinstance(res, (tuple, list)) else [res]
        out[f"{name}__n"] = np.array(len(res))
        for j, r in enumerate(res):
            out[f"{name}__out{j}"] = keras.ops.convert_to_numpy(r)
            out[f"{name}__dtype{j}"] = np.array(keras.backend.standardize_dtype(r.dtype))
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "keras_ops", "numpy_golden.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
