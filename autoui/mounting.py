"""`autoui.mount`: the UI of a FastAPI app's own API, mounted in that app.

The spec is the app's own `app.openapi()`, read in-process (no HTTP round trip, so it
works before the server is up). Calls go over HTTP to the same server, like any
client's: the API keeps its middleware, dependencies and auth. Where "the same server"
is gets learned from the first request the app serves: the address of the socket it
arrived on (ASGI's `server`), never the `Host` header a client chose, so no request
can point the UI at another host. Pass `base_url` when the app sits behind a proxy
that adds a path prefix, or listens on a Unix socket.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from autoui.app import assemble, load_api, make_dispatcher
from autoui.config import Config, load_config
from autoui.dispatcher import Dispatcher
from autoui.dispatcher.options import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, Options
from autoui.loader.validate import validate_later
from autoui.serve import mount_page

log = logging.getLogger("autoui")

THIS_SERVER = "this server (the app the page is mounted in)"


def mount(
    app: FastAPI,
    path: str = "/ui",
    *,
    base_url: str | None = None,
    mcp: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    headers: Mapping[str, str] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    config: str | Path | Mapping[str, Any] | Config | None = None,
    layout: str = "auto",
) -> FastAPI:
    """Mount a UI for `app`'s API at `path` of `app`; with `mcp`, its MCP tools too
    (at `{path}/gradio_api/mcp/`). Call it after the API's routes are defined.

    With the navigator layout (`layout`, as for `build_app`), the page is at
    `{path}/ui` and `{path}` redirects a browser there; the endpoints stay at `{path}`.
    """
    overrides = load_config(config) if config is not None else None
    already = app.openapi_schema
    document = copy.deepcopy(app.openapi())
    if already is None:
        app.openapi_schema = None  # routes added later still reach /openapi.json
    api = load_api(document, strict=False)
    api.source = f"{app.title} (app.openapi())"
    options = Options(timeout=timeout, headers=dict(headers or {}), concurrency=concurrency)
    dispatcher = make_dispatcher(api, base_url or "", options)
    demo = assemble(api, dispatcher, base_url or THIS_SERVER, overrides, concurrency, layout)
    validate_later(api)
    if not base_url:
        app.add_middleware(_LearnBaseUrl, dispatcher=dispatcher)
    return mount_page(app, demo, path, mcp=mcp)


class _LearnBaseUrl:
    """Sets the dispatcher's base URL from the socket the first request arrived on."""

    def __init__(self, app: ASGIApp, dispatcher: Dispatcher) -> None:
        self.app = app
        self.dispatcher = dispatcher

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self.dispatcher.base_url:
            self.dispatcher.base_url = server_url(scope)
        await self.app(scope, receive, send)


def server_url(scope: Scope) -> str:
    """`http://127.0.0.1:8000` for a request that came in on that socket, else ""."""
    server = scope.get("server")
    if not server or server[1] is None:
        log.warning("autoui.mount: cannot tell this server's address; pass base_url=")
        return ""
    host, port = server
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}"
