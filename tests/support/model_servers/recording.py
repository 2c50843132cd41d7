"""What a fake model server received: every request, as it came over the wire.

The fakes are there to judge what autoui sends, so each one keeps every request it
gets (method, path, query, headers, raw body) in a `Recorder` that the tests read:
"the form as it opens sent no `top_p`", "the chat sent the whole history". The
middleware is plain ASGI, so it sees the body before FastAPI parses it and hands the
same bytes on.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def multipart(self) -> dict[str, bytes | tuple[str, bytes]]:
        """A multipart body's parts: a field's value, or (filename, bytes) for a file."""
        head = f"Content-Type: {self.headers.get('content-type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        parts: dict[str, bytes | tuple[str, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            parts[str(name)] = (filename, payload) if filename else payload
        return parts


class Gate:
    """Lets a test hold every stream after its first chunk, to look at the page between
    the first token and the last without timing anything. Open unless a test closes it."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()

    def close(self) -> None:
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    async def held(self, items: list[Any]) -> AsyncIterator[Any]:
        """Yield `items`; after the first, wait (off the event loop) until the gate is open."""

        for i, item in enumerate(items):
            if i == 1:
                await asyncio.to_thread(self._open.wait, 60)
            yield item


@dataclass
class Recorder:
    """Every request one fake received, in order; thread-safe (uvicorn runs in a thread)."""

    requests: list[Recorded] = field(default_factory=list)
    gate: Gate = field(default_factory=Gate)  # the fake's streams wait on it
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def clear(self) -> None:
        """Forget what was received and let streams run."""
        with self._lock:
            self.requests.clear()
        self.gate.open()

    def to(self, path: str, method: str | None = None) -> list[Recorded]:
        """The requests to `path` (and `method`, when given), oldest first."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path == path and (method is None or r.method == method.upper())
            ]

    def last(self, path: str, method: str | None = None) -> Recorded:
        """The latest request to `path`; fails with what was received instead."""
        matching = self.to(path, method)
        if not matching:
            seen = [f"{r.method} {r.path}" for r in self.requests]
            raise AssertionError(f"no request to {path}; the server received {seen}")
        return matching[-1]


class RecordingMiddleware:
    """ASGI middleware that records each HTTP request, then replays its body to the app."""

    def __init__(self, app: ASGIApp, recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        self.recorder.add(
            Recorded(
                method=scope["method"],
                path=scope["path"],
                query=parse_qs(scope.get("query_string", b"").decode("latin-1")),
                headers={k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
                body=body,
            )
        )
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # then wait for the disconnect, as the app expects

        await self.app(scope, replay, send)


def recorded(app: Any) -> Any:
    """Give a FastAPI app a recorder (`app.state.recorder`) and a gate (`app.state.gate`)."""
    app.state.recorder = Recorder()
    app.state.gate = app.state.recorder.gate
    app.add_middleware(RecordingMiddleware, recorder=app.state.recorder)
    return app
