"""Reading a reply's body within its limits: in memory up to one size, then in a file
up to another, refused past that; and telling a reply that broke off or stalled in the
middle from one that never came (`requests` reports both as a connection error).
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import requests
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from autoui.dispatcher.reply import content_type_of, filename_of, media_type_of
from autoui.mapper.reply_data import Reply


class Listener(Protocol):
    def opened(self, response: requests.Response) -> Callable[[bytes], None] | None:
        """Called when the response's headers have come; returns what to call with each
        piece of the body as it arrives, or None to read the body whole."""


def read_body(
    response: requests.Response,
    max_bytes: int,
    memory_bytes: int,
    spool_dir: str | None = None,
    on_chunk: Callable[[bytes], None] | None = None,
) -> bytes | Path:
    """The body: in memory up to `memory_reply_bytes`, then in a temporary file (whose
    path is returned) up to `max_reply_bytes`; `on_chunk` sees each piece as soon as it
    arrives.

    requests reports a read timeout in the middle of a body as a ConnectionError
    ("cannot reach the API" would be wrong: it answered, then stalled), so that one
    is told apart here.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooBig(
            f"the reply would be {int(declared):,} bytes, over the "
            f"{max_bytes:,}-byte limit; not read"
        )
    chunks: list[bytes] = []
    size = 0
    spool = None
    try:
        for chunk in _arriving(response):
            size += len(chunk)
            if size > max_bytes:
                raise TooBig(f"the reply is over {max_bytes:,} bytes; not shown")
            if spool is None and size > memory_bytes:
                folder = tempfile.mkdtemp(prefix="autoui-", dir=spool_dir)
                spool = open(os.path.join(folder, "reply.part"), "wb")  # noqa: SIM115
                spool.writelines(chunks)
                chunks = []
            if spool is not None:
                spool.write(chunk)
            else:
                chunks.append(chunk)
            if on_chunk is not None:
                on_chunk(chunk)
    except requests.exceptions.ConnectionError as exc:
        _discard(spool)
        if exc.args and isinstance(exc.args[0], ReadTimeoutError):
            raise Stalled(b"".join(chunks), size) from exc
        raise Broken(b"".join(chunks), size) from exc
    except requests.exceptions.ChunkedEncodingError as exc:
        _discard(spool)
        raise Broken(b"".join(chunks), size) from exc
    except BaseException:
        _discard(spool)
        raise
    if spool is not None:
        spool.close()
        return Path(spool.name)
    return b"".join(chunks)


def _arriving(response: requests.Response) -> Iterator[bytes]:
    """The body's pieces as they arrive. (`iter_content` waits to fill its chunk size
    unless the reply is chunked, so a stream would appear all at once, and the bytes of
    a chunk cut short by a reset are lost with it: the count said "after 0 bytes".)"""
    try:
        while chunk := response.raw.read1(65536, decode_content=True):
            yield chunk
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc


def _discard(spool: Any) -> None:
    if spool is not None:
        spool.close()
        with contextlib.suppress(OSError):
            os.unlink(spool.name)
            os.rmdir(os.path.dirname(spool.name))


def spooled(reply: Reply, path: Path, limit: int) -> None:
    """A reply too big to hold: offered as a download of the file it was written to."""
    reply.media_type = media_type_of(content_type_of(reply.headers))
    reply.filename = filename_of(reply.headers)
    extension = mimetypes.guess_extension(reply.media_type) or ".bin"
    named = path.rename(path.with_name(reply.filename or "reply" + extension))
    reply.body_file = named
    reply.kind, reply.primary = "file", named
    if reply.status is not None and reply.status >= 400:
        head = f"HTTP {reply.status} {reply.reason}".rstrip()
        reply.error = f"{head}: the reply is over {limit:,} bytes; offered as a file"


class TooBig(Exception):
    pass


class Broken(Exception):
    """The connection ended in the middle of the reply's body, after `size` bytes (of
    which `partial` holds those still in memory)."""

    def __init__(self, partial: bytes, size: int) -> None:
        super().__init__()
        self.partial = partial
        self.size = size


class Stalled(Broken):
    """The reply began, then no more bytes came within the timeout."""
