"""What a client reads first from an autoui app's endpoints, as `autoui.documents`
answers it (shared by the navigator's tests and launch()'s)."""

from __future__ import annotations

from typing import Any

import requests


def documents_name(url: str) -> dict[str, Any]:
    """Read `url`'s config and API description, gzipped and not, checking that each was
    sent as asked and names `url`; the named endpoints."""
    named: dict[str, Any] = {}
    for encoding in ("gzip", "identity"):
        headers = {"Accept-Encoding": encoding}
        answer = requests.get(f"{url}/config", headers=headers, timeout=60)
        assert answer.headers.get("content-encoding", "identity") == encoding
        assert answer.json()["root"] == url
        path = f"{url}/gradio_api/info?serialize=False"
        answer = requests.get(path, headers=headers, timeout=60)
        assert answer.headers.get("content-encoding", "identity") == encoding
        named = answer.json()["named_endpoints"]
    return named
