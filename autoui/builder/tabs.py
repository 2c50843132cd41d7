"""The tabs layout: a tab per operation, grouped in a tab per tag.

Every form is in the page, so switching is instant and needs no server, but the page
grows with the API: it is the layout for small APIs (see `autoui.layout`).
`?op=<api_name>` opens an operation's tab (`autoui.builder.links`). Unlike the
navigator, the address bar does not follow the tabs: Gradio reports a tab's `select`
for the tabs it shows when the page opens too, which would overwrite the link before
it is read.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from autoui.builder.endpoints import CallFn, StartFn
from autoui.builder.form import Badge, Form
from autoui.builder.links import linked
from autoui.mapper.plan import AppPlan, OperationPlan


def tabs(
    demo: gr.Blocks,
    plan: AppPlan,
    call: CallFn,
    concurrency: int | None,
    start: StartFn | None,
    badge: Badge,
) -> None:
    """The tabs, in the current layout of `demo`."""
    form = Form(call, concurrency, start, badge)
    groups = plan.by_tag()
    holder: dict[str, gr.Tabs] = {}  # api_name -> the Tabs its tab is in
    outer: gr.Tabs | None = None
    if len(groups) > 1:
        with gr.Tabs() as outer:
            for tag, operations in groups.items():
                with gr.Tab(tag, id=_tag_id(tag)):
                    _operation_tabs(operations, form, holder)
    else:
        _operation_tabs(plan.operations, form, holder)
    tag_of = {op.api_name: tag for tag, operations in groups.items() for op in operations}
    by_name = {op.api_name: op for op in plan.operations}
    inner = list(dict.fromkeys(holder.values()))

    def opened(request: gr.Request) -> list[Any]:
        name = linked(request, by_name)
        updates: list[Any] = [gr.skip()] * len(inner)
        if name is None:
            return ([gr.skip()] if outer else []) + updates
        updates[inner.index(holder[name])] = gr.Tabs(selected=name)
        return ([gr.Tabs(selected=_tag_id(tag_of[name]))] if outer else []) + updates

    outputs = ([outer] if outer else []) + inner
    demo.load(opened, None, outputs, api_visibility="private", show_progress="hidden")


def _operation_tabs(
    operations: list[OperationPlan], form: Form, holder: dict[str, gr.Tabs]
) -> None:
    with gr.Tabs() as group:
        for op in operations:
            with gr.Tab(op.title, id=op.api_name, elem_id=f"tab-{op.api_name}"):
                form(op)
            holder[op.api_name] = group


def _tag_id(tag: str) -> str:
    return f"tag:{tag}"
