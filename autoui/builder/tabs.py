"""The tabs layout: a tab per operation, grouped in a tab per tag.

Every form is in the page, so switching is instant and needs no server, but the page
grows with the API: it is the layout for small APIs (see `autoui.layout`).
`?op=<api_name>` opens an operation's tab (`autoui.builder.links`), in the browser. Unlike the
navigator, the address bar does not follow the tabs: Gradio reports a tab's `select`
for the tabs it shows when the page opens too, which would overwrite the link before
it is read.
"""

from __future__ import annotations

import json

import gradio as gr

from autoui.builder.endpoints import CallFn, StartFn
from autoui.builder.form import Badge, Form
from autoui.builder.links import PARAMETER
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
    outer: gr.Tabs | None = None
    if len(groups) > 1:
        with gr.Tabs() as outer:
            for number, (tag, operations) in enumerate(groups.items()):
                with gr.Tab(tag, id=f"tag-{number}", elem_id=f"tag-{number}"):
                    _operation_tabs(operations, form)
    else:
        _operation_tabs(plan.operations, form)
    # `?op=` is read in the browser, which clicks the operation's tag and then its tab:
    # a load event on the server would cost a round trip and, through its Tabs outputs,
    # was seen to race with a form's Stop while a stream is shown.
    tag_of = {
        op.api_name: number if outer else None
        for number, operations in enumerate(groups.values())
        for op in operations
    }
    demo.load(None, None, None, js=open_link_js(tag_of))


def open_link_js(tag_of: dict[str, int | None]) -> str:
    """Browser code that opens the tab `?op=` names: its tag's tab (`tag-N-button`, when
    there are tags), then, once Gradio has drawn that tag, its own (`tab-NAME-button`)."""
    return (
        "() => { const tags = " + json.dumps(tag_of) + "; "
        f"const name = new URL(window.location.href).searchParams.get({json.dumps(PARAMETER)}); "
        "if (name === null || !(name in tags)) return; "
        "const click = (id) => { const b = document.getElementById(id); if (b) b.click(); "
        "return b !== null; }; "
        "if (tags[name] !== null) click(`tag-${tags[name]}-button`); "
        "let tries = 0; const open = () => { if (!click(`tab-${name}-button`) && tries++ < 120) "
        "requestAnimationFrame(open); }; open(); }"
    )


def _operation_tabs(operations: list[OperationPlan], form: Form) -> None:
    with gr.Tabs():
        for op in operations:
            with gr.Tab(op.title, id=op.api_name, elem_id=f"tab-{op.api_name}"):
                form(op)
