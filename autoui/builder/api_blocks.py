"""The API endpoints of a large spec, in a `gr.Blocks` of their own.

Every `gr.api` endpoint adds one hidden `Api` component per parameter. In the page's own
Blocks, 1,000 endpoints put ~5,000 of them in the page (Chromium then needs ~9 s before
it can be used) and in every session the page opens. A Blocks that holds only the
endpoints is what gradio_client and the MCP server read (`/config`, `/gradio_api/info`),
and no browser ever loads it: `autoui.split` mounts it at the root, beside the page.

Gradio keeps per-session state for every component of a Blocks, and each raw call to an
endpoint is a session of its own (a few MB at 1,000 operations). The endpoints keep no
state, so a small `state_session_capacity` bounds that memory without breaking a client
whose session was dropped.
"""

from __future__ import annotations

import threading
from typing import Any

import gradio as gr

from autoui.builder.endpoints import CallFn, StartFn, add_endpoint
from autoui.builder.mcp_tools import Blocks
from autoui.builder.resting_queue import rest_when_quiet
from autoui.builder.sessions import session_endpoints
from autoui.mapper.calls import Backend, CheckFn
from autoui.mapper.plan import AppPlan

SESSION_CAPACITY = 16
# Gradio keeps the Blocks being built in process-wide state (`Context.root_block`), so
# two Blocks must not be built at once (the endpoints are built in a background thread
# while a `--reload` may build the next page).
BUILDING = threading.Lock()


def set_queue(blocks: gr.Blocks, concurrency: int | None) -> None:
    """What `blocks.queue(default_concurrency_limit=concurrency)` does to the queue that
    `gr.Blocks()` made, without the FastAPI app that `queue()` builds and drops (40 ms),
    and `set_threads`; the queue rests when quiet (`resting_queue`)."""
    blocks._queue.default_concurrency_limit = concurrency
    set_threads(blocks, concurrency)
    rest_when_quiet(blocks._queue)


def set_threads(blocks: gr.Blocks, concurrency: int | None) -> None:
    """Gradio's worker threads and queue slots: room for `concurrency` calls plus
    Gradio's own default of 40 for everything else (forms being rendered, page loads).

    `queue()` sizes the queue from `max_threads` when it is called, and
    `mount_gradio_app` has no `max_threads` argument, so both are set here (what
    `launch(max_threads=...)` does; `launch()` without it sets them back to 40).
    """
    threads = (concurrency or 0) + 40
    blocks.max_threads = threads
    blocks._queue.max_thread_count = threads


class EndpointBlocks(Blocks):
    """The endpoints' Blocks, which never changes once built: its API description is
    made once. Gradio makes it again for the MCP server, for `/info` and for the API page,
    each time going through every component of the app for every parameter of every
    endpoint (0.3 s for Kubernetes' 1,123 endpoints)."""

    def get_api_info(self, all_endpoints: bool = False, page: str | None = None) -> Any:
        made: dict[tuple[bool, str | None], Any] = self.__dict__.setdefault("_autoui_info", {})
        if (all_endpoints, page) not in made:
            made[all_endpoints, page] = super().get_api_info(all_endpoints, page)
        return made[all_endpoints, page]


def endpoint_blocks(
    plan: AppPlan,
    call: CallFn,
    concurrency: int | None,
    start: StartFn | None = None,
    dispatcher: Backend | None = None,
    check: CheckFn | None = None,
) -> gr.Blocks:
    """A Blocks with one named endpoint per operation, and the per-session ones
    (server, authorize, logout) when `dispatcher` has them; nothing else."""
    options: dict[str, Any] = {"title": f"{plan.title or 'API'}: API endpoints"}
    blocks = EndpointBlocks(analytics_enabled=False, delete_cache=(3600, 3600), **options)
    with BUILDING, blocks as api:
        if dispatcher is not None:
            session_endpoints(dispatcher)
        for op in plan.operations:
            add_endpoint(op, call, concurrency, start, check)
    set_queue(api, concurrency)
    api.state_session_capacity = SESSION_CAPACITY
    return api
