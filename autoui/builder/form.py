"""One operation's form: header, inputs, Send button and output area, wired together."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from autoui.builder.endpoints import CallFn, session_of
from autoui.builder.present import OutputArea
from autoui.builder.widgets import input_component
from autoui.mapper.plan import OperationPlan

log = logging.getLogger("autoui")


def header_markdown(plan: OperationPlan, badge: str = "") -> str:
    op = plan.operation
    lines = [f"### `{op.method}` `{op.path}`"]
    if op.summary:
        lines.append(f"**{op.summary.strip()}**")
    if op.deprecated:
        lines.append("*Deprecated.*")
    if op.description and op.description.strip() != op.summary.strip():
        lines.append(op.description.strip())
    if badge:
        lines.append(badge)
    if any(f.required for f in plan.fields):
        lines.append("<small>Fields marked * are required.</small>")
    return "\n\n".join(lines)


def operation_form(
    plan: OperationPlan, call: CallFn, concurrency: int | None, badge: str = ""
) -> None:
    """Create the form's components in the current Blocks context and wire Send.

    `badge` (from `builder.auth`) says which credentials the operation needs.
    """
    gr.Markdown(header_markdown(plan, badge), elem_classes=["autoui-op-header"])
    with gr.Row(equal_height=False):
        with gr.Column():
            inputs: dict[str, gr.blocks.Block] = {
                field.api_param: input_component(field) for field in plan.fields
            }
            if not inputs:
                gr.Markdown("*This operation takes no input.*")
            send = gr.Button("Send", variant="primary", elem_id=f"send-{plan.api_name}")
        with gr.Column():
            area = OutputArea.create(plan)

    # Not `request`: a field may well be called that.
    def handler(autoui_request: gr.Request, **values: Any) -> dict[Any, Any]:
        try:
            return area.show(call(plan, values, session_of(autoui_request)))
        except Exception as exc:  # a bug here must not show a traceback in the page
            log.exception("autoui failed on %s", plan.operation.label)
            return area.failure(f"autoui failed: {type(exc).__name__}: {exc}")

    send.click(
        handler,
        inputs_kwargs=inputs,
        outputs=area.components,
        api_visibility="private",
        concurrency_limit=concurrency,
        concurrency_id="autoui-calls",
    )
