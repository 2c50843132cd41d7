"""Which part of a reply is the answer: the success response and the media type planned
from (`outputs.py`), and the field that holds the answer, by the same rule when planning
from a schema and, when the schema says nothing (FastAPI's `dict`), on the reply's JSON
at run time (`dispatcher.reply`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from autoui.ir import MediaType, Operation, Response
from autoui.mapper.naming import METADATA_NAMES
from autoui.mapper.plan import is_json

PRIMARY_NAMES = (
    "response",
    "result",
    "output",
    "text",
    "answer",
    "generated_text",
    "content",
    "description",
    "message",
    "caption",
    "summary",
)
_SUCCESS_ORDER = ("200", "201", "202", "203", "206", "2XX")


def primary_name(kinds: Mapping[str, str], echoes: Collection[str] = ()) -> str | None:
    """The field that is the answer, given each field's JSON type.

    The only field; else, leaving out metadata (`id`, `model`, ...) and fields that
    echo a request field (`{"word": "the", "followers": [...]}` for GET /words/the),
    the only string field, else the first of PRIMARY_NAMES.
    """
    if len(kinds) == 1:
        return next(iter(kinds))
    candidates = {n: k for n, k in kinds.items() if n not in METADATA_NAMES and n not in echoes}
    strings = [name for name, kind in candidates.items() if kind == "string"]
    if len(strings) == 1:
        return strings[0]
    for name in PRIMARY_NAMES:
        if name in candidates:
            return name
    return None


def answer_path(data: Any) -> str | None:
    """The answer's path in a well-known reply shape (OpenAI completions), if it is one."""
    if not isinstance(data, Mapping):
        return None
    message = data.get("message")  # Ollama's chat: {"message": {"role", "content"}}
    if isinstance(message, Mapping) and isinstance(message.get("content"), str):
        return "message.content"
    choices = data.get("choices")
    if not (isinstance(choices, list) and choices and isinstance(choices[0], Mapping)):
        return None
    first = choices[0]
    if isinstance(first.get("message"), Mapping) and "content" in first["message"]:
        return "choices.0.message.content"
    if "text" in first:
        return "choices.0.text"
    return None


def success_response(operation: Operation) -> Response | None:
    """The usual 2xx codes in order, then any other 2xx, and only then `default`.

    `default` usually describes errors: `204` + `default: Error` must not make the
    error's `message` the output of a successful delete.
    """
    by_status = {r.status: r for r in operation.responses}
    for status in _SUCCESS_ORDER:
        if status in by_status:
            return by_status[status]
    other = next((r for r in operation.responses if r.status.startswith("2")), None)
    return other or by_status.get("DEFAULT")


def pick_media(content: Mapping[str, MediaType]) -> MediaType | None:
    """JSON when offered (it can be taken apart), else the first declared type."""
    for name, media in content.items():
        if is_json(name):
            return media
    return next(iter(content.values()), None)
