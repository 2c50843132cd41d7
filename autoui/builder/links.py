"""Deep links: `?op=<api_name>` in the page's URL opens that operation.

Both layouts read the link in the browser when the page loads (the tabs open the tab;
the navigator, for an operation other than the first, asks the server, whose event
sees the request); the navigator also writes it when the user opens another operation
(a browser-only event, no round trip), so its address bar always names the open one.
"""

from __future__ import annotations

import json

import gradio as gr

from autoui.mapper.plan import OperationPlan

PARAMETER = "op"


def linked(request: gr.Request | None, operations: dict[str, OperationPlan]) -> str | None:
    """The api_name the page's `?op=` names, if it names a shown operation."""
    if request is None:
        return None
    name = request.query_params.get(PARAMETER)
    return name if name in operations else None


# Browser code that puts the event's input value in the address bar as `?op=`,
# without reloading the page.
REMEMBER_JS = (
    "(name) => { const url = new URL(window.location.href); "
    f"url.searchParams.set({json.dumps(PARAMETER)}, name); "
    "window.history.replaceState(null, '', url); }"
)
