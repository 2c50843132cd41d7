"""Showing a `Reply` in Gradio: the status line, the primary value, the raw reply.

Each operation's output area holds one component per kind it may need (text, JSON,
image, ...); a reply makes the right one visible and hides the others, because the
actual Content-Type of a reply is only known when it arrives.
"""

from __future__ import annotations

import json
import mimetypes
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from autoui.dispatcher.reply import Reply
from autoui.mapper.plan import OperationPlan

_RAW_LIMIT = 200_000  # characters of a reply body shown in the raw view
# The kind shown instead when an operation's output area has no component of a kind.
_FALLBACK = {
    "markdown": "textbox",
    "html": "textbox",
    "stream": "textbox",
    "image": "file",
    "audio": "file",
    "video": "file",
}
# Planned kinds without a component of their own yet, and what shows them meanwhile.
_PLANNED_AS = {"stream": "textbox", "html": "textbox"}
_ALWAYS = ("textbox", "json", "file")
_FOR_UNKNOWN = ("image", "audio", "video")


def output_kinds(plan: OperationPlan) -> list[str]:
    """The output components an operation's area needs, the planned one first."""
    planned = plan.outputs[0].component if plan.outputs else "auto"
    kinds = [] if planned == "auto" else [_PLANNED_AS.get(planned, planned)]
    extra = _ALWAYS + (_FOR_UNKNOWN if planned == "auto" else ())
    return kinds + [k for k in extra if k not in kinds]


def _make(kind: str, visible: bool) -> gr.components.Component:
    label = "Result"
    if kind == "textbox":
        return gr.Textbox(
            label=label, lines=3, max_lines=40, interactive=False, buttons=["copy"], visible=visible
        )
    if kind == "markdown":
        return gr.Markdown(label=label, visible=visible, sanitize_html=True)
    if kind == "json":
        return gr.JSON(label=label, visible=visible)
    if kind == "image":
        return gr.Image(label=label, type="filepath", interactive=False, visible=visible)
    if kind == "audio":
        return gr.Audio(label=label, type="filepath", interactive=False, visible=visible)
    if kind == "video":
        return gr.Video(label=label, interactive=False, visible=visible)
    return gr.File(label=label, interactive=False, visible=visible)


@dataclass
class OutputArea:
    """The components of one operation's output area, created in the current layout."""

    status: gr.Markdown
    results: dict[str, gr.components.Component] = field(default_factory=dict)
    raw: gr.Code | None = None

    @classmethod
    def create(cls, plan: OperationPlan) -> OutputArea:
        status = gr.Markdown("", elem_classes=["autoui-status"])
        kinds = output_kinds(plan)
        results = {kind: _make(kind, visible=i == 0) for i, kind in enumerate(kinds)}
        with gr.Accordion("Raw response", open=False):
            raw = gr.Code(
                language="json", interactive=False, label="Raw response", lines=4, max_lines=40
            )
        return cls(status, results, raw)

    @property
    def components(self) -> list[gr.components.Component]:
        return [self.status, *self.results.values(), *([self.raw] if self.raw else [])]

    def show(self, reply: Reply) -> dict[gr.components.Component, Any]:
        """Updates for every component of the area."""
        kind = self._available(reply.kind)
        updates: dict[gr.components.Component, Any] = {self.status: status_markdown(reply)}
        for component in self.results.values():
            updates[component] = gr.update(visible=False, value=None)
        if reply.status is not None and (reply.ok or reply.primary not in (None, "", b"")):
            updates[self.results[kind]] = gr.update(visible=True, value=ui_value(reply, kind))
        if self.raw is not None:
            updates[self.raw] = raw_text(reply)
        return updates

    def failure(self, message: str) -> dict[gr.components.Component, Any]:
        return {self.status: f"**Error** · {_escape(message)}"}

    def _available(self, kind: str) -> str:
        while kind not in self.results:
            kind = _FALLBACK.get(kind, "file" if kind != "file" else "textbox")
        return kind


def status_markdown(reply: Reply) -> str:
    if reply.ok:
        return f"**{_escape(reply.summary())}**"
    prefix = f"{_escape(reply.summary())}  \n" if reply.status is not None else ""
    return f"{prefix}**Error** · {_escape(reply.error or '')}"


def _escape(text: str) -> str:
    """Text for a Markdown component, shown literally (a reply's text is not markup)."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_{}[]<>()#+-.!|~":
        out = out.replace(ch, "\\" + ch)
    return out


def ui_value(reply: Reply, kind: str) -> Any:
    if kind in ("image", "audio", "video", "file"):
        if isinstance(reply.primary, Path):  # a reply too big to hold, already on disk
            return str(reply.primary)
        if isinstance(reply.primary, (bytes, bytearray)):
            return write_temp(bytes(reply.primary), reply.media_type, reply.filename)
        return None
    if kind == "json":
        return reply.primary
    if isinstance(reply.primary, (dict, list)):
        return json.dumps(reply.primary, indent=2, ensure_ascii=False)
    return "" if reply.primary is None else str(reply.primary)


def write_temp(content: bytes, media_type: str, filename: str | None = None) -> str:
    """A file in Gradio's upload folder (which it may serve) holding `content`."""
    folder = tempfile.mkdtemp(prefix="autoui-", dir=get_upload_folder())
    if not filename:
        extension = mimetypes.guess_extension(media_type or "") or ".bin"
        filename = "reply" + (".jpg" if extension == ".jpe" else extension)
    path = os.path.join(folder, filename)
    with open(path, "wb") as handle:
        handle.write(content)
    return path


def raw_text(reply: Reply) -> str:
    """The whole reply as JSON text: status, headers and body."""
    if reply.body_file is not None:
        size = reply.summary().rsplit(" · ", 1)[-1]
        body: Any = f"<{size} of {reply.media_type or 'data'}, in a file>"
    elif reply.data is not None:
        body = reply.data
    elif reply.media_type.startswith("text/") or not reply.content:
        body = reply.content[:_RAW_LIMIT].decode("utf-8", "replace")
    else:
        body = f"<{len(reply.content):,} bytes of {reply.media_type or 'binary data'}>"
    document = {
        "request": f"{reply.method} {reply.url}",
        "status": reply.status,
        "elapsed_seconds": round(reply.elapsed, 4),
        "headers": reply.headers,
        "body": body,
    }
    if reply.error:
        document["error"] = reply.error
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    return text if len(text) <= _RAW_LIMIT else text[:_RAW_LIMIT] + "\n… (truncated)"
