"""What came back, decoded into the one value a person wants to see, or one clear error.

The decision follows the reply's actual `Content-Type` (specs often declare nothing, or
something else), guided by the plan: a declared primary field is taken out of a JSON
object; an undeclared one is found by the same rule at run time.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from collections.abc import Iterable, Mapping
from email.message import Message
from typing import Any

from autoui.dispatcher.media import media_in_json, media_in_string, show_media, sniff
from autoui.dispatcher.streams import is_stream, read_stream
from autoui.mapper.output_kinds import KINDS, for_media_type, tensors, vector
from autoui.mapper.output_kinds.answer import answer_path, primary_name
from autoui.mapper.output_kinds.image_urls import is_web_url
from autoui.mapper.output_kinds.label import label_scores
from autoui.mapper.output_kinds.table import table, table_rows
from autoui.mapper.plan import Field, Output, is_json
from autoui.mapper.reply_data import Reply

_TEXT_KINDS = ("textbox", "markdown", "html", "stream")
_DETAIL_KEYS = ("detail", "message", "error_description", "error", "title", "msg", "errors")
_MAX_DETAIL = 500


def media_type_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def charset_of(content_type: str) -> str:
    """The declared charset, or UTF-8 when none is declared or Python does not know it."""
    message = Message()
    message["content-type"] = content_type or "text/plain"
    charset = message.get_content_charset() or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    return charset


def content_type_of(headers: Mapping[str, str]) -> str:
    return headers.get("Content-Type", headers.get("content-type", ""))


def decode(reply: Reply, output: Output, fields: Iterable[Field] = ()) -> Reply:
    """Fill `kind`, `primary`, `data` and `error` of a reply that has a status and content.

    `fields` (the operation's form) let an error that names a request field (FastAPI's
    validation errors) name it as the form labels it.
    """
    content_type = content_type_of(reply.headers)
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
        reply.field_errors = field_errors(reply.data, fields)
        reply.error = error_message(reply, text, fields)
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
    reply.kind = for_media_type(reply.media_type or "application/octet-stream")
    if reply.kind == "stream":
        reply.kind = "textbox"
        stream = read_stream(reply.content, reply.media_type, charset_of(content_type))
        reply.primary = stream.text
        if stream.cut_short:
            reply.error = "the stream ended without [DONE]: the answer may be incomplete"
    elif reply.kind in _TEXT_KINDS or reply.kind == "json":
        reply.kind = "textbox" if reply.kind == "json" else reply.kind
        reply.primary = _text(reply, content_type)
    else:
        reply.primary, reply.primary_type = reply.content, reply.media_type
        if reply.kind == "file":
            _sniffed(reply, output)
    reply.error = reply.error or _broken_promise(reply, output)
    return reply


def _sniffed(reply: Reply, output: Output) -> None:
    """A binary reply (`application/octet-stream`, as OpenAI's speech is declared) shown as
    what its bytes are, a sound or a picture; bytes that start like nothing known are
    shown as the plan's media kind, when it planned one, else as a file."""
    found = sniff(reply.content)
    if found is not None and found.split("/", 1)[0] in ("image", "audio", "video"):
        reply.kind, reply.primary_type = found.split("/", 1)[0], found
    elif output.component in ("image", "audio", "video"):
        reply.kind = output.component


def partial_stream(reply: Reply) -> None:
    """For a stream that broke off, stalled or was stopped: the text of the events that
    came whole, as the answer so far (a half event is left out, not shown raw)."""
    content_type = content_type_of(reply.headers)
    reply.media_type = media_type_of(content_type)
    if is_stream(reply.media_type):
        stream = read_stream(reply.content, reply.media_type, charset_of(content_type))
        reply.kind, reply.primary = "textbox", stream.text


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
    if not textual or for_media_type(reply.media_type or "text/plain") == "stream":
        return None
    snippet = " ".join(reply.primary.split())[:120]
    return f"the API promised JSON but sent {reply.media_type or 'no Content-Type'}: {snippet!r}"


def _looks_json(media_type: str, content: bytes, output: Output) -> bool:
    if is_json(media_type):
        return True
    if is_stream(media_type):  # NDJSON lines start with `{` too
        return False
    declared = output.media_type is not None and is_json(output.media_type)
    return (declared or not media_type) and content.lstrip()[:1] in (b"{", b"[", b'"')


def _text(reply: Reply, content_type: str) -> str:
    return reply.content.decode(charset_of(content_type), "replace")


def _primary_from_json(reply: Reply, output: Output) -> None:
    """The primary-field rule, then what the value is best shown as: media (declared,
    or found by name and bytes anywhere in the reply), a table, labels, JSON or text."""
    data = reply.data
    value = _primary_value(data, output)
    if isinstance(value, str):
        declared = output.component if output.component in ("image", "audio") else None
        media = media_in_string(value, declared)
        if media is not None:
            show_media(reply, [media])
            return
    found = media_in_json(data)
    if found:
        show_media(reply, found)
        return
    if isinstance(value, str) and output.component == "image" and is_web_url(value):
        reply.media_urls = [value]  # the picture the output shows is at this URL
    if _model_answer(reply, data, output):
        return
    _show_value(reply, value, output)


def _primary_value(data: Any, output: Output) -> Any:
    """The value the reply's primary field holds (the whole reply when none is found)."""
    if not isinstance(data, Mapping):
        return data
    # A well-known shape wins over a guess from the schema, not over a person's choice.
    known = None if _overridden(output) else answer_path(data)
    if known is not None:
        return _get_path(data, known)
    if output.field is not None and _has_path(data, output.field):
        return _get_path(data, output.field)
    if output.component not in ("json", "table", "label"):
        name = primary_name({k: _json_kind(v) for k, v in data.items()}, output.echoes)
        if name is not None:
            return data[name]
    return data


def _show_value(reply: Reply, value: Any, output: Output) -> None:
    """A value that is no media: labels, a table, JSON or text."""
    if isinstance(value, (dict, list)):
        reply.primary, reply.kind = value, "json"
        scores = label_scores(value)
        rows = table_rows(value, output.echoes) if scores is None else None
        if scores is not None:
            reply.kind, reply.view = "label", scores
        elif rows is not None:
            reply.kind, reply.view = "table", table(rows)
    elif value is None:
        reply.kind, reply.primary = "textbox", ""
    else:
        planned = KINDS.get(output.component)
        reply.kind = planned.name if planned is not None and planned.text_value else "textbox"
        reply.primary = value if isinstance(value, str) else json.dumps(value)


def _model_answer(reply: Reply, data: Any, output: Output) -> bool:
    """Embeddings and inference tensors (`autoui.mapper.output_kinds`): one vector as its
    numbers, several as a table of one row per input; tensors as a table. (Not where a
    person chose how the reply is shown.)"""
    if _overridden(output):
        return False
    found = vector.vectors_in(data, declared=output.component == "vector")
    if found is not None and len(found) == 1:
        reply.kind, reply.primary = "vector", found[0]
        reply.view, reply.label = vector.vector_text(found[0]), vector.vector_label(found[0])
        return True
    if found is not None:
        reply.kind, reply.primary, reply.view = "table", found, vector.vectors_table(found)
        reply.label = f"{len(found)} vectors"
        return True
    outputs = tensors.tensors_in(data)
    if outputs is not None:
        reply.kind, reply.primary, reply.view = "table", outputs, tensors.tensors_table(outputs)
        reply.label = "Output tensors"
        return True
    return False


def _overridden(output: Output) -> bool:
    """Whether the output was chosen by `x-autoui` or a config file (see overrides.py)."""
    return output.rule == "x-autoui" or output.rule.startswith("config: ")


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


def error_message(reply: Reply, text: str | None, fields: Iterable[Field] = ()) -> str:
    """`HTTP 422 Unprocessable Entity: prompt: Field required` from any common error shape,
    naming a request field the way the form labels it."""
    head = f"HTTP {reply.status} {reply.reason}".rstrip()
    detail = _detail(reply.data, list(fields)) if reply.data is not None else None
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


def _detail(data: Any, fields: list[Field]) -> str | None:
    """The human part of an error body: FastAPI `detail` (with its validation list),
    RFC 7807 `title`/`detail` (and `invalid-params`), `{"error": {"message": ...}}` and
    friends."""
    if isinstance(data, str):
        return data
    if isinstance(data, list):
        items = [_detail(item, fields) for item in data[:10]]
        return "; ".join(i for i in items if i) or None
    if not isinstance(data, Mapping):
        return None
    if "loc" in data and "msg" in data:
        where = _where(data.get("loc"), fields)
        return f"{where}: {data['msg']}" if where else str(data["msg"])
    if "title" in data and ("detail" in data or _INVALID in data):  # RFC 7807
        text = str(data["title"])
        detail = _detail(data.get("detail"), fields)
        if detail:
            text += (" " if text.endswith((".", "!", "?")) else ": ") + detail
        invalid = [_invalid_param(p, fields) for p in data.get(_INVALID) or []]
        return text + "".join(f"; {i}" for i in invalid if i)
    for key in _DETAIL_KEYS:
        if key in data and data[key] not in (None, "", [], {}):
            return _detail(data[key], fields)
    return None


_INVALID = "invalid-params"
_LOCATIONS = ("body", "query", "path", "header", "cookie")


def _invalid_param(item: Any, fields: list[Field]) -> str | None:
    if not isinstance(item, Mapping) or "name" not in item:
        return None
    where = _where([str(item["name"])], fields)
    return f"{where}: {item.get('reason', 'invalid')}"


def field_errors(data: Any, fields: Iterable[Field]) -> dict[str, str]:
    """The form fields a validation error names (by api_param), with the message for each."""
    items = data.get("detail") if isinstance(data, Mapping) else None
    if isinstance(data, Mapping) and isinstance(data.get(_INVALID), list):
        items = [
            {"loc": [p.get("name")], "msg": p.get("reason", "invalid")}
            for p in data[_INVALID]
            if isinstance(p, Mapping)
        ]
    found: dict[str, str] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and "loc" in item:
            match = _field_at(item["loc"], list(fields))
            if match is not None:
                found.setdefault(match[0].api_param, str(item.get("msg", "")))
    return found


def _where(loc: Any, fields: list[Field]) -> str:
    """A validation error's location as the form names it: the field's label (and the
    rest of the path inside it), else the path as the API gave it."""
    if not isinstance(loc, list):
        return ""
    match = _field_at(loc, fields)
    if match is not None:
        field, rest = match
        return ".".join([field.label.removesuffix(" *"), *map(str, rest)])
    return ".".join(str(p) for p in loc if p not in _LOCATIONS)


def _field_at(loc: Any, fields: list[Field]) -> tuple[Field, list[Any]] | None:
    """The field at FastAPI's `loc` (`["body", "options", "temperature"]`,
    `["query", "limit"]`) and the part of the path below it."""
    if not isinstance(loc, list) or not loc:
        return None
    where, path = (loc[0], loc[1:]) if loc[0] in _LOCATIONS else (None, loc)
    best: tuple[Field, list[Any]] | None = None
    for candidate in fields:
        if where not in (None, candidate.location):
            continue
        if candidate.location == "body":
            size = len(candidate.body_path)
            if (
                size
                and tuple(map(str, path[:size])) == candidate.body_path
                and (best is None or size > len(best[0].body_path))
            ):
                best = (candidate, path[size:])
        elif path and str(path[0]).lower() == candidate.name.lower():
            return candidate, path[1:]
    return best
