"""Showing a `Reply` in Gradio: the status line, the answer, and the details.

Each operation's output area holds one component per kind it may need (text, JSON,
image, table, ...); a reply makes the right one visible and hides the others, because
the actual Content-Type of a reply is only known when it arrives. Under the answer, in
one collapsed section (one, because a page may hold a thousand operations, and every
component costs build time): the `curl` command that repeats the call (credentials
redacted unless the user ticks *Reveal*), and the raw reply: status, headers and body.

Nothing from the API is handed to the browser to interpret as it likes: HTML is
sanitised here (nh3: no scripts, no event handlers, no `javascript:` links, no images
that the browser would fetch), and Markdown loses its image syntax, because a reply
must not make the page load addresses on the server's own network. The spec's own text
is Markdown too, and loses its images the same way (`safe_markdown`).
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
import nh3
from gradio.utils import get_upload_folder

from autoui.builder.messages import markdown
from autoui.builder.reveal import on_expand
from autoui.mapper.calls import CurlFn
from autoui.mapper.output_kinds import KINDS, UNPLANNED
from autoui.mapper.output_kinds.base import Holds
from autoui.mapper.plan import OperationPlan
from autoui.mapper.reply_data import Reply
from autoui.mapper.sent import SentRequest

_RAW_LIMIT = 200_000  # characters of a reply body shown in the raw view
_ALWAYS = ("textbox", "json", "file")
STOPPED_MARKDOWN = "**Stopped** · the connection to the API was closed"
# Ammonia's safe tags (no scripts, styles, frames, forms or media) less images.
_HTML_TAGS = nh3.ALLOWED_TAGS - {"img"}


def output_kinds(plan: OperationPlan) -> list[str]:
    """The output components an operation's area needs, the planned one first."""
    planned = plan.outputs[0].component if plan.outputs else "auto"
    if planned not in KINDS:  # auto: the reply decides
        return [*_ALWAYS, *UNPLANNED]
    kind = KINDS[planned]
    kinds = [kind.shown_in]
    return kinds + [k for k in (*_ALWAYS, *kind.may_be) if k not in kinds]


def _make(kind: str, name: str) -> gr.components.Component:
    """Hidden until a reply of its kind comes: the page loads a component's code only when
    it is first shown."""
    spec = KINDS[kind].component
    component: gr.components.Component = getattr(gr, spec.cls)(
        **spec.kwargs, label="Result", visible=False, elem_id=f"result-{name}-{kind}"
    )
    return component


@dataclass
class OutputArea:
    """The components of one operation's output area, created in the current layout."""

    status: gr.Markdown
    results: dict[str, gr.components.Component] = field(default_factory=dict)
    curl: gr.Code | None = None
    reveal: gr.Checkbox | None = None
    raw: gr.Code | None = None
    sent: gr.State | None = None  # the last request, kept on the server for Reveal
    command: CurlFn | None = None  # what shows the request as a curl command

    @classmethod
    def create(cls, plan: OperationPlan, command: CurlFn | None = None) -> OutputArea:
        name = plan.api_name
        status = gr.Markdown("", elem_classes=["autoui-status"], elem_id=f"status-{name}")
        kinds = output_kinds(plan)
        # Shown when a reply comes: until then the page loads none of their code.
        results = {kind: _make(kind, name) for kind in kinds}
        with gr.Accordion("curl · headers · raw reply", open=False) as details:
            curl = gr.Code(
                language="shell",
                interactive=False,
                label="curl",
                lines=3,
                elem_id=f"curl-{name}",
                visible=False,
            )
            reveal = gr.Checkbox(
                False,
                label="Reveal credentials in the command",
                elem_id=f"reveal-{name}",
                visible=False,
            )
            raw = gr.Code(
                language="json",
                interactive=False,
                label="Raw reply: status, headers and body",
                lines=4,
                max_lines=40,
                elem_id=f"raw-{name}",
                visible=False,
            )
        on_expand(details, [curl, reveal, raw])
        sent = gr.State(None)

        def shown(request: SentRequest | None, revealed: bool) -> str:
            return show_curl(command, request, revealed)

        reveal.change(
            shown, inputs=[sent, reveal], outputs=curl, api_visibility="private", queue=False
        )
        return cls(status, results, curl, reveal, raw, sent, command)

    @property
    def components(self) -> list[gr.components.Component]:
        details = [self.curl, self.raw, self.sent]
        return [self.status, *self.results.values(), *[d for d in details if d is not None]]

    def clear(self) -> dict[gr.components.Component, Any]:
        """Updates that take the previous reply away: status, answer and details."""
        updates: dict[gr.components.Component, Any] = {self.status: ""}
        for component in self.results.values():
            updates[component] = gr.update(visible=False, value=None)
        for detail in (self.curl, self.raw):
            if detail is not None:
                updates[detail] = ""
        return updates

    def start(self) -> dict[gr.components.Component, Any]:
        """Updates that clear the previous reply as a new call begins."""
        return {**self.clear(), self.status: "*Sending…*"}

    def progress(self, reply: Reply, first: bool = False) -> dict[gr.components.Component, Any]:
        """Updates while a call goes on: elapsed time, and a stream's text so far. The
        `first` ones also show the curl command, so a call that is stopped has one too."""
        updates: dict[gr.components.Component, Any] = {}
        if first and self.curl is not None and self.sent is not None:
            updates[self.curl] = show_curl(self.command, reply.request, False)
            updates[self.sent] = reply.request
        if reply.kind != "stream":
            where = "receiving the reply" if reply.status is not None else "waiting for the reply"
            updates[self.status] = f"*{where} · {reply.elapsed:.1f} s*"
            return updates
        updates[self.status] = (
            f"*{reply.status} {markdown(reply.reason)} · streaming · {reply.elapsed:.1f} s*"
        )
        updates[self.results["textbox"]] = gr.update(visible=True, value=reply.primary)
        return updates

    def show(self, reply: Reply, reveal: bool = False) -> dict[gr.components.Component, Any]:
        """Updates for every component of the area, for a finished call."""
        kind = self._available(reply.kind)
        updates: dict[gr.components.Component, Any] = {self.status: status_markdown(reply)}
        for component in self.results.values():
            updates[component] = gr.update(visible=False, value=None)
        if reply.status is not None and (reply.ok or reply.primary not in (None, "", b"")):
            updates[self.results[kind]] = gr.update(
                visible=True, value=ui_value(reply, kind), label=reply.label or "Result"
            )
        if self.curl is not None:
            updates[self.curl] = show_curl(self.command, reply.request, reveal)
        if self.sent is not None:
            updates[self.sent] = reply.request
        if self.raw is not None:
            updates[self.raw] = raw_text(reply)
        return updates

    def failure(self, message: str) -> dict[gr.components.Component, Any]:
        return {self.status: f"**Error** · {markdown(message)}"}

    def _available(self, kind: str) -> str:
        while kind not in self.results:
            kind = KINDS[kind].fallback if kind in KINDS else "file"
        return kind


def show_curl(command: CurlFn | None, sent: SentRequest | None, reveal: bool) -> str:
    if command is None or sent is None:
        return ""
    return command(sent, reveal=bool(reveal))


def status_markdown(reply: Reply) -> str:
    notes = "".join(f"  \n*{markdown(note)}*" for note in reply.notes)
    if reply.stopped:
        prefix = f"{markdown(reply.summary())}  \n" if reply.status is not None else ""
        return f"{prefix}{STOPPED_MARKDOWN}"
    if reply.ok:
        return f"**{markdown(reply.summary())}**{notes}"
    prefix = f"{markdown(reply.summary())}  \n" if reply.status is not None else ""
    return f"{prefix}**Error** · {markdown(reply.error or '')}{notes}"


def ui_value(reply: Reply, kind: str) -> Any:
    """What the component of `kind` shows of `reply`, by what the kind holds."""
    return _VALUES[KINDS[kind].holds](reply)


def _file(reply: Reply) -> str | None:
    if isinstance(reply.primary, Path):  # a reply too big to hold, already on disk
        return str(reply.primary)
    if isinstance(reply.primary, (bytes, bytearray)):
        return write_temp(bytes(reply.primary), reply.primary_type, reply.filename)
    if isinstance(reply.primary, list):  # a gallery shown where only a file fits
        return write_temp(reply.primary[0], reply.primary_type) if reply.primary else None
    return None


def _files(reply: Reply) -> list[str]:
    items = reply.primary if isinstance(reply.primary, list) else [reply.primary]
    return [write_temp(bytes(c), reply.primary_type) for c in items if isinstance(c, bytes)]


def _text(reply: Reply) -> str:
    if reply.kind in KINDS and KINDS[reply.kind].holds == "view":
        return str(reply.view)  # a vector's numbers, where the area has no vector view
    text = "" if reply.primary is None else reply.primary
    if isinstance(text, (dict, list)):
        return json.dumps(text, indent=2, ensure_ascii=False)
    return str(text)


_VALUES: dict[Holds, Callable[[Reply], Any]] = {
    "text": _text,
    "markdown": lambda reply: safe_markdown(_text(reply)),
    "html": lambda reply: safe_html(_text(reply)),
    "json": lambda reply: reply.primary,
    "view": lambda reply: reply.view,
    "file": _file,
    "files": _files,
}


def safe_html(text: str) -> str:
    """HTML without anything that runs or loads: nh3 (the Ammonia sanitizer) keeps
    formatting and links, and drops scripts, styles, event handlers, `javascript:` URLs,
    and images (which the browser would fetch, wherever they point)."""
    return nh3.clean(text, tags=_HTML_TAGS, url_schemes={"http", "https", "mailto"})


def safe_markdown(text: str) -> str:
    """Markdown (from a spec or a reply) whose images are links: `![alt](url)` becomes
    `!​[alt](url)`, a link the user may follow, instead of a picture the browser fetches
    on its own (a spec's tracking pixel). Gradio's Markdown sanitises HTML, so `<script>`
    and event handlers are already dropped; raw `<img>` tags are escaped here for the
    same reason as images, and the page's `serve.CONTENT_POLICY` stops any other way to
    load a picture."""
    text = re.sub(r"!\[", "!\u200b[", text)
    return re.sub(r"(?i)<img\b", "&lt;img", text)


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
