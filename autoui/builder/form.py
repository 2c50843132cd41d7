"""One operation's form: header, inputs, Send button and output area, wired together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from autoui.builder.endpoints import CallFn
from autoui.builder.fields import CheckArea, InputArea
from autoui.builder.present import OutputArea
from autoui.dispatcher.checks import check
from autoui.mapper.plan import OperationPlan

log = logging.getLogger("autoui")


def header_markdown(plan: OperationPlan) -> str:
    op = plan.operation
    lines = [f"### `{op.method}` `{op.path}`"]
    if op.summary:
        lines.append(f"**{op.summary.strip()}**")
    if op.deprecated:
        lines.append("*Deprecated.*")
    if op.description and op.description.strip() != op.summary.strip():
        lines.append(op.description.strip())
    if any(f.required for f in plan.fields):
        lines.append("<small>Fields marked * are required.</small>")
    return "\n\n".join(lines)


def operation_form(plan: OperationPlan, call: CallFn, concurrency: int | None) -> None:
    """Create the form's components in the current Blocks context and wire Send."""
    gr.Markdown(header_markdown(plan), elem_classes=["autoui-op-header"])
    with gr.Row(equal_height=False):
        with gr.Column():
            fields = InputArea.create(plan)
            inputs = fields.components
            if not inputs:
                gr.Markdown("*This operation takes no input.*")
            send = gr.Button("Send", variant="primary", elem_id=f"send-{plan.api_name}")
            checked = CheckArea.create(plan)
        with gr.Column():
            area = OutputArea.create(plan)
    fields.wire()

    def sender(validate: bool) -> Callable[..., dict[Any, Any]]:
        def handler(**values: Any) -> dict[Any, Any]:
            try:
                issues = check(plan, values) if validate else []
                if issues:
                    return checked.show(issues)
                return {**area.show(call(plan, values)), **checked.show([])}
            except Exception as exc:  # a bug here must not show a traceback in the page
                log.exception("autoui failed on %s", plan.operation.label)
                return area.failure(f"autoui failed: {type(exc).__name__}: {exc}")

        return handler

    for button, validate in ((send, True), (checked.anyway, False)):
        button.click(
            sender(validate),
            inputs_kwargs=inputs,
            outputs=[*area.components, *checked.components],
            api_visibility="private",
            concurrency_limit=concurrency,
            concurrency_id="autoui-calls",
        )
