"""Reading the raw bytes of a spec from a URL or a file, with a size cap.

Every failure becomes a `SpecError` naming the source and a reason a user can act on
("connection refused: is the server running?") instead of a library traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from autoui.errors import SpecError

MAX_SPEC_BYTES = 64 * 1024 * 1024
FETCH_TIMEOUT = 30.0


@dataclass
class Fetched:
    data: bytes
    uri: str  # absolute URL or file:// URI, the base for relative references
    content_type: str = ""


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def fetch(
    source: str, *, max_bytes: int = MAX_SPEC_BYTES, timeout: float = FETCH_TIMEOUT
) -> Fetched:
    """The bytes at `source`: an http(s) URL, a file:// URI or a file path."""
    if is_url(source):
        return _fetch_url(source, max_bytes, timeout)
    path = Path(source[7:] if source.startswith("file://") else source).expanduser()
    return _read_file(source, path, max_bytes)


def _read_file(source: str, path: Path, max_bytes: int) -> Fetched:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SpecError(source, "is a directory, not a file")
        if size > max_bytes:
            raise SpecError(
                source, f"the file is {size:,} bytes, over the {max_bytes:,}-byte limit"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(source, "no such file") from None
    except PermissionError:
        raise SpecError(source, "permission denied") from None
    except OSError as exc:
        raise SpecError(source, exc.strerror or str(exc)) from None
    return Fetched(data, path.resolve().as_uri())


def _fetch_url(url: str, max_bytes: int, timeout: float) -> Fetched:
    headers = {"Accept": "application/json, application/yaml;q=0.9, */*;q=0.5"}
    try:
        with requests.get(url, headers=headers, timeout=timeout, stream=True) as reply:
            if reply.status_code >= 400:
                raise SpecError(url, f"HTTP {reply.status_code} {reply.reason}".rstrip())
            chunks: list[bytes] = []
            size = 0
            for chunk in reply.iter_content(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise SpecError(url, f"the document is over the {max_bytes:,}-byte limit")
                chunks.append(chunk)
            content_type = reply.headers.get("Content-Type", "")
            final_url = reply.url
    except requests.exceptions.ConnectionError as exc:
        raise SpecError(url, _connection_reason(url, exc)) from None
    except requests.exceptions.Timeout:
        raise SpecError(url, f"no answer within {timeout:g} s") from None
    except requests.exceptions.RequestException as exc:
        raise SpecError(url, str(exc)) from None
    return Fetched(b"".join(chunks), final_url, content_type)


def _connection_reason(url: str, exc: Exception) -> str:
    text = str(exc)
    host = urlsplit(url).netloc
    if "Connection refused" in text or "Errno 111" in text:
        return f"connection refused: is the server running at {host}?"
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
    ):
        return f"unknown host {urlsplit(url).hostname!r}"
    return f"cannot connect to {host}"


def display_name(source: str) -> str:
    """How a source is named in messages: URLs as given, paths relative when shorter."""
    if is_url(source):
        return source
    try:
        rel = os.path.relpath(source)
    except ValueError:
        return source
    return rel if len(rel) < len(source) else source
