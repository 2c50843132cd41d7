"""The navigator layout: one searchable list of every operation, and the open one's form.

With a tab per operation every form is in the page: at 1,000 operations Chromium needs
about 35 s before the page can be used. Here the page holds one filterable Dropdown and
the first operation's form, drawn with the page (no event before it can be used), and
`gr.render` builds another operation's form, on the server, when it is chosen: opening
the page costs the same at 10 or 1,000 operations (see docs/performance.md's figures,
`benchmarks/browser.py`).

The list is grouped by tag (tags in the document's order), and each entry holds the
tag, the title, the method and path and the operationId, so typing any of them filters
it. `?op=<api_name>` opens an operation directly (`autoui.builder.links`).

The page's config holds the open operation's entry only: the browser is given the
whole list when the box is first focused (a browser-only event; the list is in its
code). Gradio's Dropdown makes a reactive object of each entry as the page starts:
Kubernetes' 1,123 entries took 56 ms of a 450 ms page, for a list that a visitor who
came by a link to one operation may never open. The server's Dropdown keeps every
entry, so what is picked is checked against them all.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr
from gradio.blocks import Block
from gradio.context import get_blocks_context

from autoui.builder.form import Form
from autoui.builder.links import PARAMETER, REMEMBER_JS, linked
from autoui.builder.page_only import page_only
from autoui.mapper.naming import fastapi_function_name
from autoui.mapper.plan import AppPlan, OperationPlan

NAVIGATOR_ID = "autoui-nav"
LINK_ID = "autoui-open-link"
NAVIGATOR_CSS = f".{LINK_ID}{{display:none!important}}"


def choice_label(tag: str, plan: OperationPlan) -> str:
    """`repos · Get a repository — GET /repos/{owner}/{repo} (repos/get)`: the
    operationId, or the api_name when the id is FastAPI's generated one."""
    op = plan.operation
    label = f"{tag} · {plan.title}"
    if plan.title != op.label:
        label += f" — {op.label}"
    name = plan.api_name if fastapi_function_name(op) else op.operation_id or plan.api_name
    return label if name in label else f"{label} ({name})"


def choices(plan: AppPlan) -> list[tuple[str, str]]:
    return [
        (choice_label(tag, op), op.api_name)
        for tag, operations in plan.by_tag().items()
        for op in operations
    ]


def navigator(
    demo: gr.Blocks,
    plan: AppPlan,
    form: Form,
) -> None:
    """The navigator and the form area, in the current layout of `demo`.

    The form area is `gr.render`'s: another operation's form is built there, on the
    server, when it is picked (or named by `?op=`). The first operation's form is put
    there when the page is built, so it comes with the page: no event has to come back
    before it can be used (the render's first form replaces it).
    """
    entries = choices(plan)
    operations = {op.api_name: op for op in plan.operations}
    first = entries[0][1]
    nav = gr.Dropdown(
        entries,
        value=first,
        label="Operation",
        info=f"{len(entries)} operations; type to search by tag, title, path or operationId",
        filterable=True,
        elem_id=NAVIGATOR_ID,
    )
    _listed_when_focused(nav, entries)
    # `?op=` naming another operation: the browser clicks this (hidden) button, which
    # puts the operation in the box and builds its form, in one round trip.
    link = gr.Button("open the linked operation", elem_id=LINK_ID, elem_classes=[LINK_ID])
    demo.load(None, None, None, js=follow_link_js(first))

    def opened(request: gr.Request) -> str:
        return linked(request, operations) or first

    def open_linked(request: gr.Request) -> Any:
        # The box shows an entry's label only if the entry is in its list.
        return gr.update(value=opened(request), choices=entries)

    link.click(open_linked, None, nav, api_visibility="private", show_progress="hidden")
    nav.input(None, nav, None, js=REMEMBER_JS)

    @gr.render(inputs=nav, triggers=[link.click, nav.input], show_progress="hidden")
    def open_form(api_name: str | None, request: gr.Request, event: gr.EventData) -> None:
        by_link = getattr(event.target, "elem_id", None) == LINK_ID
        form(operations[opened(request) if by_link or api_name not in operations else api_name])
        rendered = get_blocks_context()
        assert rendered is not None
        page_only(rendered.blocks.values())

    with _container_of_last_render():
        form(operations[first])


def _listed_when_focused(nav: gr.Dropdown, entries: list[tuple[str, str]]) -> None:
    """The page's config lists `nav`'s value only; the box gets `entries` when focused."""
    config = nav.get_config

    def value_only(cls: type[Block] | None = None) -> dict[str, Any]:
        found = config(cls)
        found["choices"] = [c for c in found["choices"] if c[1] == nav.value]
        return found

    nav.get_config = value_only  # type: ignore[method-assign]
    # Gradio numbers the components of every Blocks in the process: a page rebuilt by
    # `--reload`, which an open page gets in place, has a box of another number.
    flag = f"window.__autoui_listed_{nav._id}"
    # A string for JSON.parse, not an array literal: the page compiles each event's code
    # as it starts, and a literal of Kubernetes' list took 10 ms of it.
    listed = json.dumps(json.dumps(entries, ensure_ascii=False), ensure_ascii=False)
    nav.focus(
        None,
        None,
        nav,
        js=f"() => {{ if ({flag}) return {{__type__: 'update'}}; {flag} = true; "
        f"return {{__type__: 'update', choices: JSON.parse({listed})}}; }}",
        show_progress="hidden",
    )


def _container_of_last_render() -> gr.Column | gr.Row:
    """The container the last `gr.render` of the Blocks being built draws into (Gradio
    makes it with the render, and replaces its content with each rendering)."""
    blocks = get_blocks_context()
    assert blocks is not None and blocks.renderables, "no gr.render in this Blocks"
    return blocks.renderables[-1].container


def follow_link_js(first: str) -> str:
    """Browser code that, when `?op=` names an operation other than `first`, asks the
    server for it (the server judges the name: an unknown one opens `first`)."""
    return (
        "() => { const name = new URL(window.location.href).searchParams"
        f".get({json.dumps(PARAMETER)}); "
        f"if (name !== null && name !== {json.dumps(first)}) "
        f"document.getElementById({json.dumps(LINK_ID)}).click(); }}"
    )
