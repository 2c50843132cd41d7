"""Everything a server sends to its clients, recorded: the test's view of the wire.

`Wiretap(app)` wraps an ASGI app (the whole page server, middleware included) and keeps
every response's status line headers and body bytes, and every websocket message, in
the order they were sent. It takes `Accept-Encoding` off each request, so the server
sends its bytes uncompressed and the record can be searched for a string.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Wiretap:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sent: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
            scope = {**scope, "headers": headers}

        async def tap(message: Message) -> None:
            self.sent.append(_bytes(message))
            await send(message)

        await self.app(scope, receive, tap)

    def text(self) -> str:
        return b"".join(self.sent).decode("utf-8", "replace")


def _bytes(message: Message) -> bytes:
    kind = message["type"]
    if kind == "http.response.start":
        return b"".join(k + b": " + v + b"\n" for k, v in message.get("headers", []))
    if kind == "http.response.body":
        return bytes(message.get("body", b""))
    if kind == "websocket.send":
        text: Any = message.get("text")
        return text.encode() if isinstance(text, str) else bytes(message.get("bytes") or b"")
    return b""
