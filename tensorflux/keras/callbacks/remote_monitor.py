"""``RemoteMonitor``: post each epoch's logs to a server as JSON."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Any

from tensorflux.keras.callbacks.callback import Callback


def _plain(v: Any) -> Any:
    """A JSON-ready value: NumPy scalars and tensors become Python numbers."""
    item = getattr(v, "item", None)
    if item is not None and not isinstance(v, (int, float, str, bool)):
        try:
            return item()
        except (TypeError, ValueError):
            pass
    numpy = getattr(v, "numpy", None)
    if numpy is not None:
        return _plain(numpy())
    return v


class RemoteMonitor(Callback):
    """POST ``{"epoch": k, **logs}`` to ``root + path`` at the end of every epoch.

    By default the JSON text is sent form-encoded in the field ``field``
    (``application/x-www-form-urlencoded``); with ``send_as_json=True`` it is the request body
    (``application/json``).  Keras uses ``requests``; this uses the standard library's ``urllib``.
    An unreachable server gives a warning, not an error.

    Args:
        root: Root URL of the server.
        path: Path relative to ``root`` that the events are sent to.
        field: Form field holding the JSON text (when ``send_as_json=False``).
        headers: Optional dict of extra HTTP headers.
        send_as_json: Send the logs as a JSON body instead of a form field.

    >>> cb = RemoteMonitor(root="http://localhost:9000")
    >>> cb.root + cb.path
    'http://localhost:9000/publish/epoch/end/'
    """

    def __init__(
        self,
        root: str = "http://localhost:9000",
        path: str = "/publish/epoch/end/",
        field: str = "data",
        headers: dict[str, str] | None = None,
        send_as_json: bool = False,
    ) -> None:
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            send[k] = _plain(v)
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
