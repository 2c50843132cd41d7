"""`autoui serve --reload`: rebuild the UI when the spec changes, in the same process.

Each build is a complete Gradio app (its own queue and, with --mcp, its own MCP server)
mounted in its own FastAPI app: a *generation*. `ReloadingApp` is the ASGI app uvicorn
serves; it passes every request to the newest generation, starts a new one when the
watcher sees a change, and retires the previous one after a grace period, so calls
already running finish. Swapping whole apps uses only Gradio's public mounting API;
swapping the Blocks inside one running app (what `gradio app.py` reload mode does)
reaches into Gradio's internals and would leave the MCP server with the old tools.

Open pages are told to refresh through the event stream Gradio's front end listens to
in development mode (`/gradio_api/dev/reload`), so a new endpoint appears in the
browser without a reload of the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
import gradio as gr
import requests
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from autoui.errors import AutouiError
from autoui.gcpause import collect_dropped
from autoui.loader import is_url

log = logging.getLogger("autoui")

FILE_INTERVAL = 1.0  # seconds between two looks at a file
URL_INTERVAL = 2.0  # seconds between two requests for a URL
GRACE = 60.0  # seconds a replaced generation keeps serving the calls it had started
_EVENTS_PATH = "/gradio_api/dev/reload"
_HEARTBEAT = 15.0

Build = Callable[[], tuple[gr.Blocks, FastAPI]]


class SpecWatcher:
    """Tells whether any of some files or URLs changed since the last look.

    A file is read again only when its size or mtime changed, and counts as changed
    only when its bytes did (an editor that saves without changes rebuilds nothing).
    A URL is asked with `If-None-Match` when it gave an ETag, and its body compared
    otherwise; a URL that cannot be reached (the API restarting) counts as unchanged.
    """

    def __init__(self, sources: Sequence[str]) -> None:
        self.sources = list(sources)
        self._stat: dict[str, tuple[int, int]] = {}
        self._digest: dict[str, str] = {}
        self._etag: dict[str, str] = {}
        self._session = requests.Session()
        self.changed()  # the starting point

    @property
    def interval(self) -> float:
        return URL_INTERVAL if any(is_url(s) for s in self.sources) else FILE_INTERVAL

    def changed(self) -> bool:
        # Every source is looked at, so each one's starting point moves on.
        return any(
            [self._url_changed(s) if is_url(s) else self._file_changed(s) for s in self.sources]
        )

    def _file_changed(self, path: str) -> bool:
        try:
            stat = os.stat(path)
            key = (stat.st_mtime_ns, stat.st_size)
            if self._stat.get(path) == key:
                return False
            self._stat[path] = key
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError:
            return False  # being replaced by an editor; looked at again next time
        return self._new_digest(path, content)

    def _url_changed(self, url: str) -> bool:
        headers = {"If-None-Match": self._etag[url]} if url in self._etag else {}
        try:
            reply = self._session.get(url, headers=headers, timeout=10)
        except requests.RequestException as exc:
            log.debug("reload: cannot read %s: %s", url, exc)
            return False
        if reply.status_code != 200:
            return False
        if "ETag" in reply.headers:
            self._etag[url] = reply.headers["ETag"]
        return self._new_digest(url, reply.content)

    def _new_digest(self, source: str, content: bytes) -> bool:
        digest = hashlib.sha256(content).hexdigest()
        known = self._digest.get(source)
        self._digest[source] = digest
        return known is not None and known != digest


@dataclass
class _Generation:
    demo: gr.Blocks
    app: FastAPI
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)


class ReloadingApp:
    """The ASGI app of `autoui serve --reload`: the newest generation answers."""

    def __init__(self, build: Build, watcher: SpecWatcher, grace: float = GRACE) -> None:
        self._build = build
        self._watcher = watcher
        self._grace = grace
        demo, app = build()  # a broken spec at start is an error, as without --reload
        self._current = _Generation(demo, app)
        self._count = 0  # generations started after the first
        self._changed = asyncio.Event()
        self._retiring: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"].endswith(_EVENTS_PATH):
            # `/gradio_api/dev/reload`, or `/ui/gradio_api/dev/reload` for a navigator
            # page (its API endpoints are at the root, see autoui.split).
            response = StreamingResponse(
                self._events(Request(scope, receive)), media_type="text/event-stream"
            )
            await response(scope, receive, send)
        else:
            await self._current.app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        try:
            await self._start(self._current)
        except Exception as exc:
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        watcher = asyncio.create_task(self._watch())
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        for task in (watcher, *self._retiring):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._stop(self._current)
        await send({"type": "lifespan.shutdown.complete"})

    async def _start(self, generation: _Generation) -> None:
        # In development mode Gradio's front end listens to `_EVENTS_PATH` and fetches
        # the new config when told to; nothing else about the page changes.
        generation.demo.dev_mode = True
        generation.demo.config = generation.demo.get_config_file()
        app = generation.app
        await generation.stack.enter_async_context(app.router.lifespan_context(app))

    async def _stop(self, generation: _Generation) -> None:
        await generation.stack.aclose()
        generation.demo.close(verbose=False)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._watcher.interval)
            try:
                if not await anyio.to_thread.run_sync(self._watcher.changed):
                    continue
                demo, app = await anyio.to_thread.run_sync(self._build)
                generation = _Generation(demo, app)
                await self._start(generation)
            except AutouiError as exc:
                log.warning("reload: %s; the previous UI stays", exc)
                continue
            except Exception:
                log.exception("reload: the rebuild failed; the previous UI stays")
                continue
            previous, self._current = self._current, generation
            self._count += 1
            self._changed.set()
            self._changed = asyncio.Event()
            log.warning("reload: the spec changed; the UI was rebuilt")
            retiring = asyncio.create_task(self._retire(previous))
            self._retiring.add(retiring)
            retiring.add_done_callback(self._retiring.discard)

    async def _retire(self, generation: _Generation) -> None:
        try:
            await asyncio.sleep(self._grace)
        finally:
            await self._stop(generation)
            await anyio.to_thread.run_sync(collect_dropped)

    async def _events(self, request: Request) -> AsyncIterator[str]:
        """`event: reload` each time a new generation starts (and a heartbeat)."""
        seen = self._count
        while not await request.is_disconnected():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), _HEARTBEAT)
            if self._count != seen:
                seen = self._count
                yield "event: reload\ndata: {}\n\n"
            else:
                yield "event: heartbeat\ndata: {}\n\n"


def watched_sources(*sources: Any) -> list[str]:
    """The spec and config sources worth watching (files and URLs, not dicts)."""
    return [str(s) for s in sources if isinstance(s, (str, os.PathLike))]
