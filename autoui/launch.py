"""`launch()` for every autoui page: a navigator page's API endpoints and MCP tools too.

A navigator page's Blocks holds no API endpoints (`autoui.builder.api_blocks`), so
Gradio's own `launch()` of it would serve a page that gradio_client and Gradio's MCP
server see as empty. `Page.launch` builds the endpoints' Blocks and launches *that* with
Gradio's own `launch()`, in an app where the page is mounted at `ui/` beforehand (the
route Gradio gives an app of its own: `gr.Server` passes `_app` the same way). So every
`launch()` option means what it means in Gradio (ports, `share`, `auth`, `mcp_server`,
blocking, notebooks), and the app serves what `autoui serve` serves (`autoui.split`):
the endpoints and tools at the root, the page at `ui/`, a browser sent there, and the
endpoints' config and API description made once per address (`autoui.documents`).

The endpoints are built when `launch()` is called (0.2 s for GitHub's 771 operations,
docs/performance.md), not in the background as `autoui serve` does: Gradio's
`launch()` needs the Blocks it serves, and a client started after `launch()` returns
finds every endpoint.
"""

from __future__ import annotations

import inspect
import os
import sys
from typing import Any

import gradio as gr
from gradio.routes import App
from starlette.types import ASGIApp, Receive, Scope, Send

from autoui.builder import css_of, endpoints_of
from autoui.builder.mcp_tools import Blocks, check_mcp_server
from autoui.documents import Documents
from autoui.gcpause import paused_gc
from autoui.mounted import ContentPolicy, mount_blocks
from autoui.split import PAGE, PageRedirect

# The options of `launch()` that are about the page (its login, looks, files), given to
# the page's mount as well as to the endpoints' launch.
PAGE_OPTIONS = (
    "allowed_paths",
    "auth",
    "auth_dependency",
    "auth_message",
    "blocked_paths",
    "css",
    "css_paths",
    "favicon_path",
    "head",
    "head_paths",
    "i18n",
    "js",
    "max_file_size",
    "pwa",
    "run_history",
    "show_error",
    "theme",
)


class Page(Blocks):
    """An autoui page; with the navigator layout, `launch()` serves its endpoints too."""

    _autoui_api: gr.Blocks | None = None
    _autoui_documents: Documents | None = None

    def launch(self, *args: Any, **kwargs: Any) -> Any:
        # Gradio would then ask its own page whether "localhost is accessible"
        # (networking.url_ok) and refuse to start at the first answer slower than 3 s (a
        # loaded machine, a big page). Its server has already answered Gradio's
        # startup-events request by then: the check adds nothing but that failure.
        kwargs.setdefault("_frontend", False)
        options = inspect.signature(gr.Blocks.launch).bind(self, *args, **kwargs).arguments
        options.pop("self")
        if options.get("mcp_server"):
            check_mcp_server()  # Gradio would print why and serve a 404 at the MCP URL
        build = endpoints_of(self)
        if build is None:
            return super().launch(*args, **{**kwargs, "css": css_of(self, options.get("css"))})
        self.close(verbose=False)
        with paused_gc():
            endpoints = self._autoui_api = build()
        app = App()
        page = {name: options[name] for name in PAGE_OPTIONS if name in options}
        footer = ["gradio", "settings"]
        mount_blocks(app, self, f"/{PAGE}", footer_links=footer, mcp_server=False, **page)
        app.add_middleware(ContentPolicy)
        app.add_middleware(PageRedirect)
        app.add_middleware(_Documents, page=self)
        # Gradio sets the app's lifespan anew; the page's (its queue) goes in through it.
        lifespan = {"lifespan": app.router.lifespan_context}
        options["app_kwargs"] = {**(options.get("app_kwargs") or {}), **lifespan}
        options.setdefault("max_threads", endpoints.max_threads)
        block = _blocks(options)
        options.update(prevent_thread_lock=True, debug=False)
        launched = endpoints.launch(_app=app, **options)
        self._autoui_documents = Documents(endpoints, app)
        for name in ("server_name", "server_port", "local_url", "local_api_url", "share_url"):
            setattr(self, name, getattr(endpoints, name, None))
        if block:
            endpoints.block_thread()
        return launched

    def close(self, verbose: bool = True) -> None:
        self._autoui_documents = None
        if self._autoui_api is not None:
            self._autoui_api.close(verbose=verbose)
            self._autoui_api = None
        super().close(verbose=False)


class _Documents:
    """The endpoints' `/config` and API description made once per address, as `autoui
    serve` answers them (`autoui.documents`), once `page`'s endpoints are served."""

    def __init__(self, app: ASGIApp, page: Page) -> None:
        self.app = app
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        documents = self.page._autoui_documents
        if documents is None:
            await self.app(scope, receive, send)
        else:
            await documents.answer(scope, receive, send, self.app)


def _blocks(options: dict[str, Any]) -> bool:
    """Whether Gradio's `launch()` with these options blocks the calling thread."""
    interactive = bool(getattr(sys, "ps1", sys.flags.interactive))
    return bool(
        options.get("debug")
        or os.getenv("GRADIO_DEBUG", "0") == "1"
        or (not options.get("prevent_thread_lock") and not interactive)
    )
