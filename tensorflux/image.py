"""``tf.image``: resizing (more image ops may join)."""

from tensorflux.ops.image_ops import resize  # noqa: F401
