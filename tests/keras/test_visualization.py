"""keras.visualization: mask drawing against Keras 3.15 (scripts/golden_visualization.py), boxes by hand."""

import importlib.util
import os
import sys
import types

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.visualization import (
    draw_bounding_boxes,
    draw_segmentation_masks,
    plot_bounding_box_gallery,
    plot_image_gallery,
    plot_segmentation_mask_gallery,
)

G = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "visualization", "golden.npz"))
HAVE_CV2 = importlib.util.find_spec("cv2") is not None
HAVE_MPL = importlib.util.find_spec("matplotlib") is not None
MAPPING = {0: (255, 0, 0), 1: (0, 255, 0), 2: (0, 0, 255), 3: (10, 20, 30)}


@pytest.mark.parametrize(
    "key, kwargs, images",
    [
        ("default", {}, "images"),
        ("n4_alpha03", {"num_classes": 4, "alpha": 0.3}, "images"),
        ("float_images", {"num_classes": 4}, "images_f"),
        ("mapping", {"num_classes": 4, "color_mapping": MAPPING, "alpha": 0.5}, "images"),
        ("ignore0", {"num_classes": 4, "ignore_index": 0}, "images"),
        ("no_blend", {"num_classes": 4, "blend": False}, "images"),
    ],
)
def test_segmentation_masks_match_keras(key, kwargs, images):
    out = draw_segmentation_masks(G[images], G["masks"], **kwargs)
    assert out.dtype == G[key].dtype
    np.testing.assert_array_equal(out, G[key])


def test_segmentation_masks_channels_first_and_tensors():
    images = tf.constant(np.transpose(G["images"], (0, 3, 1, 2)))
    masks = tf.constant(np.transpose(G["masks"], (0, 3, 1, 2)))
    out = draw_segmentation_masks(images, masks, num_classes=4, data_format="channels_first")
    np.testing.assert_array_equal(out, G["channels_first"])


def test_segmentation_masks_errors():
    with pytest.raises(ValueError, match=r"batched 4D tensor. Received: images.shape=\(5, 6, 3\)"):
        draw_segmentation_masks(G["images"][0], G["masks"][0])
    with pytest.raises(TypeError, match="integer dtype. Received: segmentation_masks.dtype=float32"):
        draw_segmentation_masks(G["images"], G["masks"].astype("float32"))


def _blank(h=8, w=10):
    return np.zeros((1, h, w, 3), "uint8")


def _box_mask(h, w, x1, y1, x2, y2, t):
    """Pixels a thickness-`t` rectangle covers: bands of t pixels around each edge."""
    lo, hi = (t - 1) // 2, t // 2
    yy, xx = np.mgrid[:h, :w]
    inside_outer = (xx >= x1 - lo) & (xx <= x2 + hi) & (yy >= y1 - lo) & (yy <= y2 + hi)
    inside_inner = (xx > x1 + hi) & (xx < x2 - lo) & (yy > y1 + hi) & (yy < y2 - lo)
    return inside_outer & ~inside_inner


@pytest.mark.skipif(HAVE_CV2, reason="OpenCV draws the boxes when installed")
@pytest.mark.parametrize("t", [1, 2, 3])
def test_box_pixels(t):
    boxes = {"boxes": np.array([[[2, 1, 7, 6], [0, 0, 3, 3]]], "float32"), "labels": np.array([[1, -1]])}
    out = draw_bounding_boxes(_blank(), boxes, "xyxy", color=(255, 10, 0), line_thickness=t)
    expected = _box_mask(8, 10, 2, 1, 7, 6, t)
    np.testing.assert_array_equal(out[0, ..., 0] == 255, expected)  # label -1: second box skipped
    np.testing.assert_array_equal(out[0, ..., 1], np.where(expected, 10, 0))
    assert out.dtype == np.uint8 and out.shape == (1, 8, 10, 3)


@pytest.mark.skipif(HAVE_CV2, reason="OpenCV draws the boxes when installed")
def test_box_formats_and_value_scaling():
    images = np.full((1, 8, 10, 3), 0.5, "float32")  # float in [0, 1]: scaled to [0, 255]
    yxyx = {"boxes": [[[1, 2, 6, 7]]], "labels": [[0]]}
    out = draw_bounding_boxes(images, yxyx, "yxyx", color=(255, 255, 255), line_thickness=1)
    assert out[0, 0, 0, 0] == 127
    np.testing.assert_array_equal(out[0, ..., 0] == 255, _box_mask(8, 10, 2, 1, 7, 6, 1))
    rel = {"boxes": [[[0.2, 0.125, 0.7, 0.75]]], "labels": [[0]]}
    out2 = draw_bounding_boxes(_blank(), rel, "rel_xyxy", color=(255, 0, 0), line_thickness=1)
    np.testing.assert_array_equal(out2[0, ..., 0] == 255, _box_mask(8, 10, 2, 1, 7, 6, 1))
    filled = draw_bounding_boxes(_blank(), rel, "rel_xyxy", color=(9, 9, 9), line_thickness=-1)
    assert (filled[0, 1:7, 2:8] == 9).all() and filled.sum() == 9 * 3 * 6 * 6
    big = np.full((1, 4, 4, 3), 300.0, "float32")  # float above 1: clipped to 255
    assert (
        draw_bounding_boxes(big, {"boxes": np.zeros((1, 0, 4)), "labels": np.zeros((1, 0))}, "xyxy") == 255
    ).all()


@pytest.mark.skipif(HAVE_CV2, reason="labels are drawn when OpenCV is installed")
def test_box_labels_need_opencv():
    boxes = {"boxes": [[[1, 1, 4, 4]]], "labels": [[0]]}
    with pytest.raises(ImportError, match=r"requires the `cv2` package .*pip install opencv-python"):
        draw_bounding_boxes(_blank(), boxes, "xyxy", class_mapping={0: "cat"})
    draw_bounding_boxes(_blank(), boxes, "xyxy", class_mapping={5: "dog"})  # no label to draw: fine


def test_box_argument_errors():
    with pytest.raises(ValueError, match="batched 4D tensor"):
        draw_bounding_boxes(np.zeros((4, 4, 3)), {"boxes": [], "labels": []}, "xyxy")
    with pytest.raises(TypeError, match="should be a dict"):
        draw_bounding_boxes(_blank(), [[1, 1, 2, 2]], "xyxy")
    with pytest.raises(ValueError, match="'boxes' and 'labels' keys"):
        draw_bounding_boxes(_blank(), {"boxes": [[[1, 1, 2, 2]]]}, "xyxy")


@pytest.mark.skipif(HAVE_MPL, reason="matplotlib is installed")
def test_galleries_need_matplotlib():
    images = G["images"]
    with pytest.raises(ImportError, match="`plot_image_gallery` function requires the `matplotlib`"):
        plot_image_gallery(images)
    with pytest.raises(ImportError, match="`plot_bounding_box_gallery` function requires"):
        plot_bounding_box_gallery(images, "xyxy")
    with pytest.raises(ImportError, match="`plot_image_gallery` function requires"):
        plot_segmentation_mask_gallery(images, 4, y_true=G["masks"])


class _Axis:
    def __init__(self, log):
        self.log = log

    def imshow(self, image):
        self.log.append(np.array(image))

    def margins(self, **kwargs):
        pass

    def axis(self, *args):
        pass

    def set_title(self, title, **kwargs):
        self.log.append(title)


@pytest.fixture
def fake_pyplot(monkeypatch):
    """A stand-in for matplotlib.pyplot recording what is drawn (the gallery layout, not the rendering)."""
    log = {"shown": [], "subplots": None}
    plt = types.ModuleType("matplotlib.pyplot")

    def subplots(nrows, ncols, **kwargs):
        log["subplots"] = (nrows, ncols)
        axes = np.empty((nrows, ncols), object)
        for idx in np.ndindex(nrows, ncols):
            axes[idx] = _Axis(log["shown"])
        fig = types.SimpleNamespace(subplots_adjust=lambda **k: None, legend=lambda **k: log.update(legend=k))
        return fig, axes if nrows * ncols > 1 else axes[0, 0]

    plt.subplots = subplots
    plt.show = lambda: log.update(show=True)
    plt.close = lambda: None
    plt.savefig = lambda **k: log.update(savefig=k)
    patches = types.ModuleType("matplotlib.patches")
    patches.Patch = lambda **k: k
    mpl = types.ModuleType("matplotlib")
    mpl.pyplot, mpl.patches = plt, patches
    for name, mod in (("matplotlib", mpl), ("matplotlib.pyplot", plt), ("matplotlib.patches", patches)):
        monkeypatch.setitem(sys.modules, name, mod)
    return log


def test_image_gallery_layout(fake_pyplot):
    images = G["images_f"]
    plot_image_gallery(images, y_true=[0, 1], label_map={0: "cat"}, value_range=(0, 1), path="x.png")
    assert fake_pyplot["subplots"] == (2, 1) and fake_pyplot["savefig"]["fname"] == "x.png"
    shown = fake_pyplot["shown"]
    np.testing.assert_array_equal(shown[0], (images[0] * np.float32(255)).astype("uint8"))
    assert shown[1] == "Label: cat" and shown[3] == "Label: Unknown"
    with pytest.raises(ValueError, match="`label_map` must also be provided"):
        plot_image_gallery(images, y_true=[0, 1])
    with pytest.raises(ValueError, match="either `path` to be set, or `show`"):
        plot_image_gallery(images, path="x.png", show=True)


def test_segmentation_gallery_layout(fake_pyplot):
    plot_segmentation_mask_gallery(G["images"], 4, y_true=G["masks"], y_pred=G["masks"], alpha=0.3)
    assert fake_pyplot["subplots"] == (2, 3) and fake_pyplot["show"]
    shown = fake_pyplot["shown"]
    np.testing.assert_array_equal(shown[0], G["images"][0])
    np.testing.assert_array_equal(shown[1], G["n4_alpha03"][0])
    np.testing.assert_array_equal(shown[5], G["n4_alpha03"][1])


@pytest.mark.skipif(HAVE_CV2, reason="OpenCV draws the boxes when installed")
def test_bounding_box_gallery_layout(fake_pyplot):
    boxes = {"boxes": [[[2, 1, 7, 6]]], "labels": [[0]]}
    plot_bounding_box_gallery(_blank(), "xyxy", y_true=boxes, legend=True, line_thickness=1, show=True)
    shown = fake_pyplot["shown"]
    np.testing.assert_array_equal(shown[0][..., 1] == 188, _box_mask(8, 10, 2, 1, 7, 6, 1))
    labels = [h["label"] for h in fake_pyplot["legend"]["handles"]]
    assert labels == ["Ground Truth", "Prediction"]
    with pytest.raises(ValueError, match="Only pass `legend` OR `legend_handles`"):
        plot_bounding_box_gallery(_blank(), "xyxy", legend=True, legend_handles=["h"])
