"""What came back, decoded into the one value a person wants to see, or one clear error.

The decision follows the reply's actual `Content-Type` (specs often declare nothing, or
something else), guided by the plan: a declared primary field is taken out of a JSON
object; an undeclared one is found by the same rule at run time.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from autoui.dispatcher.streams import stream_text
from autoui.mapper.outputs import answer_path, component_for_media_type, is_json, primary_name
from autoui.mapper.plan import Output

_TEXT_KINDS = ("textbox", "markdown", "html", "stream")
_DETAIL_KEYS = ("detail", "message", "error_description", "error", "title", "msg", "errors")
_MAX_DETAIL = 500


@dataclass
class Reply:
    method: str
    url: str
    status: int | None = None
    reason: str = ""
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = ""
    content: bytes = b""
    data: Any = None  # the parsed JSON body, when there was one
    kind: str = (
        "textbox"  # how `primary` is shown: textbox|markdown|html|json|image|audio|video|file
    )
    primary: Any = None  # str for text kinds, a JSON value for json, bytes for media and files
    filename: str | None = None
    error: str | None = None
    # A body too big to hold in memory, written to this file instead of `content`.
    body_file: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        """`200 OK · 0.12 s · application/json · 1.2 kB`, for the status line."""
        if self.status is None:
            return f"{self.method} {self.url} · no reply"
        parts = [f"{self.status} {self.reason}".strip(), f"{self.elapsed:.2f} s"]
        if self.media_type:
            parts.append(self.media_type)
        parts.append(_size(self.body_file.stat().st_size if self.body_file else len(self.content)))
        return " · ".join(parts)


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"


def media_type_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def charset_of(content_type: str) -> str:
    message = Message()
    message["content-type"] = content_type or "text/plain"
    return message.get_content_charset() or "utf-8"


def decode(reply: Reply, output: Output) -> Reply:
    """Fill `kind`, `primary`, `data` and `error` of a reply that has a status and content."""
    content_type = reply.headers.get("Content-Type", reply.headers.get("content-type", ""))
    reply.media_type = media_type_of(content_type)
    reply.filename = filename_of(reply.headers)
    text = None
    if _looks_json(reply.media_type, reply.content, output):
        text = reply.content.decode(charset_of(content_type), "replace")
        try:
            reply.data = json.loads(text) if text.strip() else None
        except json.JSONDecodeError as exc:
            if reply.status is not None and reply.status < 400:
                snippet = " ".join(text.split())[:120]
                reply.error = (
                    f"the API promised JSON but sent something else ({exc.msg} at "
                    f"line {exc.lineno}, column {exc.colno}): {snippet!r}"
                )
                reply.kind, reply.primary = "textbox", text
                return reply
    if reply.status is not None and reply.status >= 400:
        reply.error = error_message(reply, text)
        reply.kind = "json" if reply.data is not None else "textbox"
        reply.primary = reply.data if reply.data is not None else _text(reply, content_type)
        return reply
    if reply.data is not None or (text is not None and not text.strip()):
        _primary_from_json(reply, output)
        return reply
    if not reply.content:
        # 204 No Content (or an empty 200) has nothing to show: not an empty download.
        reply.kind, reply.primary = "textbox", ""
        return reply
    reply.kind = component_for_media_type(reply.media_type or "application/octet-stream")
    if reply.kind == "stream":
        reply.kind = "textbox"
        reply.primary = stream_text(_text(reply, content_type), reply.media_type)
    elif reply.kind in _TEXT_KINDS or reply.kind == "json":
        reply.kind = "textbox" if reply.kind == "json" else reply.kind
        reply.primary = _text(reply, content_type)
    else:
        reply.primary = reply.content
    reply.error = _broken_promise(reply, output)
    return reply


def _broken_promise(reply: Reply, output: Output) -> str | None:
    """The error for a plain-text reply where the spec described a JSON one, or None.

    Only a described shape counts as a promise: FastAPI documents every route as
    `application/json` with an empty schema (an `auto` output), even one that returns a
    PlainTextResponse, and such replies are simply shown as they came. Streams, images
    and files are left alone too: a response that offers JSON often offers them as well
    (`stream: true`, `?format=png`), and the plan names only the JSON one.
    """
    promised = output.media_type is not None and is_json(output.media_type)
    if not promised or output.component == "auto" or not reply.content.strip():
        return None
    textual = reply.kind in ("textbox", "html", "markdown") and isinstance(reply.primary, str)
    if not textual or component_for_media_type(reply.media_type or "text/plain") == "stream":
        return None
    snippet = " ".join(reply.primary.split())[:120]
    return f"the API promised JSON but sent {reply.media_type or 'no Content-Type'}: {snippet!r}"


def _looks_json(media_type: str, content: bytes, output: Output) -> bool:
    if is_json(media_type):
        return True
    declared = output.media_type is not None and is_json(output.media_type)
    return (declared or not media_type) and content.lstrip()[:1] in (b"{", b"[", b'"')


def _text(reply: Reply, content_type: str) -> str:
    return reply.content.decode(charset_of(content_type), "replace")


def _primary_from_json(reply: Reply, output: Output) -> None:
    data = reply.data
    value: Any = data
    if isinstance(data, Mapping):
        known = answer_path(data)
        if output.field is not None and _has_path(data, output.field):
            value = _get_path(data, output.field)
        elif known is not None:
            value = _get_path(data, known)
        elif output.component in ("auto", "textbox", "markdown", "image", "audio"):
            name = primary_name({k: _json_kind(v) for k, v in data.items()}, output.echoes)
            if name is not None:
                value = data[name]
    if output.component in ("image", "audio") and isinstance(value, str):
        decoded = decode_base64(value)
        if decoded is not None:
            reply.kind, reply.primary = output.component, decoded
            return
    if isinstance(value, (dict, list)):
        reply.kind, reply.primary = "json", value
    elif value is None:
        reply.kind, reply.primary = "textbox", ""
    else:
        reply.kind = "markdown" if output.component == "markdown" else "textbox"
        reply.primary = value if isinstance(value, str) else json.dumps(value)


def _json_kind(value: Any) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "null"


def _has_path(data: Any, dotted: str) -> bool:
    try:
        _get_path(data, dotted)
    except (KeyError, IndexError, TypeError, ValueError):
        return False
    return True


def _get_path(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def decode_base64(text: str) -> bytes | None:
    """The bytes of a base64 string or `data:` URL, or None if it is not one."""
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=False)
    except (binascii.Error, ValueError):
        return None


def filename_of(headers: Mapping[str, str]) -> str | None:
    disposition = headers.get("Content-Disposition") or headers.get("content-disposition")
    if not disposition:
        return None
    message = Message()
    message["content-disposition"] = disposition
    name = message.get_filename()
    if not name:
        return None
    name = re.sub(r"[\\/\x00-\x1f]", "_", name).strip(". ")  # a name, never a path
    return name or None


def error_message(reply: Reply, text: str | None) -> str:
    """`HTTP 422 Unprocessable Entity: prompt: Field required` from any common error shape."""
    head = f"HTTP {reply.status} {reply.reason}".rstrip()
    detail = _detail(reply.data) if reply.data is not None else None
    if detail is None:
        body = text if text is not None else reply.content.decode("utf-8", "replace")
        detail = " ".join(body.split())
        if reply.media_type == "text/html":
            detail = _html_text(body)
    if not detail:
        return head
    if len(detail) > _MAX_DETAIL:
        detail = detail[: _MAX_DETAIL - 1] + "…"
    return f"{head}: {detail}"


def _html_text(page: str) -> str:
    """The words of an HTML error page: scripts and styles dropped (debug pages are full of
    them), tags removed, entities such as `&amp;` decoded, whitespace collapsed."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _detail(data: Any) -> str | None:
    """The human part of an error body: FastAPI `detail` (with its validation list),
    RFC 7807 `title`/`detail`, `{"error": {"message": ...}}` and friends."""
    if isinstance(data, str):
        return data
    if isinstance(data, list):
        items = [_detail(item) for item in data[:10]]
        return "; ".join(i for i in items if i) or None
    if not isinstance(data, Mapping):
        return None
    if "loc" in data and "msg" in data:
        loc = [
            str(p)
            for p in data.get("loc") or []
            if p not in ("body", "query", "path", "header", "cookie")
        ]
        return f"{'.'.join(loc)}: {data['msg']}" if loc else str(data["msg"])
    if "title" in data and "detail" in data:  # RFC 7807 problem details
        return f"{data['title']}: {_detail(data['detail'])}"
    for key in _DETAIL_KEYS:
        if key in data and data[key] not in (None, "", [], {}):
            return _detail(data[key])
    return None
