"""``model.summary()`` reproduces Keras 3's table exactly (texts printed by Keras 3.15 on an 80 or 200
column console; only model names that Keras numbers differently were adjusted)."""

import pytest

from tensorflux import keras
from tensorflux.keras import layers


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    keras.backend.clear_session()
    monkeypatch.setenv("COLUMNS", "80")
    yield


def _summary(model, **kwargs):
    out = []
    model.summary(print_fn=out.append, **kwargs)
    assert len(out) == 1  # Keras 3 passes the whole table in one call
    return out[0]


SEQUENTIAL = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 1)              │             2 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 2 (8.00 B)
 Trainable params: 2 (8.00 B)
 Non-trainable params: 0 (0.00 B)
"""


AUTOENCODER = """\
Model: "functional_1"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ input_layer_1 (InputLayer)      │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 32)             │        25,120 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 784)            │        25,872 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 50,992 (199.19 KB)
 Trainable params: 50,992 (199.19 KB)
 Non-trainable params: 0 (0.00 B)
"""


UNBUILT = """\
Model: "sequential_1"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense_3 (Dense)                 │ ?                      │   0 (unbuilt) │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""


TWO_HEADS = """\
Model: "two_heads"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ x (InputLayer)      │ (None, 4)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ hidden (Dense)      │ (None, 3)         │         15 │ x[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ head_a (Dense)      │ (None, 2)         │          8 │ hidden[0][0]      │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ head_b (Dense)      │ (None, 1)         │          4 │ hidden[0][0]      │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 27 (108.00 B)
 Trainable params: 27 (108.00 B)
 Non-trainable params: 0 (0.00 B)
"""


FROZEN_LONG_NAME = """\
Model: "seq"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ a_really_long_dense_layer_name… │ (None, 3)              │            18 │
│ (Dense)                         │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ drop (Dropout)                  │ (None, 3)              │             0 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 18 (72.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 18 (72.00 B)
"""


SHOW_TRAINABLE = """\
Model: "seq"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓
┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩
│ a_really_long_dense_layer_… │ (None, 3)             │         18 │   N   │
│ (Dense)                     │                       │            │       │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ drop (Dropout)              │ (None, 3)             │          0 │   -   │
└─────────────────────────────┴───────────────────────┴────────────┴───────┘
 Total params: 18 (72.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 18 (72.00 B)
"""


TWO_HEADS_WIDE = """\
Model: "two_heads"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ x (InputLayer)                │ (None, 4)                 │               0 │ -                          │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ hidden (Dense)                │ (None, 3)                 │              15 │ x[0][0]                    │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ head_a (Dense)                │ (None, 2)                 │               8 │ hidden[0][0]               │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ head_b (Dense)                │ (None, 1)                 │               4 │ hidden[0][0]               │
└───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘
 Total params: 27 (108.00 B)
 Trainable params: 27 (108.00 B)
 Non-trainable params: 0 (0.00 B)
"""


SEQ_WIDE = """\
Model: "seq"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ a_really_long_dense_layer_name_here  │ (None, 3)                   │              18 │
│ (Dense)                              │                             │                 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ drop (Dropout)                       │ (None, 3)                   │               0 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 18 (72.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 18 (72.00 B)
"""


def test_seed_linear_regression_summary():
    model = keras.Sequential([layers.Dense(1, input_shape=(1,))])
    assert _summary(model) == SEQUENTIAL


def test_autoencoder_summary():
    x = keras.Input(shape=(784,), name="input_layer_1")
    encoded = layers.Dense(32, activation="relu", name="dense_1")(x)
    decoded = layers.Dense(784, activation="sigmoid", name="dense_2")(encoded)
    assert _summary(keras.Model(x, decoded, name="functional_1")) == AUTOENCODER


def test_unbuilt_sequential_summary():
    assert _summary(keras.Sequential([layers.Dense(4, name="dense_3")], name="sequential_1")) == UNBUILT


def _two_heads():
    i = keras.Input((4,), name="x")
    h = layers.Dense(3, name="hidden")(i)
    return keras.Model(
        i, [layers.Dense(2, name="head_a")(h), layers.Dense(1, name="head_b")(h)], name="two_heads"
    )


def _seq():
    m = keras.Sequential(
        [
            keras.Input((5,)),
            layers.Dense(3, name="a_really_long_dense_layer_name_here"),
            layers.Dropout(0.1, name="drop"),
        ],
        name="seq",
    )
    m.layers[0].trainable = False
    return m


def test_branching_graph_has_connected_to_column():
    assert _summary(_two_heads()) == TWO_HEADS


def test_long_names_wrap_and_cut_and_frozen_counts():
    assert _summary(_seq()) == FROZEN_LONG_NAME
    assert _summary(_seq(), show_trainable=True) == SHOW_TRAINABLE


def test_wide_console(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert _summary(_two_heads()) == TWO_HEADS_WIDE
    assert _summary(_seq()) == SEQ_WIDE


def test_prints_to_stdout_without_print_fn(capsys):
    keras.Sequential([layers.Dense(1, input_shape=(1,))]).summary()
    assert capsys.readouterr().out == SEQUENTIAL


SEED_CNN = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 26, 26, 32)     │           320 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 13, 13, 32)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 11, 11, 64)     │        18,496 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_1 (MaxPooling2D)  │ (None, 5, 5, 64)       │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_2 (Conv2D)               │ (None, 3, 3, 64)       │        36,928 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 576)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 64)             │        36,928 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           650 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 93,322 (364.54 KB)
 Trainable params: 93,322 (364.54 KB)
 Non-trainable params: 0 (0.00 B)
"""


def test_seed_cnn_summary_reports_93322_parameters():
    if not hasattr(layers, "Conv2D"):
        pytest.skip("the convolution layers are not in this tree yet")
    model = keras.Sequential(
        [
            layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 93322
    assert _summary(model) == SEED_CNN
