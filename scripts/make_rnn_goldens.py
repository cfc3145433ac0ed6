"""Golden values for the sequence kernels (RNN, attention, embedding) from PyTorch and TensorFlow/Keras.

Run once with the side environment that has torch, tensorflow and keras (never a project
dependency):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/make_rnn_goldens.py

It writes small ``tests/fixtures/kernels/rnn_*.npz`` files that tests/kernels/test_rnn.py,
test_attention.py and test_embedding.py compare against.  Every case is computed in float64 so the
tests can compare tightly.  Each file holds the inputs and weights in the Keras layouts, the
weights ``w_*`` of the scalar loss ``sum(w_y * outputs) + sum(w_h * final_h) (+ sum(w_c * final_c))``,
the forward results and the gradients ``g_*`` of that loss.

Weight mappings to PyTorch:
- LSTM: Keras gates i, f, c, o along the last axis; torch orders weight rows i, f, g, o: the same
  order, so ``weight_ih = kernel.T``, ``weight_hh = recurrent_kernel.T``, ``bias_ih = bias``,
  ``bias_hh = 0``.
- GRU: torch computes the Keras ``reset_after=True`` cell with its rows ordered r, z, n, so the
  z and r blocks of the Keras columns swap: ``weight_ih = kernel[:, [r, z, h]].T`` and row 0 / row 1
  of the Keras bias become ``bias_ih`` / ``bias_hh`` in the same order.
"""

from __future__ import annotations

import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "kernels")
RNG = np.random.default_rng(20240611)
B, T, F, U = 3, 5, 4, 6


def _normal(*shape: int, scale: float = 0.5) -> np.ndarray:
    return RNG.normal(size=shape) * scale


def _save(name: str, **arrays: object) -> None:
    path = os.path.join(OUT, f"rnn_{name}.npz")
    np.savez_compressed(path, **{k: np.asarray(v) for k, v in arrays.items()})
    print("wrote", os.path.relpath(path), os.path.getsize(path), "bytes")


def _mask() -> np.ndarray:
    # leading, inner and trailing masked steps, and a fully kept row
    return np.array(
        [[True, False, True, True, False], [False, False, True, True, True], [True, True, True, True, True]]
    )


# -- PyTorch: LSTM and GRU (reset_after=True) ----------------------------------------------------
def torch_lstm() -> None:
    x, h0, c0 = _normal(B, T, F), _normal(B, U), _normal(B, U)
    kernel, rec, bias = _normal(F, 4 * U), _normal(U, 4 * U), _normal(4 * U)
    wy, wh, wc = _normal(B, T, U, scale=1), _normal(B, U, scale=1), _normal(B, U, scale=1)
    net = torch.nn.LSTM(F, U, batch_first=True).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(kernel.T))
        net.weight_hh_l0.copy_(torch.tensor(rec.T))
        net.bias_ih_l0.copy_(torch.tensor(bias))
        net.bias_hh_l0.zero_()
    xt, ht, ct = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
    y, (h, c) = net(xt, (ht[None], ct[None]))
    loss = (y * torch.tensor(wy)).sum() + (h[0] * torch.tensor(wh)).sum() + (c[0] * torch.tensor(wc)).sum()
    loss.backward()
    _save(
        "torch_lstm",
        x=x,
        h0=h0,
        c0=c0,
        kernel=kernel,
        recurrent_kernel=rec,
        bias=bias,
        w_y=wy,
        w_h=wh,
        w_c=wc,
        y=y.detach().numpy(),
        h=h[0].detach().numpy(),
        c=c[0].detach().numpy(),
        g_x=xt.grad.numpy(),
        g_h0=ht.grad.numpy(),
        g_c0=ct.grad.numpy(),
        g_kernel=net.weight_ih_l0.grad.numpy().T,
        g_recurrent_kernel=net.weight_hh_l0.grad.numpy().T,
        g_bias=net.bias_ih_l0.grad.numpy(),
    )


def torch_gru() -> None:
    x, h0 = _normal(B, T, F), _normal(B, U)
    kernel, rec, bias = _normal(F, 3 * U), _normal(U, 3 * U), _normal(2, 3 * U)
    wy, wh = _normal(B, T, U, scale=1), _normal(B, U, scale=1)
    z, r, n = slice(0, U), slice(U, 2 * U), slice(2 * U, 3 * U)

    def to_torch(a: np.ndarray) -> np.ndarray:  # Keras columns z, r, h -> torch order r, z, n
        return np.concatenate([a[..., r], a[..., z], a[..., n]], axis=-1)

    def from_torch(a: np.ndarray) -> np.ndarray:
        return np.concatenate([a[..., U : 2 * U], a[..., :U], a[..., 2 * U :]], axis=-1)

    net = torch.nn.GRU(F, U, batch_first=True).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(to_torch(kernel).T))
        net.weight_hh_l0.copy_(torch.tensor(to_torch(rec).T))
        net.bias_ih_l0.copy_(torch.tensor(to_torch(bias[0])))
        net.bias_hh_l0.copy_(torch.tensor(to_torch(bias[1])))
    xt, ht = (torch.tensor(a, requires_grad=True) for a in (x, h0))
    y, h = net(xt, ht[None])
    loss = (y * torch.tensor(wy)).sum() + (h[0] * torch.tensor(wh)).sum()
    loss.backward()
    _save(
        "torch_gru",
        x=x,
        h0=h0,
        kernel=kernel,
        recurrent_kernel=rec,
        bias=bias,
        w_y=wy,
        w_h=wh,
        y=y.detach().numpy(),
        h=h[0].detach().numpy(),
        g_x=xt.grad.numpy(),
        g_h0=ht.grad.numpy(),
        g_kernel=from_torch(net.weight_ih_l0.grad.numpy().T),
        g_recurrent_kernel=from_torch(net.weight_hh_l0.grad.numpy().T),
        g_bias=np.stack([from_torch(net.bias_ih_l0.grad.numpy()), from_torch(net.bias_hh_l0.grad.numpy())]),
    )


# -- Keras 3 (TensorFlow backend): masks, go_backwards, reset_after=False ----------------------------
def keras_case(name: str, kind: str, go_backwards: bool, return_sequences: bool, **layer_kw: object) -> None:
    gates = {"simple_rnn": 1, "lstm": 4, "gru": 3}[kind]
    cls = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind]
    n_states = 2 if kind == "lstm" else 1
    layer = cls(
        U,
        return_sequences=return_sequences,
        return_state=True,
        go_backwards=go_backwards,
        dtype="float64",
        **layer_kw,
    )
    x = _normal(B, T, F)
    states = [_normal(B, U) for _ in range(n_states)]
    mask = _mask()
    layer.build((B, T, F))
    weights = [_normal(*w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    out_shape = (B, T, U) if return_sequences else (B, U)
    wy = _normal(*out_shape, scale=1)
    ws = [_normal(B, U, scale=1) for _ in range(n_states)]
    xt = tf.constant(x)
    st = [tf.constant(s) for s in states]
    with tf.GradientTape() as tape:
        tape.watch([xt] + st)
        y, *finals = layer(xt, mask=tf.constant(mask), initial_state=st)
        loss = tf.reduce_sum(y * wy) + sum(tf.reduce_sum(f * w) for f, w in zip(finals, ws))
    grads = tape.gradient(loss, [xt] + st + list(layer.trainable_weights))
    names = ["h", "c"][:n_states]
    arrays = dict(
        x=x,
        mask=mask,
        kernel=weights[0],
        recurrent_kernel=weights[1],
        bias=weights[2],
        w_y=wy,
        y=y.numpy(),
        g_x=grads[0].numpy(),
        g_kernel=grads[1 + n_states].numpy(),
        g_recurrent_kernel=grads[2 + n_states].numpy(),
        g_bias=grads[3 + n_states].numpy(),
        go_backwards=go_backwards,
        return_sequences=return_sequences,
        reset_after=layer_kw.get("reset_after", True),
        activation=layer_kw.get("activation", "tanh"),
        zero_output_for_mask=layer_kw.get("zero_output_for_mask", False),
    )
    for k, n in enumerate(names):
        arrays[f"{n}0"] = states[k]
        arrays[f"w_{n}"] = ws[k]
        arrays[n] = finals[k].numpy()
        arrays[f"g_{n}0"] = grads[1 + k].numpy()
    assert weights[1].shape == (U, gates * U)
    _save(f"keras_{name}", **arrays)


# -- attention (PyTorch scaled_dot_product_attention) and embedding (tf.nn.embedding_lookup) ------
def torch_attention() -> None:
    b, tq, s, n, h = 2, 4, 5, 3, 6
    q, k, v = _normal(b, tq, n, h, scale=1), _normal(b, s, n, h, scale=1), _normal(b, s, n, h, scale=1)
    keep = RNG.random((b, 1, tq, s)) > 0.3
    keep[..., 0] = True  # every query keeps at least one key
    additive = _normal(b, n, tq, s, scale=1)
    wy = _normal(b, tq, n, h, scale=1)
    arrays: dict[str, object] = dict(q=q, k=k, v=v, keep=keep, additive=additive, w_y=wy)
    for tag, mask in (("bool", torch.tensor(keep)), ("add", torch.tensor(additive)), ("none", None)):
        qt, kt, vt = (torch.tensor(a.transpose(0, 2, 1, 3), requires_grad=True) for a in (q, k, v))
        y = torch.nn.functional.scaled_dot_product_attention(qt, kt, vt, attn_mask=mask)
        (y * torch.tensor(wy.transpose(0, 2, 1, 3))).sum().backward()
        arrays[f"y_{tag}"] = y.detach().numpy().transpose(0, 2, 1, 3)
        for nm, a in (("q", qt), ("k", kt), ("v", vt)):
            arrays[f"g_{nm}_{tag}"] = a.grad.numpy().transpose(0, 2, 1, 3)
    # causal, with an explicit scale
    qt, kt, vt = (torch.tensor(a.transpose(0, 2, 1, 3), requires_grad=True) for a in (q, k, v))
    y = torch.nn.functional.scaled_dot_product_attention(qt, kt, vt, is_causal=True, scale=0.3)
    (y * torch.tensor(wy.transpose(0, 2, 1, 3))).sum().backward()
    arrays["y_causal"] = y.detach().numpy().transpose(0, 2, 1, 3)
    for nm, a in (("q", qt), ("k", kt), ("v", vt)):
        arrays[f"g_{nm}_causal"] = a.grad.numpy().transpose(0, 2, 1, 3)
    _save("torch_attention", **arrays)


def tf_embedding() -> None:
    params = _normal(7, 3, scale=1)
    ids = np.array([[0, 6, 2], [2, 2, 5]], dtype=np.int32)
    wy = _normal(2, 3, 3, scale=1)
    p = tf.Variable(params)
    with tf.GradientTape() as tape:
        y = tf.nn.embedding_lookup(p, ids)
        loss = tf.reduce_sum(y * wy)
    g = tape.gradient(loss, p)
    with tf.GradientTape() as tape:
        y2 = tf.nn.embedding_lookup(p, ids, max_norm=1.0)
        loss2 = tf.reduce_sum(y2 * wy)
    g2 = tape.gradient(loss2, p)
    _save(
        "tf_embedding",
        params=params,
        ids=ids,
        w_y=wy,
        y=y.numpy(),
        g_params=tf.convert_to_tensor(g).numpy(),
        y_max_norm=y2.numpy(),
        g_params_max_norm=tf.convert_to_tensor(g2).numpy(),
    )


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch_lstm()
    torch_gru()
    keras_case("lstm_mask_backwards", "lstm", go_backwards=True, return_sequences=True)
    keras_case("lstm_mask_last", "lstm", go_backwards=False, return_sequences=False)
    keras_case("gru_reset_before_mask", "gru", go_backwards=False, return_sequences=True, reset_after=False)
    keras_case("gru_reset_after_mask_backwards_last", "gru", go_backwards=True, return_sequences=False)
    keras_case("simple_rnn_mask", "simple_rnn", go_backwards=False, return_sequences=True)
    keras_case(
        "simple_rnn_relu_mask_backwards",
        "simple_rnn",
        go_backwards=True,
        return_sequences=True,
        activation="relu",
    )
    keras_case(
        "lstm_zero_output_mask", "lstm", go_backwards=False, return_sequences=True, zero_output_for_mask=True
    )
    torch_attention()
    tf_embedding()
