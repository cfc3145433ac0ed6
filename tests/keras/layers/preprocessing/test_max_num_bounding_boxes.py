"""MaxNumBoundingBoxes against Keras 3.15 (TensorFlow backend) golden outputs
(scripts/golden_image_extra.py)."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.layers.preprocessing.max_num_bounding_boxes import MaxNumBoundingBoxes

G = np.load(
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "image_extra", "golden.npz")
)


def _data(single=False):
    i = 0 if single else slice(None)
    return {
        "images": G["bb_images"][i],
        "bounding_boxes": {"boxes": G["bb_boxes"][i], "labels": G["bb_labels"][i]},
    }


@pytest.mark.parametrize("n", [3, 8])
def test_pad_and_truncate_match_keras(n):
    out = MaxNumBoundingBoxes(max_number=n, bounding_box_format="xyxy")(_data())
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"].numpy(), G[f"bb_{n}_boxes"])
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"].numpy(), G[f"bb_{n}_labels"])
    assert out["bounding_boxes"]["labels"].dtype.name == "int32"
    np.testing.assert_array_equal(out["images"].numpy(), G[f"bb_{n}_images"])


def test_unbatched_with_fill_value_matches_keras():
    layer = MaxNumBoundingBoxes(max_number=7, fill_value=0, bounding_box_format="xyxy")
    out = layer(_data(single=True))
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"].numpy(), G["bb_single_boxes"])
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"].numpy(), G["bb_single_labels"])


def test_plain_images_pass_through_and_output_shape():
    layer = MaxNumBoundingBoxes(max_number=4, bounding_box_format="xyxy")
    x = np.ones((2, 3, 3, 1), np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    shapes = {"images": (2, 8, 8, 3), "bounding_boxes": {"boxes": (2, 5, 4), "labels": (2, 5)}}
    got = layer.compute_output_shape(shapes)
    assert got["bounding_boxes"] == {"boxes": (2, 4, 4), "labels": (2, 4)} and got["images"] == (2, 8, 8, 3)
    assert layer.compute_output_shape((2, 8, 8, 3)) == (2, 8, 8, 3)


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="MaxNumBoundingBoxes.*max_number"):
        MaxNumBoundingBoxes(max_number=-1)
    with pytest.raises(ValueError, match="bounding_box_format"):
        MaxNumBoundingBoxes(max_number=2)(_data())
    layer = MaxNumBoundingBoxes(max_number=2, bounding_box_format="xyxy")
    with pytest.raises(ValueError, match="MaxNumBoundingBoxes.*\\(2, 5, 3\\)"):
        layer(
            {
                "images": G["bb_images"],
                "bounding_boxes": {"boxes": np.zeros((2, 5, 3)), "labels": G["bb_labels"]},
            }
        )
    with pytest.raises(ValueError, match="keys"):
        layer(
            {"images": G["bb_images"], "bounding_boxes": {"boxes": G["bb_boxes"], "scores": G["bb_labels"]}}
        )


def test_config_round_trip_and_model_save(tmp_path):
    layer = MaxNumBoundingBoxes(max_number=5, fill_value=0, bounding_box_format="yxyx", name="mnb")
    cfg = layer.get_config()
    assert cfg["max_number"] == 5 and cfg["fill_value"] == 0 and cfg["bounding_box_format"] == "yxyx"
    again = MaxNumBoundingBoxes.from_config(cfg)
    assert again.get_config() == cfg
    out = again(_data())
    assert tuple(out["bounding_boxes"]["boxes"].shape) == (2, 5, 4)
    # inside a model the layer sees only images (pass-through); the config survives save/load
    inp = tf.keras.Input((6, 6, 3))
    model = tf.keras.Model(inp, MaxNumBoundingBoxes(max_number=3, bounding_box_format="xyxy")(inp))
    x = np.random.default_rng(0).random((2, 6, 6, 3)).astype(np.float32)
    model.save(tmp_path / "m.keras")
    loaded = tf.keras.models.load_model(
        tmp_path / "m.keras", custom_objects={"MaxNumBoundingBoxes": MaxNumBoundingBoxes}
    )
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), x)
    assert loaded.layers[-1].max_number == 3
