"""A loopback backend that fails on purpose, at the level of bytes on the socket.

FastAPI cannot misbehave the way broken servers do (send headers a byte at a time,
promise 2 GB and send ten bytes, reset the connection in the middle of a body), so this
one is a small asyncio server that writes HTTP/1.1 by hand. Each fault is one path;
any method works. `FAULT_SPEC` describes them all (GET and POST for each, and PUT for
the status faults), and the server serves it at `/openapi.json`, so `autoui serve
http://.../openapi.json` builds a UI with one operation per fault.

Every request is counted in `hits`, keyed by `"METHOD /path key"` where `key` is the
request's `key` query parameter: a test passes its own key to count the attempts it
caused (how often a call was retried).

Faults (the path, then what happens):

    /ok              200 {"response": "ok"}
    /hang            reads the request, never answers (until the client hangs up)
    /drip            the whole response, status line and headers included, one byte
                     every DRIP_SECONDS
    /reset           headers promising 1,000 bytes, 20 bytes of body, then a TCP reset
    /reset-early     a TCP reset instead of any answer
    /bad-json        200 application/json that is not JSON
    /wrong-shape     200 JSON of another shape than the declared {"response": string}
    /deep-json       200 JSON nested NESTED_JSON_DEPTH arrays deep
    /huge-length     Content-Length: 2 GB, 10 bytes of body, then silence
    /stall-body      Content-Length: 100, 10 bytes of body, then silence
    /endless         200 application/octet-stream, chunked, bytes without end
    /sse-no-done     an OpenAI-style SSE stream of three events that ends without [DONE]
    /sse-hang        the same three events, then silence with the connection open
    /status/{code}   that status with a JSON `detail`; `?retry_after=V` adds Retry-After: V
    /flaky/{code}    `code` (with Retry-After when `retry_after` is given) for the first
                     `times` requests with the same key, then 200 {"response": "ok"}
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

DRIP_SECONDS = 0.05
NESTED_JSON_DEPTH = 100_000
HUGE_LENGTH = 2 * 1024**3
SSE_EVENTS = ("Once", " upon", " a time")

_RESPONSE = {"type": "object", "properties": {"response": {"type": "string"}}}
_KEY = {"name": "key", "in": "query", "schema": {"type": "string"}}
_PROMPT = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["prompt"],
                "properties": {"prompt": {"type": "string"}},
            }
        }
    },
}
SIMPLE_FAULTS = (
    "ok",
    "hang",
    "drip",
    "reset",
    "reset-early",
    "bad-json",
    "wrong-shape",
    "deep-json",
    "huge-length",
    "stall-body",
    "endless",
    "sse-no-done",
    "sse-hang",
)


def _operation(op_id: str, parameters: list[dict[str, Any]], body: bool, sse: bool) -> Any:
    media = "text/event-stream" if sse else "application/json"
    schema = {"type": "string"} if sse else _RESPONSE
    operation: dict[str, Any] = {
        "operationId": op_id,
        "parameters": [*parameters, _KEY],
        "responses": {"200": {"description": "OK", "content": {media: {"schema": schema}}}},
    }
    if body:
        operation["requestBody"] = _PROMPT
    return operation


def _fault_spec() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name in SIMPLE_FAULTS:
        ident = name.replace("-", "_")
        sse = name.startswith("sse")
        paths[f"/{name}"] = {
            "get": _operation(f"get_{ident}", [], False, sse),
            "post": _operation(f"post_{ident}", [], True, sse),
        }
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "integer"}}
    retry_after = {"name": "retry_after", "in": "query", "schema": {"type": "string"}}
    times = {"name": "times", "in": "query", "schema": {"type": "integer", "default": 1}}
    for name, extra in (("status", [retry_after]), ("flaky", [retry_after, times])):
        params = [code, *extra]
        paths[f"/{name}/{{code}}"] = {
            method: _operation(f"{method}_{name}", params, method != "get", False)
            for method in ("get", "post", "put")
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "fault backend", "version": "1"},
        "paths": paths,
    }


FAULT_SPEC = _fault_spec()


class _Request:
    def __init__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = urlsplit(target).path
        self.query = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
        self.headers = headers
        self.body = body


def _head(status: int, headers: dict[str, str]) -> bytes:
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Status"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _json_response(status: int, data: Any, extra: dict[str, str] | None = None) -> bytes:
    body = json.dumps(data).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    return _head(status, {**headers, **(extra or {})}) + body


def _sse_event(text: str) -> bytes:
    chunk = {"choices": [{"index": 0, "delta": {"content": text}}]}
    payload = f"data: {json.dumps(chunk)}\n\n".encode()
    return f"{len(payload):x}\r\n".encode() + payload + b"\r\n"


_SSE_HEAD = _head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"})


class FaultBackend:
    """The fault server, run in a thread with its own event loop."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def hits_for(self, method: str, path: str, key: str) -> int:
        return self.hits[f"{method} {path} {key}"]

    def start(self) -> str:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._connection, "127.0.0.1", 0), self._loop
        )
        self._server = started.result(timeout=10)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                key = request.query.get("key", "")
                self.hits[f"{request.method} {request.path} {key}"] += 1
                if not await self._respond(request, reader, writer):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # stop(): end quietly
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            if not writer.transport.is_closing():
                writer.close()

    async def _respond(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection is finished with."""
        parts = request.path.strip("/").split("/")
        name = parts[0]
        if name == "openapi.json":
            writer.write(_json_response(200, FAULT_SPEC))
        elif name == "ok":
            writer.write(_json_response(200, {"response": "ok"}))
        elif name in ("status", "flaky") and len(parts) == 2 and parts[1].isdigit():
            writer.write(self._status(request, name, int(parts[1])))
        elif name == "hang":
            await _until_closed(reader)
            return False
        elif name == "drip":
            for byte in _json_response(200, {"response": "slowly " * 40}):
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(DRIP_SECONDS)
        elif name in ("reset", "reset-early"):
            if name == "reset":
                writer.write(
                    _head(200, {"Content-Type": "application/json", "Content-Length": "1000"})
                )
                writer.write(b'{"response": "the beg')
                await writer.drain()
                await asyncio.sleep(0.05)
            _reset(writer)
            return False
        elif name == "bad-json":
            body = b'{"response": "cut off'
            writer.write(
                _head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
                + body
            )
        elif name == "wrong-shape":
            writer.write(_json_response(200, {"unexpected": [1, 2, 3], "count": 3}))
        elif name == "deep-json":
            body = b"[" * NESTED_JSON_DEPTH + b"]" * NESTED_JSON_DEPTH
            writer.write(
                _head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
                + body
            )
        elif name in ("huge-length", "stall-body"):
            length = HUGE_LENGTH if name == "huge-length" else 100
            writer.write(
                _head(200, {"Content-Type": "application/json", "Content-Length": str(length)})
            )
            writer.write(b'{"respons')
            await writer.drain()
            await _until_closed(reader)
            return False
        elif name == "endless":
            writer.write(
                _head(
                    200,
                    {"Content-Type": "application/octet-stream", "Transfer-Encoding": "chunked"},
                )
            )
            chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
            while not writer.transport.is_closing():
                writer.write(chunk)
                await writer.drain()
            return False
        elif name in ("sse-no-done", "sse-hang"):
            writer.write(_SSE_HEAD)
            for text in SSE_EVENTS:
                writer.write(_sse_event(text))
                await writer.drain()
            if name == "sse-hang":
                await _until_closed(reader)
                return False
            writer.write(b"0\r\n\r\n")
        else:
            writer.write(_json_response(404, {"detail": f"no fault at {request.path}"}))
        await writer.drain()
        return True

    def _status(self, request: _Request, name: str, code: int) -> bytes:
        extra = {}
        if "retry_after" in request.query:
            extra["Retry-After"] = request.query["retry_after"]
        if name == "flaky":
            key = f"{request.method} {request.path} {request.query.get('key', '')}"
            if self.hits[key] > int(request.query.get("times", "1")):
                return _json_response(200, {"response": "ok"})
        return _json_response(code, {"detail": f"the backend answered {code} on purpose"}, extra)


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    return _Request(method, target, headers, body)


async def _until_closed(reader: asyncio.StreamReader) -> None:
    """Wait (without answering) until the client hangs up."""
    while await reader.read(65536):
        pass


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST instead of a FIN, as a crashed server's kernel does."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@contextlib.contextmanager
def fault_backend() -> Iterator[FaultBackend]:
    backend = FaultBackend()
    backend.start()
    try:
        yield backend
    finally:
        backend.stop()
