"""``keras.preprocessing.sequence``: ``pad_sequences`` (the one from ``keras.utils``)."""

from tensorflux.keras.utils.sequence_utils import pad_sequences  # noqa: F401
