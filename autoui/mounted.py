"""Gradio mounted in a FastAPI app, safely: the layer `serve` (the CLI's app), `split`
(a navigator page and its endpoints) and `launch` build on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import gradio as gr
from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from autoui.builder import css_of, theme_of
from autoui.errors import ConfigError

# What the page may load besides its own files: pictures, sounds and videos only from the
# page server itself (where autoui puts what it fetched) and inline. A spec's or a reply's
# text cannot make a browser fetch anything else, whatever gets past the sanitisers
# (`<img>`, `srcset`, `poster`, CSS `url()`, SVG `<image>`): no tracking pixel, no request
# to an address on the user's network.
CONTENT_POLICY = "img-src 'self' data: blob:; media-src 'self' data: blob:; object-src 'none'"


class ContentPolicy:
    """Adds the `Content-Security-Policy` header to every response under `prefix`."""

    def __init__(self, app: ASGIApp, prefix: str = "") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (
            path == self.prefix or path.startswith(self.prefix + "/")
        ):
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CONTENT_POLICY
            await send(message)

        await self.app(scope, receive, with_policy)


def relative_path(scope: Scope) -> str:
    """The request's path below the point where its app is mounted (`root_path`)."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def kept_gzipped(
    scope: Scope,
    gzipped: bytes,
    plain: Callable[[], bytes],
    media_type: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The response of a body kept gzipped: as it is to a client that takes gzip, else
    `plain()` (the GZip middleware leaves a response that says its encoding alone)."""
    sent = {**(headers or {}), "vary": "Accept-Encoding"}
    if "gzip" in Headers(scope=scope).get("accept-encoding", ""):
        sent["content-encoding"] = "gzip"
        return Response(gzipped, media_type=media_type, headers=sent)
    return Response(plain(), media_type=media_type, headers=sent)


def mount_blocks(app: FastAPI, demo: gr.Blocks, path: str, **options: Any) -> FastAPI:
    """`gr.mount_gradio_app`, closing a hole it leaves open.

    Gradio refuses request data naming a file that was not uploaded (`/etc/passwd`)
    only once `Blocks.has_launched` is set, which `launch()` does and mounting does not
    (Gradio 6.31). Without it, anyone could make the app read a server file and send
    it to the API. tests/dispatcher/test_file_paths.py sends those requests.
    """
    options.setdefault("theme", theme_of(demo))
    options["css"] = css_of(demo, options.get("css"))
    mounted = gr.mount_gradio_app(app, demo, path=path, **options)
    demo.has_launched = True
    # Gradio notes why its MCP server did not start, and serves on without it.
    if options.get("mcp_server") and demo.mcp_error:
        raise ConfigError(demo.mcp_error)
    return mounted
