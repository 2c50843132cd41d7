"""The navigator layout: one searchable list of every operation, and the open one's form.

With a tab per operation every form is in the page: at 1,000 operations Chromium needs
about 35 s before the page can be used. Here the page holds one filterable Dropdown,
and `gr.render` builds only the chosen operation's form, on the server, when it is
chosen; opening the page costs the same at 10 or 1,000 operations (see docs/performance.md's
figures, `benchmarks/browser.py`).

The list is grouped by tag (tags in the document's order), and each entry holds the
tag, the title, the method and path and the operationId, so typing any of them filters
it. `?op=<api_name>` opens an operation directly (`autoui.builder.links`).
"""

from __future__ import annotations

import gradio as gr

from autoui.builder.endpoints import CallFn, StartFn
from autoui.builder.form import Badge, Form
from autoui.builder.links import REMEMBER_JS, linked
from autoui.mapper.naming import fastapi_function_name
from autoui.mapper.plan import AppPlan, OperationPlan

NAVIGATOR_ID = "autoui-nav"


def choice_label(tag: str, plan: OperationPlan) -> str:
    """`repos · Get a repository — GET /repos/{owner}/{repo} (repos/get)`: the
    operationId, or the api_name when the id is FastAPI's generated one."""
    op = plan.operation
    label = f"{tag} · {plan.title} — {op.method} {op.path}"
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
    call: CallFn,
    concurrency: int | None,
    start: StartFn | None,
    badge: Badge,
) -> None:
    """The navigator and the form area, in the current layout of `demo`."""
    form = Form(call, concurrency, start, badge)
    entries = choices(plan)
    operations = {op.api_name: op for op in plan.operations}
    first = entries[0][1]
    nav = gr.Dropdown(
        entries,
        value=None,
        label="Operation",
        info=f"{len(entries)} operations; type to search by tag, title, path or operationId",
        filterable=True,
        elem_id=NAVIGATOR_ID,
    )

    def opened(request: gr.Request) -> str:
        return linked(request, operations) or first

    # When the page opens, two events go out at once: one puts the operation (from
    # `?op=`, else the first) in the box, the other builds its form. Chaining them
    # (load sets the box, its change builds the form) costs a second round trip
    # before the page can be used. So the form follows the user's picks (`input`),
    # not every change of the box.
    demo.load(opened, None, nav, api_visibility="private", show_progress="hidden")
    nav.input(None, nav, None, js=REMEMBER_JS)

    @gr.render(inputs=nav, triggers=[demo.load, nav.input], show_progress="hidden")
    def open_form(api_name: str | None, request: gr.Request) -> None:
        name = api_name if api_name in operations else opened(request)
        form(operations[name])
