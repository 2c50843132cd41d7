"""Serving a built app: Gradio mounted in a FastAPI app with gzip, run by uvicorn.

Mounting (rather than `Blocks.launch()`) lets the page and its config be compressed
(Gradio does not compress them itself), and avoids launch()'s 3-second self-check of
the page, which a very large page fails. `--share` needs Gradio's tunnel, which only
`launch()` sets up, so a shared page is served by `launch()`.

Whoever can open the page can call the API through autoui, with the start-up
credentials: listening beyond loopback or sharing is warned about, naming the risk.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Sequence
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

from autoui.assets import Assets
from autoui.builder import endpoints_of, theme_of
from autoui.builder.api_blocks import set_threads
from autoui.builder.mcp_tools import check_mcp_server
from autoui.errors import ConfigError
from autoui.mounted import ContentPolicy, mount_blocks
from autoui.split import mount_split

log = logging.getLogger("autoui")

LOOPBACK = "127.0.0.1"
_LOCAL_HOSTS = (LOOPBACK, "localhost", "::1")


def asgi_app(
    demo: gr.Blocks,
    *,
    auth: tuple[str, str] | None = None,
    mcp: bool = False,
    concurrency: int = 64,
    max_file_size: int | None = None,
) -> FastAPI:
    """The page in a FastAPI app; with `mcp`, Gradio's MCP server at /gradio_api/mcp/.

    Gradio's worker threads are sized to `concurrency`; `auth` is the page's login and
    `max_file_size` the largest upload it accepts (both for a navigator page's
    endpoints too).
    """
    set_threads(demo, concurrency)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Assets)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    return mount_page(app, demo, "", auth=auth, mcp=mcp, max_file_size=max_file_size)


def mount_page(
    app: FastAPI, demo: gr.Blocks, path: str, *, mcp: bool = False, **options: Any
) -> FastAPI:
    """An autoui page at `path` of `app`, with its API endpoints (and MCP tools) at `path`.

    A navigator page keeps its endpoints in a Blocks of their own, served at `path`
    while the page moves to `{path}/ui` (`autoui.split`). Every response under `path`
    carries `CONTENT_POLICY`.
    """
    if mcp:
        check_mcp_server()
    app.add_middleware(ContentPolicy, prefix=path.rstrip("/"))
    endpoints = endpoints_of(demo)
    if endpoints is None:
        return mount_blocks(app, demo, path, mcp_server=mcp, **options)
    return mount_split(app, demo, endpoints, path, mcp=mcp, **options)


def exposure_warnings(
    host: str, *, share: bool, login: bool, shared_credentials: Sequence[str] = ()
) -> list[str]:
    """What to tell the operator when the page can be reached from elsewhere."""
    reach = []
    if host not in _LOCAL_HOSTS:
        reach.append(f"listening on {host}: anyone who can reach this address")
    if share:
        reach.append("--share: anyone on the internet who has the gradio.live link")
    with_credentials = (
        f", with the start-up credentials ({', '.join(shared_credentials)})"
        if shared_credentials
        else ""
    )
    protection = (
        "the page asks for the --ui-auth login"
        if login
        else "protect the page with --ui-auth USER:PASSWORD"
    )
    return [
        f"{who} can use the page and call the API through it{with_credentials}; {protection}"
        for who in reach
    ]


def listen(host: str, port: int) -> socket.socket:
    """The page's socket, bound before anything is built or announced, so that a port
    in use is one line (`ConfigError`) rather than an address printed, then uvicorn's
    error. (uvicorn binds the same way: SO_REUSEADDR, IPv6 for an IPv6 address.)"""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said outright: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # connections accepted from a socket that says it, and with Nagle on, each response
    # written in parts (headers, body, end) waited ~40 ms for the browser's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = (
            "the port is in use (choose another with --port)"
            if exc.errno == errno.EADDRINUSE
            else exc.strerror or str(exc)
        )
        raise ConfigError(f"cannot listen on {host}:{port}: {reason}") from None
    return sock


def serve(
    app: ASGIApp,
    sock: socket.socket,
    *,
    login: bool = False,
    shared_credentials: Sequence[str] = (),
) -> None:
    """Serve `app` (from `asgi_app`, or a `ReloadingApp`) on `sock` (from `listen`)
    until interrupted."""
    host = str(sock.getsockname()[0])
    for warning in exposure_warnings(
        host, share=False, login=login, shared_credentials=shared_credentials
    ):
        log.warning("%s", warning)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


def share(
    demo: gr.Blocks,
    *,
    host: str = LOOPBACK,
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    mcp: bool = False,
    concurrency: int = 64,
    max_file_size: int | None = None,
    shared_credentials: Sequence[str] = (),
) -> None:
    """Serve `demo` with a public gradio.live link as well, until interrupted."""
    for warning in exposure_warnings(
        host, share=True, login=auth is not None, shared_credentials=shared_credentials
    ):
        log.warning("%s", warning)
    demo.launch(
        server_name=host,
        server_port=port,
        share=True,
        auth=auth,
        mcp_server=mcp,
        max_threads=max(concurrency, 40),
        max_file_size=max_file_size,
        theme=theme_of(demo),
    )
