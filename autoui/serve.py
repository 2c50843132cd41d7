"""Serving a built app: Gradio mounted in a FastAPI app with gzip, run by uvicorn.

Mounting (rather than `Blocks.launch()`) lets the page and its config be compressed
(Gradio does not compress them itself), and avoids launch()'s 3-second self-check of
the page, which a very large page fails.
"""

from __future__ import annotations

import logging

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

from autoui.builder import theme_of

log = logging.getLogger("autoui")

LOOPBACK = "127.0.0.1"


def asgi_app(
    demo: gr.Blocks,
    *,
    auth: tuple[str, str] | None = None,
    mcp: bool = False,
    concurrency: int = 64,
) -> FastAPI:
    """The page in a FastAPI app; with `mcp`, Gradio's MCP server at /gradio_api/mcp/.

    Gradio's worker threads are sized to `concurrency`.
    """
    demo.max_threads = max(concurrency, 40)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    return gr.mount_gradio_app(app, demo, path="", auth=auth, mcp_server=mcp, theme=theme_of(demo))


def serve(app: ASGIApp, *, host: str = LOOPBACK, port: int = 7860) -> None:
    """Serve `app` (from `asgi_app`, or a `ReloadingApp`) until interrupted."""
    if host not in (LOOPBACK, "localhost", "::1"):
        log.warning(
            "listening on %s: anyone who can reach this address can use the page and "
            "call the API through it",
            host,
        )
    uvicorn.run(app, host=host, port=port, log_level="warning")
