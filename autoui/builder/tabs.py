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

from autoui.builder.form import Form
from autoui.builder.links import PARAMETER
from autoui.mapper.plan import AppPlan, OperationPlan


def tabs(
    demo: gr.Blocks,
    plan: AppPlan,
    form: Form,
) -> None:
    """The tabs, in the current layout of `demo`."""
    groups = plan.by_tag()
    outer: gr.Tabs | None = None
    if len(groups) > 1:
        with gr.Tabs() as outer:
            for number, (tag, operations) in enumerate(groups.items()):
                with gr.Tab(tag, id=f"tag-{number}", elem_id=f"tag-{number}"):
                    _operation_tabs(operations, form)
    else:
        _operation_tabs(next(iter(groups.values()), []), form)
    # `?op=` is read in the browser, which clicks the operation's tag and then its tab:
    # a load event on the server would cost a round trip and, through its Tabs outputs,
    # was seen to race with a form's Stop while a stream is shown.
    siblings = [
        (number if outer else None, [op.api_name for op in chats_first(operations)])
        for number, operations in enumerate(groups.values())
    ]
    demo.load(None, None, None, js=open_link_js(siblings))


def open_link_js(siblings: list[tuple[int | None, list[str]]]) -> str:
    """Browser code that opens the tab `?op=` names: its tag's tab (`tag-N-button`, when
    there are tags), then, once Gradio has drawn that tag, its own (`tab-NAME-button`).

    `siblings` lists each tag's number and its operations' names, in order. Tabs that do
    not fit on a line Gradio moves into its "More" menu, whose items have no id: such an
    operation's item is found by its place among its tag's tabs not shown on the line.
    """
    return (
        "() => { const groups = " + json.dumps(siblings) + "; "
        f"const name = new URL(window.location.href).searchParams.get({json.dumps(PARAMETER)}); "
        "const group = groups.find(([, names]) => names.includes(name)); "
        "if (group === undefined) return; const [tag, names] = group; "
        "const click = (element) => { if (element) element.click(); return Boolean(element); }; "
        "if (tag !== null) click(document.getElementById(`tag-${tag}-button`)); "
        "const inMenu = () => { "
        "const shown = names.map((n) => document.getElementById(`tab-${n}-button`)); "
        "const anchor = shown.find((b) => b !== null); if (!anchor) return null; "
        "const hidden = names.filter((n, i) => shown[i] === null); "
        "const items = anchor.closest('.tabs').querySelectorAll('.overflow-dropdown button'); "
        "return items[hidden.indexOf(name)] || null; }; "
        "let tries = 0; const open = () => { "
        "if (!click(document.getElementById(`tab-${name}-button`)) && !click(inMenu()) "
        "&& tries++ < 120) requestAnimationFrame(open); }; open(); }"
    )


def chats_first(operations: list[OperationPlan]) -> list[OperationPlan]:
    """A tag's operations with its chats first: what a model server's user comes for is
    on the line of tabs, not in Gradio's "More" menu."""
    return sorted(operations, key=lambda op: not any(o.component == "chat" for o in op.outputs))


def _operation_tabs(operations: list[OperationPlan], form: Form) -> None:
    with gr.Tabs():
        for op in chats_first(operations):
            with gr.Tab(op.title, id=op.api_name, elem_id=f"tab-{op.api_name}"):
                form(op)
