"""One operation's form: header, inputs, Send button and output area, wired together."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

import gradio as gr

from autoui.builder.endpoints import CallFn
from autoui.builder.fields import PRIVATE_NAME, CheckArea, InputArea
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

    def handler(event: gr.EventData, /, **values: Any) -> dict[Any, Any]:
        try:
            # Send checks first; "Send anyway" (the same listener, to keep one event per
            # operation on a 1,000-operation page) sends as it is.
            # (Gradio hands over a copy of the button: compare what identifies it.)
            anyway = getattr(event.target, "elem_id", None) == checked.anyway.elem_id
            issues = [] if anyway else check(plan, values)
            if issues:
                return checked.show(issues)
            return {**area.show(call(plan, values)), **checked.show([])}
        except Exception as exc:  # a bug here must not show a traceback in the page
            log.exception("autoui failed on %s", plan.operation.label)
            return area.failure(f"autoui failed: {type(exc).__name__}: {exc}")

    _rename_first(handler, _free_name("event", inputs))
    gr.on(
        [send.click, checked.anyway.click],
        handler,
        inputs_kwargs=inputs,
        outputs=[*area.components, *checked.components],
        api_name=PRIVATE_NAME,
        api_visibility="private",
        concurrency_limit=concurrency,
        concurrency_id="autoui-calls",
    )


def _free_name(base: str, taken: Mapping[str, Any]) -> str:
    """A parameter name no field uses (GitHub's operations have a field `event`)."""
    name = f"_{base}"
    while name in taken:
        name += "_"
    return name


def _rename_first(fn: Callable[..., Any], name: str) -> None:
    """Give `fn`'s first (positional-only) parameter another name in the signature
    Gradio reads, so the EventData it fills in cannot collide with a field's keyword."""
    signature = inspect.signature(fn)
    first, *rest = signature.parameters.values()
    fn.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[first.replace(name=name), *rest]
    )
    fn.__annotations__ = {name: gr.EventData}
