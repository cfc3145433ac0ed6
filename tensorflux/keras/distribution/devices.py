"""The devices Keras' distribution API sees: tensorflux has one, ``"cpu:0"``, in one process."""

from __future__ import annotations

import os

_TYPES = ("cpu", "gpu", "tpu")
ONE_DEVICE = 'tensorflux runs on one CPU device ("cpu:0") in one process'


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices of ``device_type`` as ``"type:id"`` strings: ``["cpu:0"]`` for the CPU (the default).

    Args:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"``; ``None`` picks GPUs or TPUs when there are
            any, else the CPU (as Keras does; tensorflux has neither GPUs nor TPUs).

    >>> list_devices(), list_devices("gpu")
    (['cpu:0'], [])
    """
    kind = _device_type(device_type)
    return ["cpu:0"] if kind in (None, "cpu") else []


def get_device_count(device_type: str | None = None) -> int:
    """How many devices of ``device_type`` there are (1 for the CPU, 0 for GPUs and TPUs).

    >>> get_device_count()
    1
    """
    return len(list_devices(device_type))


def initialize(
    job_addresses: str | None = None, num_processes: int | None = None, process_id: int | None = None
) -> None:
    """Set up a multi-process run; tensorflux runs in one process, so only a one-process setup is accepted.

    Missing arguments are read from ``KERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and ``KERAS_DISTRIBUTION_PROCESS_ID`` as in Keras.

    >>> initialize(num_processes=1, process_id=0)
    """
    env = os.environ
    if job_addresses is None and "KERAS_DISTRIBUTION_JOB_ADDRESSES" in env:
        job_addresses = env["KERAS_DISTRIBUTION_JOB_ADDRESSES"]
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in env:
        num_processes = int(env["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in env:
        process_id = int(env["KERAS_DISTRIBUTION_PROCESS_ID"])
    addresses = [a for a in (job_addresses or "").split(",") if a]
    if num_processes is not None and addresses and len(addresses) > 1 and num_processes != len(addresses):
        raise ValueError(
            f"The provided job_addresses {addresses} has {len(addresses)} jobs, but num_processes is "
            f"{num_processes}"
        )
    if (num_processes or 1) > 1 or len(addresses) > 1 or (process_id or 0) != 0:
        raise ValueError(
            f"keras.distribution.initialize: {ONE_DEVICE}; a multi-process setup cannot run. Received: "
            f"job_addresses={job_addresses!r}, num_processes={num_processes}, process_id={process_id}"
        )


def _device_type(device_type: str | None) -> str | None:
    if device_type is None:
        return None
    kind = str(device_type).lower()
    if kind not in _TYPES:
        raise ValueError(
            f"`device_type` must be one of {_TYPES} or None. Received: device_type={device_type!r}"
        )
    return kind
