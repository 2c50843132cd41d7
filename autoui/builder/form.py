"""One operation's form: header, inputs, Send and Stop, and the output area, wired together.

Send runs a generator: it shows the elapsed time while the API thinks and a stream's
text as it arrives; Stop cancels it, and the generator's `finally` closes the
connection, so the API stops working for nobody. A chat-shaped operation (the mapper
plans a `chat` output for it) also gets a chat view, in a tab before the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import gradio as gr

from autoui.builder.chat import chat_view
from autoui.builder.endpoints import CallFn, Running, StartFn, may_stream, session_of, starter
from autoui.builder.fields import PRIVATE_NAME, CheckArea, InputArea, RawBodyArea
from autoui.builder.messages import markdown
from autoui.builder.pickers import wire_pickers
from autoui.builder.present import OutputArea, safe_markdown
from autoui.mapper.calls import CheckFn, CurlFn
from autoui.mapper.plan import Field, OperationPlan

log = logging.getLogger("autoui")

# Which credentials an operation needs, as a line for its header (`builder.auth`).
Badge = Callable[[OperationPlan], str]


def no_badge(plan: OperationPlan) -> str:
    return ""


@dataclass(frozen=True)
class Form:
    """What every form of a page shares; `form(plan)` builds one (both layouts)."""

    call: CallFn
    concurrency: int | None
    start: StartFn | None = None
    badge: Badge = no_badge
    check: CheckFn | None = None  # the check before a Send (none without it)
    curl: CurlFn | None = None  # the request as a command (none without it)

    def __call__(self, plan: OperationPlan) -> None:
        operation_form(plan, self)


def header_markdown(plan: OperationPlan, badge: str = "") -> str:
    op = plan.operation
    lines = [f"### `{op.method}` `{op.path}`"]
    if op.summary:
        lines.append(f"**{safe_markdown(op.summary.strip())}**")
    if op.deprecated:
        lines.append("*Deprecated.*")
    if op.description and op.description.strip() != op.summary.strip():
        lines.append(safe_markdown(op.description.strip()))
    if badge:
        lines.append(badge)
    # What the form simplified or left out (a parameter that cannot be sent, ...).
    lines += [f"*{markdown(note)}*" for note in plan.notes]
    if any(f.required for f in plan.fields):
        lines.append("<small>Fields marked * are required.</small>")
    return "\n\n".join(lines)


def operation_form(plan: OperationPlan, form: Form) -> None:
    """Create the form's components in the current Blocks context and wire Send.

    The form's `badge` (from `builder.auth`) says which credentials the operation needs.
    """
    start = form.start or starter(form.call)
    concurrency = form.concurrency
    gr.Markdown(header_markdown(plan, form.badge(plan)), elem_classes=["autoui-op-header"])
    if not any(output.component == "chat" for output in plan.outputs):
        _request_form(plan, start, form)
        return
    with gr.Tabs():
        with gr.Tab("Conversation", elem_id=f"chat-tab-{plan.api_name}"):
            chat_view(plan, start, concurrency)
        with gr.Tab("Request", elem_id=f"form-tab-{plan.api_name}"):
            _request_form(plan, start, form)


_REVEAL = "autoui.reveal"  # the handler's keyword for the Reveal box (never an api_param)


def _request_form(plan: OperationPlan, start: StartFn, form: Form) -> None:
    check, concurrency = form.check, form.concurrency
    with gr.Row(equal_height=False):
        with gr.Column():
            fields = InputArea.create(plan)
            inputs = fields.components
            if not inputs:
                gr.Markdown("*The spec declares no input for this operation.*")
            raw = RawBodyArea.create(plan)
            send, stop = _buttons(plan)
            checked = CheckArea.create(plan)
        with gr.Column():
            area = OutputArea.create(plan, form.curl)
    fields.wire()
    wire_pickers(plan.fields, inputs, start)
    assert area.reveal is not None
    showing_stop = {stop: gr.update(visible=True)} if stop is not None else {}
    hiding_stop = {stop: gr.update(visible=False)} if stop is not None else {}
    running = Running()

    # Gradio fills the first two; no field has their names (`autoui.mapper.naming`).
    def handler(
        autoui_event: gr.EventData, autoui_request: gr.Request, **values: Any
    ) -> Iterator[dict[Any, Any]]:
        reveal = bool(values.pop(_REVEAL, False))
        RawBodyArea.take(values)
        # Send checks first; "Send anyway" (the same listener, to keep one event per
        # operation on a 1,000-operation page) sends as it is. Gradio hands over a copy
        # of the button, so it is told by what identifies it.
        anyway = getattr(autoui_event.target, "elem_id", None) == checked.anyway.elem_id
        issues = [] if anyway or check is None else check(plan, values)
        if issues:  # the previous reply goes: it is not the answer to this request
            yield {**area.clear(), **checked.show(issues)}
            return
        session = session_of(autoui_request)
        live = running.add(session, start(plan, values, session))
        try:
            yield {**area.start(), **showing_stop, **checked.show([])}
            first = True
            for reply in live.updates():
                if not reply.done:
                    yield area.progress(reply, first)
                    first = False
                    continue
                marks = {
                    inputs[f.api_param]: gr.update(label=marked_label(f, reply.field_errors))
                    for f in plan.fields
                }
                yield {**area.show(reply, reveal), **marks, **hiding_stop}
        except Exception as exc:  # a bug here must not show a traceback in the page
            log.exception("autoui failed on %s", plan.operation.label)
            failed = area.failure(f"autoui failed: {type(exc).__name__}: {exc}")
            yield {**failed, **hiding_stop}
        finally:
            running.end(session, live)

    gr.on(
        [send.click, checked.anyway.click],
        handler,
        inputs_kwargs={**inputs, **raw.components, _REVEAL: area.reveal},
        outputs=[*area.components, *showing_stop, *inputs.values(), *checked.components],
        show_progress_on=area.components[:1],
        api_name=PRIVATE_NAME,
        api_visibility="private",
        concurrency_limit=concurrency,
        concurrency_id="autoui-calls",
    )
    if stop is not None:
        stop.click(running.stop, api_name=PRIVATE_NAME, api_visibility="private", queue=False)


def _buttons(plan: OperationPlan) -> tuple[gr.Button, gr.Button | None]:
    """Send, and Stop beside it when the operation gets one."""
    name = plan.api_name
    if not stoppable(plan):
        return gr.Button("Send", variant="primary", elem_id=f"send-{name}"), None
    with gr.Row():
        send = gr.Button("Send", variant="primary", elem_id=f"send-{name}")
        return send, gr.Button("Stop", variant="stop", visible=False, elem_id=f"stop-{name}")


def stoppable(plan: OperationPlan) -> bool:
    """Whether the operation gets a Stop button: when its reply may be a stream (declared,
    or not declared at all). Every Stop costs an event or two at build time, and a page
    may hold a thousand operations; a plain reply shows its elapsed time while it comes."""
    planned = plan.outputs[0].component if plan.outputs else "auto"
    return planned == "auto" or may_stream(plan)


_MARK_LENGTH = 90


def marked_label(field: Field, errors: Mapping[str, str]) -> str:
    """The field's label, with the API's complaint about its value when there is one (so
    the field is found at a glance; the next reply puts the plain label back)."""
    message = errors.get(field.api_param)
    if message is None:
        return field.label
    if len(message) > _MARK_LENGTH:
        message = message[: _MARK_LENGTH - 1] + "…"
    return f"{field.label} ⚠ {message}"
