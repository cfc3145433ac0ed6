"""``keras.utils.audio_dataset_from_directory``: a labelled dataset of WAV files from a folder tree."""

from __future__ import annotations

import wave
from typing import Any

import numpy as np

from tensorflux.data import Dataset
from tensorflux.data.spec import TensorSpec
from tensorflux.keras.preprocessing import _directory as D

ALLOWED_FORMATS = (".wav",)


def _read_wav(path: str, desired_samples: int | None = None, sampling_rate: int | None = None) -> np.ndarray:
    """A 16-bit PCM WAV file as float32 ``(samples, channels)`` in [-1, 1), as ``tf.audio.decode_wav``.

    ``desired_samples`` cuts the audio or pads it with zeros to that many samples.
    """
    try:
        with wave.open(path, "rb") as f:
            channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
            raw = f.readframes(f.getnframes())
    except (wave.Error, EOFError) as e:
        raise ValueError(
            f"audio_dataset_from_directory: cannot read {path!r} as a PCM WAV file ({e}). "
            "Only 16-bit PCM WAV files are supported, as in tf.audio.decode_wav."
        ) from None
    if width != 2:
        raise ValueError(
            f"audio_dataset_from_directory: {path!r} has {8 * width}-bit samples; only 16-bit PCM WAV "
            "files are supported, as in tf.audio.decode_wav. Convert it, e.g. with "
            "`sox in.wav -b 16 out.wav`."
        )
    if sampling_rate is not None and rate != sampling_rate:
        raise ValueError(
            f"audio_dataset_from_directory: {path!r} is sampled at {rate} Hz, but sampling_rate="
            f"{sampling_rate} was asked for; tensorflux does not resample audio. Resample the files "
            "beforehand, or pass sampling_rate=None."
        )
    pcm = np.frombuffer(raw, dtype="<i2").reshape(-1, channels)
    audio = pcm.astype(np.float32) * np.float32(1.0 / 32768.0)
    if desired_samples is not None:
        n = len(audio)
        if n >= desired_samples:
            audio = audio[:desired_samples]
        else:
            audio = np.concatenate([audio, np.zeros((desired_samples - n, channels), np.float32)])
    return audio


def audio_dataset_from_directory(
    directory: str,
    labels: Any = "inferred",
    label_mode: str | None = "int",
    class_names: Any = None,
    batch_size: int | None = 32,
    sampling_rate: int | None = None,
    output_sequence_length: int | None = None,
    ragged: bool = False,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    verbose: bool = True,
) -> Any:
    """A ``tf.data.Dataset`` of the ``.wav`` files under ``directory`` (and their labels).

    With ``labels="inferred"`` the layout ``directory/<class>/.../<file>.wav`` gives one class per
    subdirectory, in alphabetical order (or the order of ``class_names``). Files must be 16-bit
    PCM; samples are scaled to ``[-1, 1)`` as ``tf.audio.decode_wav`` does.

    Args:
        directory: folder holding the data.
        labels: ``"inferred"``, ``None`` (audio only), or a list/tuple of integer labels, one per
            file in the alphanumeric order of the file paths.
        label_mode: ``"int"`` (int32 indices), ``"categorical"`` (float32 one-hot), ``"binary"``
            (float32 0/1 of shape ``(1,)``; exactly two classes), or ``None`` (no labels).
        class_names: order of the classes (only with ``labels="inferred"``).
        batch_size: files per batch; ``None`` for unbatched elements.
        sampling_rate: the files' sampling rate in Hz. Keras resamples to it with
            tensorflow-io; tensorflux does not resample and raises for a file at another rate.
        output_sequence_length: cut or zero-pad every file to this many samples. When None,
            each batch is zero-padded to its longest file.
        ragged: Keras' ragged batches. tensorflux has no ragged tensors: only ``batch_size=None``
            (elements of their own lengths) is accepted with ``ragged=True``.
        shuffle: shuffle the files (and the training dataset each pass); otherwise
            alphanumeric order.
        seed: seed of the shuffles (required with ``validation_split`` and ``shuffle``).
        validation_split: fraction of the files kept for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (then a tuple of two datasets;
            the validation one is not shuffled, as in Keras).
        follow_links: follow symbolic links to subdirectories.
        verbose: print how many files and classes were found.

    Returns:
        A dataset of ``(audio, labels)`` batches, audio float32 ``(batch, samples, channels)``
        (audio only when there are no labels). ``dataset.class_names`` lists the classes.

    >>> ds = audio_dataset_from_directory("speech/", batch_size=8, seed=1)  # doctest: +SKIP
    """
    op = "audio_dataset_from_directory"
    D.check_common_args(op, labels, label_mode, class_names, shuffle, seed, validation_split, subset)
    if ragged and output_sequence_length is not None:
        raise ValueError(f"{op}: cannot set both `ragged` and `output_sequence_length`.")
    if ragged and batch_size is not None:
        raise ValueError(
            f"{op}: ragged=True with batch_size={batch_size} needs ragged tensors, which tensorflux does not "
            "have. Use ragged=False (each batch zero-padded to its longest file), output_sequence_length, "
            "or batch_size=None."
        )
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ValueError(
                f"{op}: `sampling_rate` should have an integer value. Received: {sampling_rate!r}"
            )
        if sampling_rate <= 0:
            raise ValueError(f"{op}: `sampling_rate` should be higher than 0. Received: {sampling_rate}")
    if output_sequence_length is not None and int(output_sequence_length) < 1:
        raise ValueError(
            f"{op}: `output_sequence_length` must be a positive integer or None. "
            f"Received: {output_sequence_length!r}"
        )
    paths, label_arr, class_names, label_mode, seed = D.labeled_files(
        op, directory, labels, label_mode, ALLOWED_FORMATS, class_names, shuffle, seed, follow_links, verbose
    )
    length = None if output_sequence_length is None else int(output_sequence_length)

    def load(path: str) -> np.ndarray:
        return _read_wav(path, length, sampling_rate)

    parts = D.split(paths, label_arr, validation_split, subset, verbose)
    names = ["training", "validation"] if subset == "both" else [subset or ""]
    out = []
    for name, (part_paths, part_labels) in zip(names, parts):
        if not part_paths:
            what = f"{name} audio files" if name else "audio files"
            raise ValueError(
                f"{op}: no {what} found in directory {directory}. Allowed format(s): {ALLOWED_FORMATS}"
            )
        y = None
        if label_mode is not None and part_labels is not None:
            y = D.encode_labels(part_labels, label_mode, len(class_names), op)
        ds: Dataset = D.FileDataset(part_paths, y, load, TensorSpec((length, None), np.float32))
        if shuffle and not (subset == "both" and name == "validation"):  # as Keras
            ds = ds.shuffle(buffer_size=1024 if batch_size is None else batch_size * 8, seed=seed)
        if batch_size is not None:
            ds = ds.batch(batch_size) if length is not None else ds.padded_batch(batch_size)
        ds.class_names = class_names
        ds.file_paths = part_paths
        out.append(ds)
    return tuple(out) if len(out) > 1 else out[0]
