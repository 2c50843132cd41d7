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

log = logging.getLogger("autoui")

LOOPBACK = "127.0.0.1"


def asgi_app(demo: gr.Blocks, *, auth: tuple[str, str] | None = None) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    return gr.mount_gradio_app(app, demo, path="", auth=auth)


def serve(
    demo: gr.Blocks,
    *,
    host: str = LOOPBACK,
    port: int = 7860,
    concurrency: int = 64,
    auth: tuple[str, str] | None = None,
) -> None:
    """Serve until interrupted. Gradio's worker threads are sized to `concurrency`."""
    if host not in (LOOPBACK, "localhost", "::1"):
        log.warning(
            "listening on %s: anyone who can reach this address can use the page and "
            "call the API through it",
            host,
        )
    demo.max_threads = max(concurrency, 40)
    uvicorn.run(asgi_app(demo, auth=auth), host=host, port=port, log_level="warning")
