"""A chat view for an OpenAI-style chat completion operation.

The request form asks for `messages` as JSON; a person wants to type a message and read
the answer, with the conversation remembered. The view keeps the history per browser
session (a `gr.State`, held on the server), sends it whole with each new message,
streams the answer when the operation offers `stream`, and shows every other body field
(model, temperature, max_tokens, ...) as settings beside the conversation.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import gradio as gr

from autoui.builder.endpoints import Running, StartFn, session_of
from autoui.builder.pickers import wire_pickers
from autoui.builder.present import safe_markdown, status_markdown
from autoui.builder.widgets import input_component
from autoui.mapper.plan import Field, OperationPlan
from autoui.mapper.reply_data import Reply

log = logging.getLogger("autoui")

# The handler's own keywords; never an api_param (those are identifiers).
_HISTORY, _TEXT, _SYSTEM, _STREAM = "chat.history", "chat.text", "chat.system", "chat.stream"


def chat_fields(plan: OperationPlan) -> tuple[Field, Field | None, list[Field]]:
    """The `messages` field, the `stream` flag (if any) and the settings: the rest."""
    messages = next(f for f in plan.fields if f.body_path == ("messages",))
    stream = next(
        (f for f in plan.fields if f.body_path == ("stream",) and f.value_type == "boolean"),
        None,
    )
    return messages, stream, [f for f in plan.fields if f not in (messages, stream)]


def chat_view(plan: OperationPlan, start: StartFn, concurrency: int | None) -> None:
    """Create the chat's components in the current Blocks context and wire them."""
    messages_field, stream_field, settings = chat_fields(plan)
    name = plan.api_name
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Conversation", elem_id=f"chatbot-{name}", height=420)
            text = gr.Textbox(
                label="Message",
                placeholder="Type a message and press Enter",
                lines=1,
                max_lines=8,
                elem_id=f"chat-input-{name}",
                interactive=True,  # said outright for a form built by `gr.render`
            )
            with gr.Row():
                send = gr.Button("Send", variant="primary", elem_id=f"chat-send-{name}")
                stop = gr.Button("Stop", variant="stop", visible=False, elem_id=f"chat-stop-{name}")
                clear = gr.Button("Clear", elem_id=f"chat-clear-{name}")
            status = gr.Markdown("", elem_id=f"chat-status-{name}")
        with gr.Column(scale=2):
            system = gr.Textbox(
                label="System prompt", lines=2, elem_id=f"chat-system-{name}", interactive=True
            )
            stream = gr.Checkbox(
                stream_field is not None,
                label="Stream the answer",
                visible=stream_field is not None,
                elem_id=f"chat-stream-{name}",
                interactive=True,
            )
            # What must be given (the model) in sight; the optional rest folded away.
            widgets = {
                f.api_param: input_component(replace(f, key=f"chat.{f.key}"))
                for f in settings
                if f.required
            }
            with gr.Accordion("Optional settings", open=False):
                widgets |= {
                    f.api_param: input_component(replace(f, key=f"chat.{f.key}"))
                    for f in settings
                    if not f.required
                }
    wire_pickers(settings, widgets, start)
    history = gr.State([])  # the conversation as sent to the API, per browser session
    running = Running()

    def respond(autoui_request: gr.Request, **values: Any) -> Iterator[dict[Any, Any]]:
        said: list[dict[str, str]] = list(values.pop(_HISTORY) or [])
        message = str(values.pop(_TEXT) or "").strip()
        prompt = str(values.pop(_SYSTEM) or "").strip()
        streamed = bool(values.pop(_STREAM))
        if not message:
            return
        turn = [*said, {"role": "user", "content": message}]
        values[messages_field.api_param] = (
            [{"role": "system", "content": prompt}] if prompt else []
        ) + turn
        if stream_field is not None:
            values[stream_field.api_param] = streamed
        session = session_of(autoui_request)
        # The message shown before the request goes: drawing it (on the server and in
        # the page) while the answer comes held back the first token, on a loaded
        # machine by 50-400 ms (benchmarks/first_token.py).
        yield {
            chatbot: _shown([*turn, {"role": "assistant", "content": ""}]),
            text: "",
            stop: gr.update(visible=True),
            status: "*Sending…*",
        }
        live = running.add(session, start(plan, values, session))
        try:
            for reply in live.updates():
                if not reply.done:
                    update: dict[Any, Any] = {status: f"*{reply.elapsed:.1f} s*"}
                    if reply.kind == "stream":
                        answer = {"role": "assistant", "content": str(reply.primary)}
                        update[chatbot] = _shown([*turn, answer])
                    yield update
                elif reply.ok:
                    said = [*turn, {"role": "assistant", "content": answer_text(reply)}]
                    yield {
                        chatbot: _shown(said),
                        history: said,
                        stop: gr.update(visible=False),
                        status: status_markdown(reply),
                    }
                else:  # the message goes back into the box, to send again
                    yield {
                        chatbot: _shown(said),
                        text: message,
                        stop: gr.update(visible=False),
                        status: status_markdown(reply),
                    }
        except Exception as exc:  # a bug here must not show a traceback in the page
            log.exception("autoui chat failed on %s", plan.operation.label)
            yield {status: f"**Error** · autoui failed: {type(exc).__name__}"}
        finally:
            running.end(session, live)

    inputs: dict[str, gr.blocks.Block] = {
        _HISTORY: history,
        _TEXT: text,
        _SYSTEM: system,
        _STREAM: stream,
        **widgets,
    }
    outputs = [chatbot, text, stop, status, history]
    events = [
        trigger(
            respond,
            inputs_kwargs=inputs,
            outputs=outputs,
            show_progress_on=[status],
            api_visibility="private",
            concurrency_limit=concurrency,
            concurrency_id="autoui-calls",
        )
        for trigger in (send.click, text.submit)
    ]
    stop.click(running.stop, api_visibility="private", queue=False)
    clear.click(
        lambda: {chatbot: [], history: [], status: ""},
        outputs=[chatbot, history, status],
        cancels=events,  # type: ignore[arg-type]
        api_visibility="private",
        queue=False,
    )
    chatbot.clear(  # the Chatbot's own bin: forget what it no longer shows
        lambda: {history: [], status: ""},
        outputs=[history, status],
        api_visibility="private",
        queue=False,
    )


def answer_text(reply: Reply) -> str:
    """The assistant's words: the answer's text, or its JSON when it is not text."""
    if isinstance(reply.primary, str):
        return reply.primary
    return "```json\n" + json.dumps(reply.primary, indent=2, ensure_ascii=False) + "\n```"


def _shown(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The conversation as the Chatbot shows it: images in answers become links."""
    return [{"role": m["role"], "content": safe_markdown(m["content"])} for m in messages]
