"""Serving a navigator page: the API endpoints at the mount point, the page at `ui/`.

gradio_client and Gradio's MCP server read the Blocks found at the URL they are given,
and a browser must never load the endpoints' Blocks (`autoui.builder.api_blocks`). So
the endpoints are mounted where the app is (`Client("http://127.0.0.1:7860")` and
`/gradio_api/mcp/` see every operation, as with a small API) and the page one level
down, at `ui/`. A browser's bare `GET /` is redirected there, with its query (`?op=`);
`/?view=api` still shows Gradio's page of the endpoints (it lists them all: several MB
at 1,000 operations).

Gradio takes a second or two to build 1,000 endpoints (their events, config and MCP
tools), so they are built in a background thread once the server has started: the
page can be used at once, and a request for the endpoints that comes earlier waits
for them rather than failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio.to_thread
import gradio as gr
from fastapi import FastAPI
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from autoui.documents import DESCRIPTION, Documents
from autoui.gcpause import paused_gc, trim_heap
from autoui.mounted import mount_blocks, relative_path

log = logging.getLogger("autoui")

PAGE = "ui"
READY_TIMEOUT = 600.0  # seconds a request waits for the endpoints before a 503


def mount_split(
    app: FastAPI,
    page: gr.Blocks,
    build: Callable[[], gr.Blocks],
    path: str,
    *,
    mcp: bool = False,
    **options: Any,
) -> FastAPI:
    """Mount `page` at `{path}/ui` and the endpoints `build()` makes at `path`.

    The endpoints are built when `app` starts (its lifespan), and closed when it stops.
    """
    prefix = path.rstrip("/")
    # First: a mount at `path` would take `{path}/ui` too.
    mount_blocks(app, page, f"{prefix}/{PAGE}", footer_links=["gradio", "settings"], **options)
    endpoints = Endpoints(build, {"mcp_server": mcp, **options})
    app.mount(prefix, PageRedirect(endpoints))
    outer = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(parent: FastAPI) -> AsyncIterator[Any]:
        async with outer(parent) as state:
            endpoints.start()
            try:
                yield state
            finally:
                await endpoints.stop()

    app.router.lifespan_context = lifespan
    return app


class PageRedirect:
    """Sends a browser's bare `GET` of the endpoints' root to the page at `ui/`, with its
    query (`?op=`); every other request goes to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_page_request(scope):
            query = scope.get("query_string", b"").decode("latin-1")
            target = f"{PAGE}/" + (f"?{query}" if query else "")
            await RedirectResponse(target)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class Endpoints:
    """The ASGI app of the endpoints: holds requests until the endpoints are built."""

    def __init__(self, build: Callable[[], gr.Blocks], options: dict[str, Any]) -> None:
        self._build = build
        self._options = options
        self._ready = asyncio.Event()
        self._stopping = asyncio.Event()
        self._app: FastAPI | None = None
        self._documents: Documents | None = None
        self._failure = ""
        self._task: asyncio.Task[None] | None = None
        self._described = False  # the API description has been asked for

    def start(self) -> None:
        self._task = asyncio.create_task(self._serve())

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is None:
            return
        if not self._ready.is_set():
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _serve(self) -> None:
        """Build, then run the endpoints' app until `stop()`: its lifespan (Gradio's
        queue, the MCP server) is entered and left in this one task, as anyio wants."""
        started = time.perf_counter()
        try:
            # Abandoned when the server stops meanwhile: the thread finishes on its own.
            blocks, app = await anyio.to_thread.run_sync(self._mount, abandon_on_cancel=True)
        except Exception as exc:
            log.exception("building the API endpoints failed")
            self._failure = f"building the API endpoints failed: {type(exc).__name__}: {exc}"
            self._ready.set()
            return
        try:
            async with app.router.lifespan_context(app):
                self._app = app
                self._documents = Documents(blocks, app)
                self._ready.set()
                log.info(
                    "%d API endpoints ready in %.1f s",
                    len(blocks.fns),
                    time.perf_counter() - started,
                )
                await anyio.to_thread.run_sync(trim_heap)
                await self._stopping.wait()
        finally:
            self._app = self._documents = None
            self._ready.set()
            blocks.close(verbose=False)

    def _mount(self) -> tuple[gr.Blocks, FastAPI]:
        with paused_gc():
            blocks = self._build()
            app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
            return blocks, mount_blocks(app, blocks, "", **self._options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), READY_TIMEOUT)
        if self._app is None or self._documents is None:  # set together
            message = self._failure or "the API endpoints are still being built; try again"
            await JSONResponse({"error": message}, status_code=503)(scope, receive, send)
            return
        await self._documents.answer(scope, receive, send, self._app)
        if not self._described and _asks_description(scope):
            self._described = True
            await anyio.to_thread.run_sync(trim_heap)


def _asks_description(scope: Scope) -> bool:
    """A request for the endpoints' API description (gradio_client's and the API page's)."""
    return scope["type"] == "http" and relative_path(scope).rstrip("/") == DESCRIPTION


def _is_page_request(scope: Scope) -> bool:
    """A browser asking for the page at the mount point (not `?view=api`)."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    return relative_path(scope) in ("", "/") and b"view=" not in scope.get("query_string", b"")
