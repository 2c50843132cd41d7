"""The per-session API endpoints: choosing a server, authorizing, logging out.

They live where gradio_client connects: in the page's Blocks for a page of tabs, and in
the endpoints' Blocks for a navigator page (`autoui.builder.api_blocks`), whose page
at `ui/` keeps only its own panels' (private) events.
"""

from __future__ import annotations

from autoui.builder.auth import add_auth_endpoints
from autoui.builder.servers import add_server_endpoint, needs_selector
from autoui.mapper.calls import Backend


def session_endpoints(dispatcher: Backend, *, server: bool = True) -> None:
    """`/autoui_server` (when the spec has servers to choose from; `server_panel` adds
    it with the page's selector) and `/autoui_authorize`, `/autoui_logout` (always: a
    spec without security schemes may still need credentials it does not declare), in
    the Blocks being built."""
    if server and needs_selector(dispatcher):
        add_server_endpoint(dispatcher)
    if dispatcher.auth is not None:
        add_auth_endpoints(dispatcher.auth)
